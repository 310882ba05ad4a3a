#pragma once

#include <memory>
#include <optional>
#include <string>

#include "crypto/primitives/crypto_error.h"

// OpenSSL's context type, kept out of consumers' includes.
struct ssl_ctx_st;

namespace pinas::crypto {

// A TLS failure: a certificate or key that cannot be loaded, a handshake
// refused by either side (no client certificate, a certificate from another
// CA, a peer that does not speak TLS), or a broken TLS record. The message
// names the file or the peer and says which side refused and why.
class TlsError : public ChannelError {
 public:
  explicit TlsError(const std::string& message) : ChannelError(message) {}
};

// PEM files of one side of a TLS 1.3 connection.
struct TlsFiles {
  // Our certificate (chain) and its private key. Required for a server;
  // for a client only when the server asks for client authentication.
  std::string certificate;
  std::string private_key;
  // The CA certificate(s) a peer's certificate must chain to. A client
  // always verifies the server against it. A server with it set serves only
  // clients presenting a certificate signed by that CA (client
  // authentication); without it, it asks for no client certificate.
  std::string peer_ca;
};

// The configuration of TLS connections of one role (server or client): TLS
// 1.3 only (older versions are refused at the handshake), the certificate and
// key loaded and checked against each other, the peer CA trusted. One context
// serves any number of connections. Thread-safety: immutable once built; it
// may be shared by connections running on several threads.
class TlsContext {
 public:
  enum class Role { kServer, kClient };

  // requires: for a server, files.certificate and files.private_key; for a
  // client, files.peer_ca (the server must be authenticated), and both or
  // neither of certificate and key. Throws TlsError naming the file that
  // cannot be read or parsed, or a key that does not match its certificate.
  static std::shared_ptr<const TlsContext> server(const TlsFiles& files);
  static std::shared_ptr<const TlsContext> client(const TlsFiles& files);

  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  Role role() const { return role_; }
  // Whether peers must present a certificate from peer_ca (server: client
  // authentication; client: always).
  bool verifies_peer() const { return verifies_peer_; }
  // The OpenSSL context, for TlsChannel.
  ssl_ctx_st* native() const { return context_; }

 private:
  TlsContext(Role role, ssl_ctx_st* context, bool verifies_peer)
      : role_(role), context_(context), verifies_peer_(verifies_peer) {}

  Role role_;
  ssl_ctx_st* context_;
  bool verifies_peer_;
};

}  // namespace pinas::crypto
