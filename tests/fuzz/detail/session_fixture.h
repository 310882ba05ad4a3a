#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/pi/fixed_point_network.h"

namespace pinas::fuzz {

// The small fixed model the session harnesses serve (1x2x2 input, a
// convolution, ReLUs, a max pool, a polynomial activation, a linear
// classifier; random weights, seed 7), compiled once per variant: HE linear
// layers with exact ReLUs, Gilboa (OT) linear layers with exact ReLUs, and OT
// with Circa ReLUs. Built on first use; immutable afterwards.
struct SessionFixture {
  static constexpr int kVariants = 3;
  std::vector<pi::FixedPointNetwork> networks;  // one per variant
  std::string description;                      // the public description all variants send
  std::vector<float> pixels;                    // one fixed input

  static const SessionFixture& get();
};

// Seed files for the session harnesses, written by the code itself: one
// honest session per variant over an in-process channel pair, recording the
// bytes each party received. Writes <folder>/server_<variant>.bin (a variant
// byte, then the client's bytes: the server harness's input) and
// <folder>/client_<variant>.bin (the server's bytes: the client harness's
// input). Throws pinas::Error when a session fails.
void write_session_seeds(const std::string& server_folder, const std::string& client_folder);

}  // namespace pinas::fuzz
