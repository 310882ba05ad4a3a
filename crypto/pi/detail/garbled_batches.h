#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "crypto/circuits/circuit.h"
#include "crypto/pi/fixed_point_network.h"

namespace pinas::pi::detail {

// One batch of identical share circuits of a garbled step: copy c reads the
// input elements inputs[c·window .. (c+1)·window) and writes output element
// outputs[c]. Both parties derive the same batches from the public program.
struct GarbledBatch {
  enum class Kind { kRelu, kTruncate, kMaxPool, kCirca };
  Kind kind = Kind::kRelu;
  std::uint32_t window = 1;
  std::uint32_t shift = 0;
  std::vector<std::uint32_t> inputs;
  std::vector<std::uint32_t> outputs;

  std::size_t copies() const { return outputs.size(); }
  const char* kind_name() const;
};

// The batches of a ReLU / truncation step, in execution order. Exact mode:
// a ReLU batch and a truncation batch (elements with mask 0 and shift 0 pass
// through and are in neither). Circa mode: a Circa batch over the ReLU
// elements (no truncation), then, when shift > 0, a truncation batch over
// all elements that reads the Circa results.
std::vector<GarbledBatch> plan_batches(const GarbledStep& step, std::size_t elements);

// The batches of a max-pool step: one per window size (windows at padded
// borders are smaller), ordered by size.
std::vector<GarbledBatch> plan_batches(const MaxPoolStep& step, const spaces::Shape& input,
                                       const spaces::Shape& output);

// The share circuit of a batch (not for kCirca). Throws crypto::CircuitError.
std::unique_ptr<crypto::Circuit> batch_circuit(const GarbledBatch& batch, std::uint32_t ring_bits);

// Gathers values[inputs[i]] for every input of the batch.
std::vector<std::uint64_t> gather(const GarbledBatch& batch, const std::vector<std::uint64_t>& values);

}  // namespace pinas::pi::detail
