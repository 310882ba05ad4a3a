#include "crypto/pi/session_protocol.h"

#include <fmt/format.h>

#include "crypto/net/handshake.h"
#include "crypto/pi/pi_error.h"

namespace pinas::pi {

void send_config(crypto::Channel& channel, const FixedPointConfig& config) {
  channel.send_uint64(config.ring_bits);
  channel.send_uint64(config.fractional_bits);
  channel.send_uint64(config.effective_scale_limit());
  channel.send_uint64(config.effective_weight_bits());
  channel.send_uint64(config.relu_mode == ReluMode::kCirca ? 1 : 0);
  channel.send_uint64(config.circa_dropped_bits);
  channel.send_uint64(config.linear_backend == LinearBackend::kHe ? 1 : 0);
}

FixedPointConfig receive_config(crypto::Channel& channel) {
  std::uint64_t words[7];
  for (auto& word : words) word = channel.receive_uint64();
  for (int i = 0; i < 7; ++i) {
    if (words[i] > 64) throw SessionError(fmt::format("session: config word {} is {}", i, words[i]));
  }
  if (words[4] > 1) throw SessionError("session: unknown ReLU mode in the config");
  if (words[6] > 1) throw SessionError("session: unknown linear backend in the config");
  FixedPointConfig config;
  config.ring_bits = static_cast<std::uint32_t>(words[0]);
  config.fractional_bits = static_cast<std::uint32_t>(words[1]);
  config.scale_limit = static_cast<std::uint32_t>(words[2]);
  config.weight_bits = static_cast<std::uint32_t>(words[3]);
  config.relu_mode = words[4] == 1 ? ReluMode::kCirca : ReluMode::kExact;
  config.circa_dropped_bits = static_cast<std::uint32_t>(words[5]);
  config.linear_backend = words[6] == 1 ? LinearBackend::kHe : LinearBackend::kOt;
  try {
    config.validate();
  } catch (const UsageError& error) {
    throw SessionError(fmt::format("session: the server's config is invalid: {}", error.what()));
  }
  return config;
}

void handshake_network(crypto::Channel& channel, const FixedPointNetwork& network) {
  crypto::ProtocolParameters parameters;
  parameters.ring_bits = network.config().ring_bits;
  parameters.security_parameter = 128;
  parameters.circuit_id = "pinas-pi/" + std::to_string(kSessionVersion) + "/" + network.structure_digest();
  crypto::handshake(channel, parameters);
}

}  // namespace pinas::pi
