#pragma once

#include <memory>
#include <string>

#include "nas/strategies/strategy.h"
#include "proto/genotype.pb.h"
#include "search_spaces/search_space.h"

namespace pinas::nas {

// A search_spaces space written as a fixed sequence of categorical decisions
// (what REINFORCE's LSTM and the other strategies need). The numeric options
// (layer and cell counts, widths, scales) are the values the space's own
// sampler produces, observed over many seeded samples; structural decisions
// are laid out for the largest structure, and a smaller one ignores the
// extra decisions. Layout per space:
//   nb201:     6 edges x 5 ops
//   cryptonas: L, C, then an op per layer and a skip bit per (layer, earlier layer)
//   sphynx:    cells, C, two reduction positions, then per cell type 4 nodes
//              x 2 edges x (input, op)
//   resnet:    depth, alpha, divisor, stem ReLU, a cull bit per stage and a
//              thin bit per block
// Thread-safety: const methods may run concurrently.
class GenotypeEncoding {
 public:
  virtual ~GenotypeEncoding() = default;
  virtual const DecisionSpace& decision_space() const = 0;
  // The genotype for `decisions` (not yet checked by the space).
  virtual pb::Genotype decode(const Decisions& decisions) const = 0;
};

// The encoding of `space`. Throws Error for a space it does not know.
std::unique_ptr<GenotypeEncoding> make_genotype_encoding(const spaces::SearchSpace& space);

}  // namespace pinas::nas
