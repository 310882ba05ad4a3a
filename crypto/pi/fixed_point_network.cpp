#include "crypto/pi/fixed_point_network.h"

#include <fmt/format.h>

#include <cmath>

#include "crypto/pi/detail/network_compiler.h"
#include "crypto/pi/detail/ring.h"
#include "crypto/pi/detail/tensor_ops.h"
#include "crypto/pi/pi_error.h"

namespace pinas::pi {

std::int64_t ConvGeometry::weight_count() const {
  return output.channels * input_channels_per_group() * kernel * kernel;
}

std::int64_t ConvGeometry::macs() const {
  return output.elements() * input_channels_per_group() * kernel * kernel;
}

FixedPointNetwork FixedPointNetwork::compile(const pb::Model& model, const FixedPointConfig& config,
                                             bool structure_only) {
  return NetworkCompiler(model, config, structure_only).run();
}

pb::Model FixedPointNetwork::public_description(const pb::Model& model) {
  pb::Model description;
  *description.mutable_architecture() = model.architecture();
  *description.mutable_input_normalization() = model.input_normalization();
  *description.mutable_class_names() = model.class_names();
  description.set_dataset(model.dataset());
  description.set_batch_norm_epsilon(model.batch_norm_epsilon());
  for (const auto& parameters : model.parameters()) {
    pb::NodeParameters kept;
    for (const auto& [role, tensor] : parameters.tensors()) {
      if (role == "mask" || role == "coefficients") (*kept.mutable_tensors())[role] = tensor;
    }
    if (kept.tensors_size() > 0) {
      kept.set_node(parameters.node());
      *description.add_parameters() = std::move(kept);
    }
  }
  return description;
}

std::vector<std::uint64_t> FixedPointNetwork::quantize_input(std::span<const float> pixels) const {
  const auto& shape = input_info().shape;
  if (static_cast<std::int64_t>(pixels.size()) != shape.elements()) {
    throw UsageError(fmt::format("input: {} values for an input of shape {} ({} values)",
                                 pixels.size(), shape.to_string(), shape.elements()));
  }
  detail::Ring ring(config_.ring_bits);
  std::vector<std::uint64_t> values(pixels.size());
  const std::int64_t plane = shape.height * shape.width;
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    double value = pixels[i];
    if (!std::isfinite(value)) throw UsageError(fmt::format("input: value {} is not finite", i));
    if (!input_mean_.empty()) {
      std::size_t channel = i / static_cast<std::size_t>(plane);
      value = (value - input_mean_[channel]) / input_std_[channel];
    }
    values[i] = ring.encode(value, config_.fractional_bits);
  }
  return values;
}

std::vector<double> FixedPointNetwork::dequantize_output(std::span<const std::uint64_t> logits) const {
  detail::Ring ring(config_.ring_bits);
  std::vector<double> values;
  for (auto logit : logits) values.push_back(ring.decode(logit, output_info().scale));
  return values;
}

namespace {

// FNV-1a, 64 bits: a structure fingerprint for the handshake (both parties are
// semi-honest; this only catches mismatched builds and configurations).
class Fingerprint {
 public:
  void add(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      hash_ ^= (value >> (8 * i)) & 0xFF;
      hash_ *= 0x100000001b3ULL;
    }
  }
  void add_shape(const spaces::Shape& shape) {
    add(static_cast<std::uint64_t>(shape.channels));
    add(static_cast<std::uint64_t>(shape.height));
    add(static_cast<std::uint64_t>(shape.width));
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::string FixedPointNetwork::structure_digest() const {
  Fingerprint print;
  print.add(config_.ring_bits);
  print.add(config_.fractional_bits);
  print.add(config_.effective_scale_limit());
  print.add(config_.effective_weight_bits());
  print.add(static_cast<std::uint64_t>(config_.relu_mode));
  print.add(config_.circa_dropped_bits);
  for (const auto& tensor : tensors_) {
    print.add_shape(tensor.shape);
    print.add(tensor.scale);
  }
  print.add(input_tensor_);
  print.add(output_tensor_);
  for (const auto& step : steps_) {
    print.add(step.op.index());
    print.add(step.output);
    for (auto input : step.inputs) print.add(input);
    std::visit(
        [&](const auto& op) {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, LinearStep>) {
            const auto& g = op.geometry;
            print.add_shape(g.input);
            print.add_shape(g.output);
            for (auto v : {g.kernel, g.stride, g.padding, g.dilation, g.groups}) print.add(v);
            print.add(op.bias.empty() ? 0 : 1);
          } else if constexpr (std::is_same_v<T, PoolStep>) {
            for (auto v : {op.kernel_height, op.kernel_width, op.stride, op.padding}) print.add(v);
            print.add(op.multiplier);
          } else if constexpr (std::is_same_v<T, AddStep> || std::is_same_v<T, ConcatStep>) {
            for (auto shift : op.shifts) print.add(shift);
          } else if constexpr (std::is_same_v<T, GarbledStep>) {
            print.add(op.shift);
            print.add(op.circa);
            print.add(op.mask.size());
            for (auto bit : op.mask) print.add(bit);
            print.add(op.c2.size());
            for (const auto* coefficients : {&op.c0, &op.c1, &op.c2}) {
              for (auto value : *coefficients) print.add(value);
            }
            for (auto flag : op.quadratic) print.add(flag);
            for (auto v : {op.input_scale, op.lift}) print.add(v);
            print.add(static_cast<std::uint64_t>(op.plane));
          } else if constexpr (std::is_same_v<T, MaxPoolStep>) {
            for (auto v : {op.kernel, op.stride, op.padding}) print.add(v);
            print.add(op.shift);
          } else if constexpr (std::is_same_v<T, PolynomialStep>) {
            for (auto v : {op.c0, op.c1, op.c2}) print.add(v);
            print.add(op.input_scale);
          }
        },
        step.op);
  }
  return fmt::format("{:016x}", print.value());
}

std::int64_t FixedPointNetwork::relu_count() const {
  std::int64_t count = 0;
  for (const auto& step : steps_) {
    if (const auto* garbled = std::get_if<GarbledStep>(&step.op)) {
      if (garbled->mask.empty()) {
        count += tensors_.at(step.output).shape.elements();
      } else {
        for (auto bit : garbled->mask) count += bit;
      }
    }
  }
  return count;
}

std::int64_t FixedPointNetwork::truncation_count() const {
  std::int64_t count = 0;
  for (const auto& step : steps_) {
    if (const auto* garbled = std::get_if<GarbledStep>(&step.op)) {
      if (garbled->shift == 0 || garbled->mask.empty() || garbled->mixed()) continue;
      for (auto bit : garbled->mask) count += bit == 0 ? 1 : 0;
    }
  }
  return count;
}

std::int64_t FixedPointNetwork::polynomial_element_count() const {
  std::int64_t count = 0;
  for (const auto& step : steps_) {
    if (std::holds_alternative<PolynomialStep>(step.op)) {
      count += tensors_.at(step.output).shape.elements();
    } else if (const auto* garbled = std::get_if<GarbledStep>(&step.op)) {
      for (std::size_t i = 0; i < garbled->mask.size(); ++i) {
        count += detail::element_kind(*garbled, i) == detail::ElementKind::kPolynomial ? 1 : 0;
      }
    }
  }
  return count;
}

std::int64_t FixedPointNetwork::linear_macs() const {
  std::int64_t macs = 0;
  for (const auto& step : steps_) {
    if (const auto* linear = std::get_if<LinearStep>(&step.op)) macs += linear->geometry.macs();
  }
  return macs;
}

}  // namespace pinas::pi
