#include "crypto/pi/detail/garbled_batches.h"

#include <map>

#include "crypto/circuits/share_circuits.h"
#include "crypto/pi/detail/tensor_ops.h"

namespace pinas::pi::detail {

const char* GarbledBatch::kind_name() const {
  switch (kind) {
    case Kind::kRelu: return "relu";
    case Kind::kTruncate: return "truncation";
    case Kind::kMaxPool: return "max_pool";
    case Kind::kCirca: return "circa";
  }
  return "?";
}

std::vector<GarbledBatch> plan_batches(const GarbledStep& step, std::size_t elements) {
  GarbledBatch relu{step.circa ? GarbledBatch::Kind::kCirca : GarbledBatch::Kind::kRelu, 1, step.shift, {}, {}};
  GarbledBatch truncate{GarbledBatch::Kind::kTruncate, 1, step.shift, {}, {}};
  if (step.circa) relu.shift = 0;
  for (std::size_t i = 0; i < elements; ++i) {
    const auto index = static_cast<std::uint32_t>(i);
    switch (element_kind(step, i)) {
      case ElementKind::kRelu:
        relu.inputs.push_back(index);
        relu.outputs.push_back(index);
        if (step.circa && step.shift > 0) {
          truncate.inputs.push_back(index);
          truncate.outputs.push_back(index);
        }
        break;
      case ElementKind::kTruncate:
        truncate.inputs.push_back(index);
        truncate.outputs.push_back(index);
        break;
      case ElementKind::kPass:
      case ElementKind::kPolynomial:  // a mixed activation's replaced elements: no circuit
      case ElementKind::kAffine:
        break;
    }
  }
  std::vector<GarbledBatch> batches;
  if (!relu.outputs.empty()) batches.push_back(std::move(relu));
  if (!truncate.outputs.empty()) batches.push_back(std::move(truncate));
  return batches;
}

std::vector<GarbledBatch> plan_batches(const MaxPoolStep& step, const spaces::Shape& input,
                                       const spaces::Shape& output) {
  std::map<std::size_t, GarbledBatch> by_size;
  auto windows = max_pool_windows(step, input, output);
  for (std::size_t o = 0; o < windows.size(); ++o) {
    auto& batch = by_size[windows[o].size()];
    batch.kind = GarbledBatch::Kind::kMaxPool;
    batch.window = static_cast<std::uint32_t>(windows[o].size());
    batch.shift = step.shift;
    batch.inputs.insert(batch.inputs.end(), windows[o].begin(), windows[o].end());
    batch.outputs.push_back(static_cast<std::uint32_t>(o));
  }
  std::vector<GarbledBatch> batches;
  for (auto& [size, batch] : by_size) batches.push_back(std::move(batch));
  return batches;
}

std::unique_ptr<crypto::Circuit> batch_circuit(const GarbledBatch& batch, std::uint32_t ring_bits) {
  switch (batch.kind) {
    case GarbledBatch::Kind::kRelu:
      return std::make_unique<crypto::Circuit>(crypto::relu_circuit(ring_bits, batch.shift));
    case GarbledBatch::Kind::kTruncate:
      return std::make_unique<crypto::Circuit>(crypto::truncation_circuit(ring_bits, batch.shift));
    case GarbledBatch::Kind::kMaxPool:
      return std::make_unique<crypto::Circuit>(
          crypto::max_pool_circuit(ring_bits, batch.window, batch.shift, false));
    case GarbledBatch::Kind::kCirca:
      break;
  }
  return nullptr;
}

std::vector<std::uint64_t> gather(const GarbledBatch& batch, const std::vector<std::uint64_t>& values) {
  std::vector<std::uint64_t> gathered;
  gathered.reserve(batch.inputs.size());
  for (auto index : batch.inputs) gathered.push_back(values[index]);
  return gathered;
}

}  // namespace pinas::pi::detail
