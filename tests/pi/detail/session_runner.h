#pragma once

#include <vector>

#include "crypto/pi/client_session.h"
#include "crypto/pi/fixed_point_network.h"
#include "proto/model.pb.h"

namespace pinas::pi::testing {

struct SessionOutcome {
  InferenceResult client;
  SessionReport server;
};

// Compiles `model` under `config` and runs one private inference on
// `pixels` with the server and the client in two threads over loopback TCP.
SessionOutcome run_private_inference(const pb::Model& model, const FixedPointConfig& config,
                                     const std::vector<float>& pixels);

}  // namespace pinas::pi::testing
