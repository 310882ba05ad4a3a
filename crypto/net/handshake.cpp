#include "crypto/net/handshake.h"

#include <cstring>
#include <vector>

namespace pinas::crypto {
namespace {

constexpr char kMagic[8] = {'P', 'I', 'N', 'A', 'S', 'H', 'S', '1'};
constexpr size_t kMaxCircuitIdBytes = 1024;

// The peer's circuit id as printable text for an error message (a hostile
// peer must not put control characters on our terminal).
std::string printable(const std::string& text) {
  std::string result;
  for (char c : text) result += (c >= 0x20 && c < 0x7F) ? c : '?';
  return result;
}

void compare(std::vector<std::string>& mismatches, const char* field, uint64_t local,
             uint64_t peer) {
  if (local != peer) {
    mismatches.push_back(std::string(field) + ": local " + std::to_string(local) + ", peer " +
                         std::to_string(peer));
  }
}

}  // namespace

void handshake(Channel& channel, const ProtocolParameters& parameters) {
  const std::string prefix = "handshake with " + channel.peer() + ": ";
  if (parameters.circuit_id.size() > kMaxCircuitIdBytes) {
    throw HandshakeError(prefix + "circuit id longer than " + std::to_string(kMaxCircuitIdBytes) +
                         " bytes");
  }
  channel.send(kMagic, sizeof(kMagic));
  channel.send_uint64(parameters.protocol_version);
  channel.send_uint64(parameters.ring_bits);
  channel.send_uint64(parameters.security_parameter);
  channel.send_string(parameters.circuit_id);
  channel.flush();

  char magic[sizeof(kMagic)];
  channel.receive(magic, sizeof(magic));
  if (std::memcmp(magic, kMagic, sizeof(kMagic)) != 0) {
    throw HandshakeError(prefix + "the peer does not speak the pinas protocol (bad magic tag)");
  }
  uint64_t version = channel.receive_uint64();
  uint64_t ring_bits = channel.receive_uint64();
  uint64_t security_parameter = channel.receive_uint64();
  uint64_t id_length = channel.receive_uint64();
  if (id_length > kMaxCircuitIdBytes) {
    throw HandshakeError(prefix + "peer's circuit id length " + std::to_string(id_length) +
                         " exceeds " + std::to_string(kMaxCircuitIdBytes) + " bytes");
  }
  std::string circuit_id(id_length, '\0');
  channel.receive(circuit_id.data(), id_length);

  std::vector<std::string> mismatches;
  compare(mismatches, "protocol version", parameters.protocol_version, version);
  compare(mismatches, "ring bits", parameters.ring_bits, ring_bits);
  compare(mismatches, "security parameter", parameters.security_parameter, security_parameter);
  if (circuit_id != parameters.circuit_id) {
    mismatches.push_back("circuit id: local \"" + parameters.circuit_id + "\", peer \"" +
                         printable(circuit_id) + "\"");
  }
  if (!mismatches.empty()) {
    std::string message = prefix;
    for (size_t i = 0; i < mismatches.size(); ++i) message += (i ? "; " : "") + mismatches[i];
    throw HandshakeError(message);
  }
}

}  // namespace pinas::crypto
