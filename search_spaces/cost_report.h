#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "search_spaces/architecture.h"

namespace pinas::spaces {

// The cost of one node. ReLUs: the elements passing through a RELU node whose
// relu_mask is 1 (all of them without a mask; 0 for every other op).
// Polynomial elements: a RELU's replaced elements whose channel has a nonzero x²
// coefficient (they need an interactive product in private inference; identity
// and affine replacements are local). MACs: multiply-accumulates of CONV, SEPARABLE_CONV
// (depthwise + pointwise), LINEAR, and POLYNOMIAL (degree per element, by
// Horner); 0 elsewhere (BATCH_NORM is foldable into the preceding conv;
// pools, ADD and CONCAT multiply nothing). Params: trainable parameters
// (weights and biases; BATCH_NORM's affine weight and bias, 2 per channel).
struct LayerCost {
  NodeId node = 0;
  std::string name;
  OpType op = OpType::Unknown;
  Shape output;
  std::int64_t relus = 0;
  std::int64_t polynomial_elements = 0;
  std::int64_t macs = 0;
  std::int64_t params = 0;
};

// Network totals only (what a search screens candidates on).
struct CostTotals {
  std::int64_t relus = 0;
  std::int64_t macs = 0;
  std::int64_t params = 0;
  Shape output;  // the OUTPUT node's shape (the logits)
  bool operator==(const CostTotals&) const = default;
};

// Per-layer costs and totals of a validated architecture.
struct CostReport {
  std::vector<LayerCost> layers;  // one per node, in topological order
  std::int64_t relus = 0;
  std::int64_t polynomial_elements = 0;
  std::int64_t macs = 0;
  std::int64_t params = 0;
  Shape output;                   // the OUTPUT node's shape
  std::vector<Shape> shapes;      // every node's output shape, indexed by NodeId

  CostTotals totals() const { return {relus, macs, params, output}; }
  // The output shape of node `id` / the shapes of its inputs in input order.
  const Shape& shape(NodeId id) const { return shapes.at(id); }
  std::vector<Shape> input_shapes(const Architecture& architecture, NodeId id) const;
};

// Validates `architecture` and infers every node's shape in topological
// order, accounting ReLUs, MACs and parameters. Throws GraphError naming the
// node for: a cycle; an unknown op; a dangling input (a node with missing or
// extra inputs for its op); a shape mismatch at ADD or CONCAT; a bad
// attribute (non-positive kernel or channels, groups not dividing channels,
// an output smaller than 1x1); not exactly one INPUT and one OUTPUT; logits
// that are not num_classes x 1 x 1 (when num_classes > 0). Thread-safe.
CostReport analyze(const Architecture& architecture);

// Only the output shape of every node, indexed by NodeId (same checks).
std::vector<Shape> infer_shapes(const Architecture& architecture);

// The cost of one node given its inputs' shapes: the single rule shared by
// analyze() and the spaces' fast counting path. Throws GraphError naming the
// node. Thread-safe.
LayerCost node_cost(const Node& node, std::span<const Shape> input_shapes);

}  // namespace pinas::spaces
