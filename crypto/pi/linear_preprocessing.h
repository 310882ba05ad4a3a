#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "crypto/net/channel.h"
#include "crypto/pi/fixed_point_network.h"

namespace pinas::pi {

// Which side of a linear layer's products is bit-decomposed.
//   kInput:  the client's input share, ℓ bits per input element; the server
//            sends the weights as correlations (server = OT sender).
//   kWeight: the server's weights, weight_bits bits each (two's complement);
//            the client sends its input values as correlations (client = OT
//            sender). A weight touching P output positions carries a vector
//            of P values per bit.
enum class Decomposition { kInput, kWeight };

// What one linear layer (or polynomial product) cost offline, measured on
// this party's channel.
struct LinearLayerCost {
  std::string node;
  Decomposition side = Decomposition::kWeight;
  std::int64_t macs = 0;
  std::uint64_t ots = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  double seconds = 0;
  std::string backend = "cot";  // "cot" (Gilboa on correlated OT) or "he"
};

// The offline phase of a linear layer: additive shares of L(c), where c is
// the client's share of the layer's input (fixed offline; in Delphi's terms
// the client's random mask r) and L the server's private linear map without
// bias. Online, the server adds L(its share) + bias to its share of L(c), and
// the two shares sum to L(x) + bias. Also produces the element-wise products
// that polynomial activations need (Beaver-style pairs). A backend runs one
// party's side; the peer runs the other side of the same backend, call for
// call. Backends: CotLinearPreprocessing (Gilboa products on correlated OT)
// and HeLinearPreprocessing (RLWE, Cheetah-style packing; the default).
// Not thread-safe.
class LinearPreprocessing {
 public:
  virtual ~LinearPreprocessing() = default;
  virtual std::string name() const = 0;
  // Runs the backend's one-time setup (base OTs...). Both parties call it first.
  virtual void setup() = 0;
  // Server side: its share of W * c for `layer` (requires weights).
  virtual std::vector<std::uint64_t> server_linear(const std::string& node,
                                                   const LinearStep& layer) = 0;
  // Client side: its share of W * c for its input share `input`.
  virtual std::vector<std::uint64_t> client_linear(const std::string& node,
                                                   const ConvGeometry& geometry,
                                                   std::span<const std::uint64_t> input) = 0;
  // Element-wise products a_i·b_i: the server holds `a`, the client `b`;
  // each gets its share.
  virtual std::vector<std::uint64_t> server_elementwise(const std::string& node,
                                                        std::span<const std::uint64_t> a) = 0;
  virtual std::vector<std::uint64_t> client_elementwise(const std::string& node,
                                                        std::span<const std::uint64_t> b) = 0;
  // What each call cost on this party's channel, in call order.
  virtual const std::vector<LinearLayerCost>& costs() const = 0;
};

// The backend `network.config().linear_backend` names, for one party
// (is_server) on `channel`; the network must outlive it. Throws CompileError
// when the HE backend cannot run the network (naming the layer).
std::unique_ptr<LinearPreprocessing> make_linear_preprocessing(bool is_server,
                                                               crypto::Channel& channel,
                                                               const FixedPointNetwork& network);

}  // namespace pinas::pi
