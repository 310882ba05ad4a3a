#include "cost_models/layer_features.h"

#include <algorithm>
#include <map>
#include <string>

#include "proto/error.h"
#include "search_spaces/gilboa_costs.h"

namespace pinas::cost {
namespace {

using spaces::OpType;
using Kind = GarbledBatchFeatures::Kind;

void add_linear(LayerFeatures& entry, const LinearLayerGeometry& geometry,
                const ProtocolParameters& parameters) {
  const std::int64_t inputs = geometry.input.elements();
  const spaces::GilboaCosts costs = spaces::gilboa_costs(
      static_cast<std::uint64_t>(inputs), static_cast<std::uint64_t>(geometry.weights()),
      static_cast<std::uint64_t>(geometry.macs()), static_cast<std::uint64_t>(parameters.ring_bits),
      static_cast<std::uint64_t>(parameters.effective_weight_bits()));
  const bool weight_side = costs.weight_side_cheaper();
  entry.linear_macs += geometry.macs();
  entry.linear_inputs += inputs;
  entry.linear_ots += static_cast<std::int64_t>(weight_side ? costs.weight_ots : costs.input_ots);
  entry.linear_correction_bytes += static_cast<std::int64_t>(
      static_cast<std::uint64_t>(geometry.macs()) *
      (weight_side ? costs.weight_bits_per_use : costs.input_bits_per_use) / 8);
  entry.linear_layers.push_back(geometry);
}

// A batch norm right after a conv or linear layer that feeds nothing else
// folds into it (the compiler's fold_batch_norm).
bool folds_into_producer(const spaces::Architecture& architecture, spaces::NodeId id) {
  const auto inputs = architecture.inputs(id);
  if (inputs.size() != 1) return false;
  const OpType producer = architecture.node(inputs[0]).op;
  return (producer == OpType::Conv || producer == OpType::SeparableConv ||
          producer == OpType::Linear) &&
         architecture.consumers(inputs[0]).size() == 1;
}

// Positions along one axis whose window holds each count of in-range taps.
std::map<std::int64_t, std::int64_t> window_counts(std::int64_t out, std::int64_t in,
                                                   std::int64_t kernel, std::int64_t stride,
                                                   std::int64_t padding) {
  std::map<std::int64_t, std::int64_t> counts;
  for (std::int64_t o = 0; o < out; ++o) {
    std::int64_t valid = 0;
    for (std::int64_t k = 0; k < kernel; ++k) {
      const std::int64_t i = o * stride - padding + k;
      if (i >= 0 && i < in) ++valid;
    }
    ++counts[valid];
  }
  return counts;
}

}  // namespace

std::int64_t LinearLayerGeometry::weights() const {
  return output.channels * (input.channels / groups) * kernel * kernel;
}

std::int64_t LinearLayerGeometry::macs() const {
  return output.elements() * (input.channels / groups) * kernel * kernel;
}

void ProtocolParameters::validate() const {
  if (ring_bits < 16 || ring_bits > 64) {
    throw Error("cost model: ring_bits must be in 16..64, got " + std::to_string(ring_bits));
  }
  if (fractional_bits < 1 || 3 * fractional_bits > ring_bits) {
    throw Error("cost model: fractional_bits must be in 1..ring_bits/3, got " +
                std::to_string(fractional_bits));
  }
  if (weight_bits < 0 || weight_bits > ring_bits) {
    throw Error("cost model: weight_bits must be in 0..ring_bits, got " +
                std::to_string(weight_bits));
  }
  if (scale_limit != 0 && (scale_limit < 2 * fractional_bits || scale_limit > ring_bits)) {
    throw Error("cost model: scale_limit must be 0 or in 2f..ring_bits, got " +
                std::to_string(scale_limit));
  }
  if (circa && (circa_dropped_bits < 0 || circa_dropped_bits >= ring_bits)) {
    throw Error("cost model: circa_dropped_bits must be in 0..ring_bits-1, got " +
                std::to_string(circa_dropped_bits));
  }
}

bool LayerFeatures::is_free() const {
  return relus == 0 && truncations == 0 && comparisons == 0 && polynomial_elements == 0 &&
         linear_macs == 0 && linear_ots == 0 && linear_inputs == 0 && steps.empty() &&
         linear_layers.empty();
}

std::vector<LayerFeatures> extract_features(const spaces::Architecture& architecture,
                                            const spaces::CostReport& report,
                                            const ProtocolParameters& parameters) {
  parameters.validate();
  const spaces::FixedPointRules rules = parameters.rules();
  const int f = parameters.fractional_bits;
  // The fixed-point scale of every node's output, as the compiler tracks it.
  std::vector<int> scale(architecture.num_nodes(), f);
  // Nodes whose output the runtime has already truncated to f: it truncates a
  // tensor once and every later consumer reuses that copy.
  std::vector<bool> truncated(architecture.num_nodes(), false);
  // The node whose tensor a node's output is: IDENTITY and a folded
  // BATCH_NORM reuse their input's tensor in the runtime, truncated copy included.
  std::vector<spaces::NodeId> owner(architecture.num_nodes());
  for (std::size_t n = 0; n < owner.size(); ++n) owner[n] = static_cast<spaces::NodeId>(n);
  std::vector<LayerFeatures> features;
  features.reserve(report.layers.size());
  for (const spaces::LayerCost& layer : report.layers) {
    const spaces::Node& node = architecture.node(layer.node);
    const auto inputs = architecture.inputs(layer.node);
    LayerFeatures entry;
    entry.node = layer.node;
    entry.name = layer.name;
    entry.op = layer.op;
    const std::int64_t outputs = layer.output.elements();
    const auto input_shapes = report.input_shapes(architecture, layer.node);
    const spaces::Shape input_shape = input_shapes.empty() ? spaces::Shape{} : input_shapes.front();
    const std::int64_t input_elements = input_shapes.empty() ? 0 : input_shape.elements();
    int input_scale = f;
    for (spaces::NodeId input : inputs) input_scale = std::max(input_scale, scale[input]);
    // A garbled truncation step of `elements` elements from `from` to f.
    const auto truncation_step = [&](std::int64_t elements, int from) {
      InteractiveStep step;
      step.batches.push_back({Kind::kTruncation, elements, 1, from - f});
      entry.truncations += elements;
      entry.steps.push_back(std::move(step));
    };
    // Truncates the (single) input back to f, once per tensor; a tensor
    // already at f is read as it is.
    const auto truncate_input = [&] {
      if (input_scale <= f) return;
      const bool reused = inputs.size() == 1 && truncated[owner[inputs.front()]];
      if (!reused) truncation_step(input_elements, input_scale);
      if (inputs.size() == 1) truncated[owner[inputs.front()]] = true;
      input_scale = f;
    };
    const auto fit_scale = [&](int growth) {
      if (rules.must_truncate(input_scale, growth)) truncate_input();
    };
    const auto conv_geometry = [&](const spaces::Shape& in, const spaces::Shape& out) {
      LinearLayerGeometry g;
      g.input = in;
      g.output = out;
      g.kernel = node.kernel;
      g.stride = node.effective_stride();
      g.padding = node.padding;
      g.dilation = node.effective_dilation();
      g.groups = node.effective_groups();
      return g;
    };
    int output_scale = input_scale;
    switch (layer.op) {
      case OpType::Input:
      case OpType::Zero:
        output_scale = f;
        break;
      case OpType::ReLU: {
        // A mixed activation (mask and replacement): ReLU elements in a
        // circuit, polynomial elements by Beaver-style products, affine ones
        // locally, all at scale 2s + f. A mask alone: replaced elements are
        // identities, truncated with the ReLUs (exact mode).
        entry.relus = layer.relus;
        const bool masked = !node.relu_mask.empty() && layer.relus < outputs;
        const Kind relu_kind = parameters.circa ? Kind::kCirca : Kind::kRelu;
        InteractiveStep step;
        if (masked && !node.replacement.empty()) {
          if (rules.must_truncate(input_scale, rules.polynomial_growth(input_scale)))
            truncate_input();
          entry.polynomial_elements = layer.polynomial_elements;
          if (layer.relus > 0)
            step.batches.push_back({relu_kind, layer.relus, 1, rules.relu_shift(input_scale)});
          step.polynomial_elements = layer.polynomial_elements;
          entry.steps.push_back(std::move(step));
          output_scale = input_scale + rules.polynomial_growth(input_scale);
          break;
        }
        const int shift = rules.relu_shift(input_scale);
        if (layer.relus > 0) step.batches.push_back({relu_kind, layer.relus, 1, shift});
        if (masked && !parameters.circa && shift > 0) {
          step.batches.push_back({Kind::kTruncation, outputs - layer.relus, 1, shift});
          entry.truncations += outputs - layer.relus;
        }
        if (!step.batches.empty()) entry.steps.push_back(std::move(step));
        output_scale = rules.relu_output_scale(input_scale);
        break;
      }
      case OpType::MaxPool: {
        // One batch per window size (windows at padded borders are smaller),
        // smallest first, as the runtime plans them.
        const auto rows = window_counts(layer.output.height, input_shape.height, node.kernel,
                                        node.effective_stride(), node.padding);
        const auto columns = window_counts(layer.output.width, input_shape.width, node.kernel,
                                           node.effective_stride(), node.padding);
        std::map<std::int64_t, std::int64_t> sizes;
        for (const auto& [vy, ny] : rows) {
          for (const auto& [vx, nx] : columns) sizes[vy * vx] += ny * nx * layer.output.channels;
        }
        InteractiveStep step;
        for (const auto& [size, copies] : sizes) {
          step.batches.push_back({Kind::kMaxPool, copies, static_cast<int>(size), input_scale - f});
          entry.comparisons += copies * std::max<std::int64_t>(size - 1, 0);
        }
        entry.steps.push_back(std::move(step));
        output_scale = f;
        break;
      }
      case OpType::Polynomial: {
        if (rules.must_truncate(input_scale, rules.polynomial_growth(input_scale)))
          truncate_input();
        entry.polynomial_elements = outputs;
        InteractiveStep step;
        step.polynomial_step = true;
        step.polynomial_elements = outputs;
        entry.steps.push_back(std::move(step));
        output_scale = input_scale + rules.polynomial_growth(input_scale);
        break;
      }
      case OpType::Conv: {
        fit_scale(rules.linear_growth());
        add_linear(entry, conv_geometry(input_shape, layer.output), parameters);
        output_scale = input_scale + rules.linear_growth();
        break;
      }
      case OpType::Linear: {
        fit_scale(rules.linear_growth());
        LinearLayerGeometry g;
        g.input = {input_elements, 1, 1};
        g.output = {node.out_channels, 1, 1};
        add_linear(entry, g, parameters);
        output_scale = input_scale + rules.linear_growth();
        break;
      }
      case OpType::SeparableConv: {
        // Depthwise then pointwise: two linear steps, each adding f.
        fit_scale(rules.linear_growth());
        const std::int64_t channels = input_shape.channels;
        LinearLayerGeometry depthwise =
            conv_geometry(input_shape, {channels, layer.output.height, layer.output.width});
        depthwise.groups = static_cast<int>(channels);
        add_linear(entry, depthwise, parameters);
        int middle_scale = input_scale + rules.linear_growth();
        if (rules.must_truncate(middle_scale, rules.linear_growth())) {
          truncation_step(depthwise.output.elements(), middle_scale);
          middle_scale = f;
        }
        LinearLayerGeometry pointwise;
        pointwise.input = depthwise.output;
        pointwise.output = layer.output;
        add_linear(entry, pointwise, parameters);
        output_scale = middle_scale + rules.linear_growth();
        break;
      }
      case OpType::Identity:
        owner[layer.node] = owner[inputs.front()];
        break;
      case OpType::BatchNorm: {
        if (folds_into_producer(architecture, layer.node)) {  // scale unchanged, same tensor
          owner[layer.node] = owner[inputs.front()];
          break;
        }
        fit_scale(rules.linear_growth());
        LinearLayerGeometry g;
        g.input = input_shape;
        g.output = input_shape;
        g.groups = static_cast<int>(input_shape.channels);
        add_linear(entry, g, parameters);
        output_scale = input_scale + rules.linear_growth();
        break;
      }
      case OpType::AvgPool:
      case OpType::GlobalAvgPool: {
        const std::int64_t window = layer.op == OpType::AvgPool
                                        ? static_cast<std::int64_t>(node.kernel) * node.kernel
                                        : input_shape.height * input_shape.width;
        const int growth = rules.pool_scaling(static_cast<std::uint64_t>(window)).growth;
        fit_scale(growth);
        output_scale = input_scale + growth;
        break;
      }
      default:
        break;
    }
    scale[layer.node] = output_scale;
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
    total.linear_ots += layer.linear_ots;
    total.linear_correction_bytes += layer.linear_correction_bytes;
    total.linear_inputs += layer.linear_inputs;
  }
  return total;
}

}  // namespace pinas::cost
