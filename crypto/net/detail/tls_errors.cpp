#include "crypto/net/detail/tls_errors.h"

#include <openssl/err.h>

namespace pinas::crypto::detail {

std::string take_openssl_errors(const std::string& fallback) {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    // "error:0A000086:SSL routines::certificate verify failed": keep the reason.
    std::string line = buffer;
    auto colon = line.rfind(':');
    if (colon != std::string::npos && colon + 1 < line.size()) line = line.substr(colon + 1);
    if (!text.empty()) text += "; ";
    text += line;
  }
  return text.empty() ? fallback : text;
}

}  // namespace pinas::crypto::detail
