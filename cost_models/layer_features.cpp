#include "cost_models/layer_features.h"

#include <algorithm>
#include <string>

#include "proto/error.h"

namespace pinas::cost {
namespace {

using spaces::OpType;

// One Gilboa product's OT count and correction bytes, for the cheaper side.
struct GilboaChoice {
  std::int64_t ots = 0;
  std::int64_t correction_bytes = 0;
};

GilboaChoice cheaper_decomposition(std::int64_t inputs, std::int64_t weights, std::int64_t macs,
                                   const ProtocolParameters& parameters) {
  const std::int64_t ring = parameters.ring_bits;
  const std::int64_t weight_bits = parameters.effective_weight_bits();
  const std::int64_t input_bits_per_use = ring * (ring + 1) / 2;
  const std::int64_t weight_bits_per_use = weight_bits * ring - weight_bits * (weight_bits - 1) / 2;
  const GilboaChoice input_side{inputs * ring, macs * input_bits_per_use / 8};
  const GilboaChoice weight_side{weights * weight_bits, macs * weight_bits_per_use / 8};
  const auto bytes = [](const GilboaChoice& choice) {
    return 16 * choice.ots + choice.correction_bytes;
  };
  return bytes(weight_side) <= bytes(input_side) ? weight_side : input_side;
}

void add_linear(LayerFeatures& entry, std::int64_t inputs, std::int64_t weights, std::int64_t macs,
                const ProtocolParameters& parameters) {
  const GilboaChoice choice = cheaper_decomposition(inputs, weights, macs, parameters);
  entry.linear_macs += macs;
  entry.linear_inputs += inputs;
  entry.linear_ots += choice.ots;
  entry.linear_correction_bytes += choice.correction_bytes;
}

// A batch norm right after a conv that feeds nothing else folds into it.
bool folds_into_producer(const spaces::Architecture& architecture, spaces::NodeId id) {
  const auto inputs = architecture.inputs(id);
  if (inputs.size() != 1) return false;
  const OpType producer = architecture.node(inputs[0]).op;
  return (producer == OpType::Conv || producer == OpType::SeparableConv) &&
         architecture.consumers(inputs[0]).size() == 1;
}

bool is_power_of_two(std::int64_t value) {
  return value > 0 && (value & (value - 1)) == 0;
}

}  // namespace

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
}

bool LayerFeatures::is_free() const {
  return relus == 0 && truncations == 0 && comparisons == 0 && polynomial_elements == 0 &&
         linear_macs == 0 && linear_ots == 0 && linear_inputs == 0;
}

std::vector<LayerFeatures> extract_features(const spaces::Architecture& architecture,
                                            const spaces::CostReport& report,
                                            const ProtocolParameters& parameters) {
  parameters.validate();
  const int f = parameters.fractional_bits;
  const int limit = parameters.effective_scale_limit();
  // The fixed-point scale of every node's output, as the runtime tracks it.
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
    const std::int64_t input_elements = input_shapes.empty() ? 0 : input_shapes.front().elements();
    int input_scale = f;
    for (spaces::NodeId input : inputs) input_scale = std::max(input_scale, scale[input]);
    // Truncates the input back to f when `growth` would pass the limit.
    const auto truncate_input = [&] {
      const bool reused = inputs.size() == 1 && truncated[owner[inputs.front()]];
      if (!reused) entry.truncations += input_elements;
      if (inputs.size() == 1) truncated[owner[inputs.front()]] = true;
      input_scale = f;
    };
    const auto fit_scale = [&](int growth) {
      if (input_scale + growth > limit) truncate_input();
    };
    int output_scale = input_scale;
    switch (layer.op) {
      case OpType::Input:
        output_scale = f;
        break;
      case OpType::ReLU: {
        // A mixed activation (mask and replacement): polynomial elements at
        // scale 2s + f, as the runtime compiles it; a mask alone: replaced
        // elements are identities, truncated with the ReLUs (exact mode).
        entry.relus = layer.relus;
        const bool masked = !node.relu_mask.empty() && layer.relus < outputs;
        if (masked && !node.replacement.empty()) {
          if (2 * input_scale + f > limit) truncate_input();
          entry.polynomial_elements = layer.polynomial_elements;
          output_scale = 2 * input_scale + f;
          break;
        }
        if (masked && !parameters.circa && input_scale > f) entry.truncations += outputs - layer.relus;
        output_scale = parameters.circa ? input_scale : f;
        break;
      }
      case OpType::MaxPool:
        entry.comparisons = outputs * (static_cast<std::int64_t>(node.kernel) * node.kernel - 1);
        output_scale = f;
        break;
      case OpType::Polynomial:
        if (2 * input_scale + f > limit) truncate_input();
        entry.polynomial_elements = outputs;
        output_scale = 2 * input_scale + f;
        break;
      case OpType::Conv:
      case OpType::Linear: {
        fit_scale(f);
        const std::int64_t weights = layer.params - (node.bias ? node.out_channels : 0);
        add_linear(entry, input_elements, weights, layer.macs, parameters);
        output_scale = input_scale + f;
        break;
      }
      case OpType::SeparableConv: {
        // Depthwise then pointwise: two linear steps, each adding f.
        fit_scale(f);
        const std::int64_t channels = input_shapes.front().channels;
        const std::int64_t kernel_area = static_cast<std::int64_t>(node.kernel) * node.kernel;
        const std::int64_t positions = layer.output.height * layer.output.width;
        const std::int64_t depthwise_macs = channels * positions * kernel_area;
        add_linear(entry, input_elements, channels * kernel_area, depthwise_macs, parameters);
        int middle_scale = input_scale + f;
        if (middle_scale + f > limit) {
          entry.truncations += channels * positions;
          middle_scale = f;
        }
        add_linear(entry, channels * positions, layer.output.channels * channels,
                   layer.output.channels * channels * positions, parameters);
        output_scale = middle_scale + f;
        break;
      }
      case OpType::Identity:
        owner[layer.node] = owner[inputs.front()];
        break;
      case OpType::BatchNorm:
        if (folds_into_producer(architecture, layer.node)) {  // scale unchanged, same tensor
          owner[layer.node] = owner[inputs.front()];
          break;
        }
        fit_scale(f);
        add_linear(entry, input_elements, layer.output.channels, outputs, parameters);
        output_scale = input_scale + f;
        break;
      case OpType::AvgPool:
      case OpType::GlobalAvgPool: {
        const std::int64_t window = layer.op == OpType::AvgPool
                                        ? static_cast<std::int64_t>(node.kernel) * node.kernel
                                        : input_shapes.front().height * input_shapes.front().width;
        // A power-of-two window divides by moving the binary point; any other
        // multiplies by round(2^f / window), adding f.
        int growth = f;
        if (is_power_of_two(window)) {
          growth = 0;
          while ((std::int64_t{1} << growth) < window) ++growth;
        }
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
