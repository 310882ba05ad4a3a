#include "tests/pi/detail/session_runner.h"

#include "crypto/net/two_party_loopback.h"
#include "crypto/pi/server_session.h"
#include "search_spaces/model_file.h"

namespace pinas::pi::testing {

SessionOutcome run_private_inference(const pb::Model& model, const FixedPointConfig& config,
                                     const std::vector<float>& pixels) {
  auto network = FixedPointNetwork::compile(model, config);
  const std::string description =
      spaces::encode_model(FixedPointNetwork::public_description(model));
  SessionOutcome outcome;
  crypto::run_two_parties_over_loopback(
      [&](crypto::Channel& channel) {
        ServerSession session(network, description, channel);
        outcome.server = session.run();
      },
      [&](crypto::Channel& channel) {
        ClientSession session(channel);
        outcome.client = session.run(pixels);
      });
  return outcome;
}

}  // namespace pinas::pi::testing
