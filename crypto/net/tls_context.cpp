#include "crypto/net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "crypto/net/detail/tls_errors.h"

namespace pinas::crypto {
namespace {

// Frees the context unless released: the builders throw half-way.
struct ContextOwner {
  SSL_CTX* context;
  ~ContextOwner() {
    if (context != nullptr) SSL_CTX_free(context);
  }
  SSL_CTX* release() {
    SSL_CTX* result = context;
    context = nullptr;
    return result;
  }
};

SSL_CTX* new_tls13_context(const SSL_METHOD* method) {
  ERR_clear_error();
  SSL_CTX* context = SSL_CTX_new(method);
  if (context == nullptr)
    throw TlsError("cannot create a TLS context: " + detail::take_openssl_errors());
  // TLS 1.3 only: a peer offering 1.2 or older is refused at the handshake.
  if (SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) != 1) {
    SSL_CTX_free(context);
    throw TlsError("cannot restrict the TLS context to TLS 1.3: " + detail::take_openssl_errors());
  }
  // Partial writes let the non-blocking channel resume a write after
  // WANT_WRITE with the rest of its buffer.
  SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  return context;
}

void load_identity(SSL_CTX* context, const TlsFiles& files, const char* role) {
  if (SSL_CTX_use_certificate_chain_file(context, files.certificate.c_str()) != 1) {
    throw TlsError(std::string("TLS ") + role + " certificate " + files.certificate +
                   ": cannot load it as PEM: " + detail::take_openssl_errors());
  }
  if (SSL_CTX_use_PrivateKey_file(context, files.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw TlsError(std::string("TLS ") + role + " private key " + files.private_key +
                   ": cannot load it as PEM: " + detail::take_openssl_errors());
  }
  if (SSL_CTX_check_private_key(context) != 1) {
    throw TlsError(std::string("TLS ") + role + " private key " + files.private_key +
                   " does not match the certificate " + files.certificate + ": " +
                   detail::take_openssl_errors());
  }
}

void trust_peer_ca(SSL_CTX* context, const std::string& ca_file, const char* what) {
  if (SSL_CTX_load_verify_locations(context, ca_file.c_str(), nullptr) != 1) {
    throw TlsError(std::string("TLS ") + what + " " + ca_file +
                   ": cannot load it as PEM certificates: " + detail::take_openssl_errors());
  }
}

}  // namespace

std::shared_ptr<const TlsContext> TlsContext::server(const TlsFiles& files) {
  if (files.certificate.empty() || files.private_key.empty()) {
    throw TlsError("a TLS server needs both a certificate and its private key");
  }
  ContextOwner owner{new_tls13_context(TLS_server_method())};
  load_identity(owner.context, files, "server");
  const bool authenticate_clients = !files.peer_ca.empty();
  if (authenticate_clients) {
    trust_peer_ca(owner.context, files.peer_ca, "client CA");
    // Tell clients which CA we accept, so one holding several certificates
    // picks the right one.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.peer_ca.c_str());
    if (names == nullptr) {
      throw TlsError("TLS client CA " + files.peer_ca +
                     ": no certificate in it: " + detail::take_openssl_errors());
    }
    SSL_CTX_set_client_CA_list(owner.context, names);
    SSL_CTX_set_verify(owner.context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else {
    SSL_CTX_set_verify(owner.context, SSL_VERIFY_NONE, nullptr);
  }
  // One-shot sessions: nothing to resume, so no session tickets to send.
  SSL_CTX_set_num_tickets(owner.context, 0);
  return std::shared_ptr<const TlsContext>(
      new TlsContext(Role::kServer, owner.release(), authenticate_clients));
}

std::shared_ptr<const TlsContext> TlsContext::client(const TlsFiles& files) {
  if (files.peer_ca.empty()) {
    throw TlsError("a TLS client needs the CA certificate that signed the server's certificate");
  }
  if (files.certificate.empty() != files.private_key.empty()) {
    throw TlsError("a TLS client certificate needs its private key, and a key its certificate");
  }
  ContextOwner owner{new_tls13_context(TLS_client_method())};
  trust_peer_ca(owner.context, files.peer_ca, "server CA");
  SSL_CTX_set_verify(owner.context, SSL_VERIFY_PEER, nullptr);
  if (!files.certificate.empty()) load_identity(owner.context, files, "client");
  return std::shared_ptr<const TlsContext>(new TlsContext(Role::kClient, owner.release(), true));
}

TlsContext::~TlsContext() {
  SSL_CTX_free(context_);
}

}  // namespace pinas::crypto
