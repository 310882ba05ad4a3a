#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crypto/pi/fixed_point_network.h"

namespace pinas::pi {

// The offline phase of a linear layer: additive shares of L(c), where c is
// the client's share of the layer's input (fixed offline; in Delphi's terms
// the client's random mask r) and L the server's private linear map without
// bias. Online, the server adds L(its share) + bias to its share of L(c), and
// the two shares sum to L(x) + bias. Also produces the element-wise products
// that polynomial activations need (Beaver-style pairs). A backend runs one
// party's side; the peer runs the other side of the same backend, call for
// call. Backends: CotLinearPreprocessing (Gilboa products on correlated OT).
// Another (homomorphic encryption, silent OT) can be added behind this
// interface. Not thread-safe.
class LinearPreprocessing {
 public:
  virtual ~LinearPreprocessing() = default;
  virtual std::string name() const = 0;
  // Runs the backend's one-time setup (base OTs...). Both parties call it first.
  virtual void setup() = 0;
  // Server side: its share of W * c for `layer` (requires weights).
  virtual std::vector<std::uint64_t> server_linear(const std::string& node, const LinearStep& layer) = 0;
  // Client side: its share of W * c for its input share `input`.
  virtual std::vector<std::uint64_t> client_linear(const std::string& node, const ConvGeometry& geometry,
                                                   std::span<const std::uint64_t> input) = 0;
  // Element-wise products a_i·b_i: the server holds `a`, the client `b`;
  // each gets its share.
  virtual std::vector<std::uint64_t> server_elementwise(const std::string& node,
                                                        std::span<const std::uint64_t> a) = 0;
  virtual std::vector<std::uint64_t> client_elementwise(const std::string& node,
                                                        std::span<const std::uint64_t> b) = 0;
};

}  // namespace pinas::pi
