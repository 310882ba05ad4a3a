#include "crypto/pi/detail/local_steps.h"

#include <span>

#include "crypto/pi/detail/tensor_ops.h"

namespace pinas::pi::detail {

bool apply_local_step(const FixedPointNetwork& network, const Step& step,
                      std::vector<std::vector<std::uint64_t>>& tensors, const Ring& ring) {
  const bool local = std::holds_alternative<PoolStep>(step.op) || std::holds_alternative<AddStep>(step.op) ||
                     std::holds_alternative<ConcatStep>(step.op) ||
                     std::holds_alternative<ReshapeStep>(step.op) || std::holds_alternative<ZeroStep>(step.op);
  if (!local) return false;
  auto& output = tensors[step.output];
  output.assign(static_cast<std::size_t>(network.tensors()[step.output].shape.elements()), 0);
  auto inputs = [&] {
    std::vector<std::span<const std::uint64_t>> spans;
    for (auto input : step.inputs) spans.emplace_back(tensors[input]);
    return spans;
  };
  if (const auto* pool_step = std::get_if<PoolStep>(&step.op)) {
    pool(*pool_step, network.tensors()[step.inputs[0]].shape, network.tensors()[step.output].shape,
         tensors[step.inputs[0]], output, ring);
  } else if (const auto* add_step = std::get_if<AddStep>(&step.op)) {
    add(inputs(), add_step->shifts, output, ring);
  } else if (const auto* concat_step = std::get_if<ConcatStep>(&step.op)) {
    concatenate(inputs(), concat_step->shifts, output, ring);
  } else if (std::holds_alternative<ReshapeStep>(step.op)) {
    output = tensors[step.inputs[0]];
  } else if (std::holds_alternative<ZeroStep>(step.op)) {
    // zeros
  } else {
    return false;
  }
  return true;
}

}  // namespace pinas::pi::detail
