#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"

namespace pinas::cost {

// What one IR node asks of a two-party protocol, counted from the
// architecture alone (no weights, no protocol parameters but the ring size).
// These are the quantities private-inference cost is linear in:
//   relus                 elements through a garbled ReLU
//   truncations           elements that must be rescaled by 2^f without a
//                         ReLU: outputs of a linear op or pool whose value
//                         reaches something other than a ReLU first
//   comparisons           garbled comparisons of a max pool (k*k - 1 per output)
//   polynomial_elements   elements through a degree-2 polynomial (Beaver triples)
//   linear_macs           multiply-accumulates of CONV, SEPARABLE_CONV, LINEAR,
//                         and a BATCH_NORM that cannot fold into a conv
//   linear_cots           correlated OTs of Gilboa-style preprocessing, which
//                         bit-decomposes the smaller side of the product:
//                         ring_bits * min(input elements, weights)
//   linear_inputs         elements the client masks and sends online
struct LayerFeatures {
  spaces::NodeId node = 0;
  std::string name;
  spaces::OpType op = spaces::OpType::Unknown;
  std::int64_t relus = 0;
  std::int64_t truncations = 0;
  std::int64_t comparisons = 0;
  std::int64_t polynomial_elements = 0;
  std::int64_t linear_macs = 0;
  std::int64_t linear_cots = 0;
  std::int64_t linear_inputs = 0;

  // True when the node costs nothing privately (identity, add, concat, ...).
  bool is_free() const;
  // True when the node needs an interactive round online.
  bool is_interactive() const { return relus + truncations + comparisons + polynomial_elements > 0; }
};

// The per-node features of `architecture`, in topological order, given its
// accounting `report` (from spaces::analyze). `ring_bits` is the ring size
// the protocol runs in (it scales the OT count of linear layers). Requires
// 1 <= ring_bits <= 64; throws pinas::Error otherwise. Thread-safe.
std::vector<LayerFeatures> extract_features(const spaces::Architecture& architecture,
                                            const spaces::CostReport& report, int ring_bits);

// Sums of every field over `layers` (name "total", op Unknown).
LayerFeatures sum_features(const std::vector<LayerFeatures>& layers);

}  // namespace pinas::cost
