#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/circa_relu_evaluator.h"
#include "crypto/gc/circa_relu_garbler.h"
#include "crypto/gc/share_circuit_evaluator.h"
#include "crypto/gc/share_circuit_garbler.h"
#include "crypto/pi/detail/garbled_batches.h"

namespace pinas::pi::detail {

// What the server keeps from the offline to the online phase, per step.
struct ServerBatchState {
  GarbledBatch plan;
  std::unique_ptr<crypto::Circuit> circuit;
  std::unique_ptr<crypto::ShareCircuitGarbler> garbler;
  std::unique_ptr<crypto::CircaReluGarbler> circa;
  std::vector<std::uint64_t> masks;  // the garbler's output shares
  std::size_t cost_index = 0;        // into SessionReport::garbled_layers
};

struct ServerStepState {
  std::vector<std::uint64_t> linear_share;   // U_s (linear) or share of a·C (polynomial)
  std::vector<std::uint64_t> beaver_a;       // polynomial: the server's random a
  std::vector<ServerBatchState> batches;
};

// What the client keeps, per step.
struct ClientBatchState {
  GarbledBatch plan;
  std::unique_ptr<crypto::Circuit> circuit;
  std::unique_ptr<crypto::ShareCircuitEvaluator> evaluator;
  std::unique_ptr<crypto::CircaReluEvaluator> circa;
  std::vector<std::uint64_t> fresh;  // the client's next shares of the outputs
  std::size_t cost_index = 0;
};

struct ClientStepState {
  std::vector<std::uint64_t> product_share;  // polynomial: share of a·C
  std::vector<ClientBatchState> batches;
};

// Counts message flights (direction changes) of one party.
class FlightCounter {
 public:
  void sent() { turn(1); }
  void received() { turn(2); }
  std::uint64_t flights() const { return flights_; }
  void reset() {
    flights_ = 0;
    last_ = 0;
  }

 private:
  void turn(int direction) {
    if (direction != last_) ++flights_;
    last_ = direction;
  }
  std::uint64_t flights_ = 0;
  int last_ = 0;
};

}  // namespace pinas::pi::detail
