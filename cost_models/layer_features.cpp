#include "cost_models/layer_features.h"

#include <algorithm>

#include "proto/error.h"

namespace pinas::cost {
namespace {

using spaces::OpType;

bool is_linear(OpType op) {
  return op == OpType::Conv || op == OpType::SeparableConv || op == OpType::Linear ||
         op == OpType::BatchNorm;
}

// Ops whose output is a fixed-point value at twice the scale (a product of
// two scaled values) or divided by a public constant, and so needs rescaling
// before it can be used again.
bool needs_rescaling(OpType op) {
  return is_linear(op) || op == OpType::AvgPool || op == OpType::GlobalAvgPool;
}

// Ops that pass shares through unchanged in value, so a pending rescale can
// be deferred past them to the op after.
bool is_transparent(OpType op) {
  return op == OpType::Identity || op == OpType::Flatten || op == OpType::Concat ||
         op == OpType::Add;
}

// True when the first non-transparent op on every path from `id` is a ReLU
// or a max pool, which rescale inside their garbled circuit for free.
bool rescaled_by_consumers(const spaces::Architecture& architecture, spaces::NodeId id) {
  const auto consumers = architecture.consumers(id);
  if (consumers.empty()) return false;
  return std::all_of(consumers.begin(), consumers.end(), [&](spaces::NodeId consumer) {
    const OpType op = architecture.node(consumer).op;
    if (op == OpType::ReLU || op == OpType::MaxPool) return true;
    if (op == OpType::BatchNorm) return false;
    if (is_transparent(op) && op != OpType::Add && op != OpType::Concat) {
      return rescaled_by_consumers(architecture, consumer);
    }
    return false;
  });
}

// A batch norm directly after a conv folds into it and costs nothing.
bool folds_into_producer(const spaces::Architecture& architecture, spaces::NodeId id) {
  const auto inputs = architecture.inputs(id);
  if (inputs.size() != 1) return false;
  const OpType producer = architecture.node(inputs[0]).op;
  return (producer == OpType::Conv || producer == OpType::SeparableConv) &&
         architecture.consumers(inputs[0]).size() == 1;
}

}  // namespace

bool LayerFeatures::is_free() const {
  return relus == 0 && truncations == 0 && comparisons == 0 && polynomial_elements == 0 &&
         linear_macs == 0 && linear_cots == 0 && linear_inputs == 0;
}

std::vector<LayerFeatures> extract_features(const spaces::Architecture& architecture,
                                            const spaces::CostReport& report, int ring_bits) {
  if (ring_bits < 1 || ring_bits > 64) {
    throw Error("cost model: ring_bits must be in 1..64, got " + std::to_string(ring_bits));
  }
  std::vector<LayerFeatures> features;
  features.reserve(report.layers.size());
  for (const spaces::LayerCost& layer : report.layers) {
    const spaces::Node& node = architecture.node(layer.node);
    LayerFeatures entry;
    entry.node = layer.node;
    entry.name = layer.name;
    entry.op = layer.op;
    const std::int64_t outputs = layer.output.elements();
    const auto input_shapes = report.input_shapes(architecture, layer.node);
    const std::int64_t inputs = input_shapes.empty() ? 0 : input_shapes.front().elements();
    switch (layer.op) {
      case OpType::ReLU:
        entry.relus = layer.relus;
        break;
      case OpType::MaxPool:
        entry.comparisons = outputs * (static_cast<std::int64_t>(node.kernel) * node.kernel - 1);
        break;
      case OpType::Polynomial:
        entry.polynomial_elements = outputs;
        break;
      case OpType::Conv:
      case OpType::SeparableConv:
      case OpType::Linear:
      case OpType::BatchNorm: {
        if (layer.op == OpType::BatchNorm && folds_into_producer(architecture, layer.node)) break;
        const std::int64_t macs = layer.op == OpType::BatchNorm ? outputs : layer.macs;
        // Weights without biases: the terms of the bilinear product.
        const std::int64_t weights =
            layer.op == OpType::BatchNorm ? layer.output.channels : std::max<std::int64_t>(1, layer.params);
        entry.linear_macs = macs;
        entry.linear_inputs = inputs;
        entry.linear_cots = static_cast<std::int64_t>(ring_bits) * std::min(inputs, weights);
        break;
      }
      default:
        break;
    }
    if (needs_rescaling(layer.op) && entry.linear_macs + outputs > 0 &&
        !(layer.op == OpType::BatchNorm && folds_into_producer(architecture, layer.node))) {
      // A conv followed by a folded batch norm is rescaled after the norm.
      bool deferred = false;
      for (spaces::NodeId consumer : architecture.consumers(layer.node)) {
        if (architecture.node(consumer).op == OpType::BatchNorm &&
            folds_into_producer(architecture, consumer)) {
          deferred = true;
        }
      }
      const spaces::NodeId rescaled_at =
          deferred ? architecture.consumers(layer.node).front() : layer.node;
      if (!rescaled_by_consumers(architecture, rescaled_at)) entry.truncations = outputs;
    }
    features.push_back(std::move(entry));
  }
  return features;
}

LayerFeatures sum_features(const std::vector<LayerFeatures>& layers) {
  LayerFeatures total;
  total.name = "total";
  for (const LayerFeatures& layer : layers) {
    total.relus += layer.relus;
    total.truncations += layer.truncations;
    total.comparisons += layer.comparisons;
    total.polynomial_elements += layer.polynomial_elements;
    total.linear_macs += layer.linear_macs;
    total.linear_cots += layer.linear_cots;
    total.linear_inputs += layer.linear_inputs;
  }
  return total;
}

}  // namespace pinas::cost
