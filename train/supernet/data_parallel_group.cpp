#include "train/supernet/data_parallel_group.h"

namespace pinas::train::supernet {
namespace {

thread_local DataParallelGroup* current_group = nullptr;

// The sum over the ranks, differentiable: backward sums the incoming
// gradients over the ranks too. The group rides along as an integer (the
// autograd context stores IValues).
class SumAcrossRanks : public torch::autograd::Function<SumAcrossRanks> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* context,
                               const torch::Tensor& input, int64_t group_address) {
    context->saved_data["group"] = group_address;
    return sum_now(reinterpret_cast<DataParallelGroup*>(group_address), input);
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* context,
                                               torch::autograd::tensor_list gradients) {
    auto* group = reinterpret_cast<DataParallelGroup*>(context->saved_data["group"].toInt());
    return {sum_now(group, gradients[0]), torch::Tensor()};
  }

 private:
  static torch::Tensor sum_now(DataParallelGroup* group, const torch::Tensor& input) {
    auto values = input.detach().to(torch::kFloat64).contiguous().clone();
    group->sum(std::span<double>(values.data_ptr<double>(), static_cast<size_t>(values.numel())));
    return values.to(input.scalar_type());
  }
};

}  // namespace

torch::Tensor shard_of(const DataParallelGroup& group, const torch::Tensor& batch) {
  const int64_t rows = batch.size(0);
  const int64_t begin = rows * group.rank() / group.size();
  const int64_t end = rows * (group.rank() + 1) / group.size();
  return batch.narrow(0, begin, end - begin);
}

torch::Tensor sum_across_ranks(DataParallelGroup& group, const torch::Tensor& tensor) {
  return SumAcrossRanks::apply(tensor, reinterpret_cast<int64_t>(&group));
}

void sum_gradients(DataParallelGroup& group, const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> gradients;
  for (const auto& parameter : parameters) gradients.push_back(parameter.grad());
  sum_tensors(group, gradients);
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < parameters.size(); ++i)
    if (gradients[i].defined())
      const_cast<torch::Tensor&>(parameters[i]).mutable_grad() = gradients[i];
}

void sum_tensors(DataParallelGroup& group, std::vector<torch::Tensor>& tensors) {
  std::vector<double> values;
  for (const auto& tensor : tensors) {
    if (!tensor.defined()) continue;
    auto flat = tensor.detach().to(torch::kFloat64).contiguous().view(-1);
    values.insert(values.end(), flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
  }
  group.sum(values);
  size_t offset = 0;
  torch::NoGradGuard no_grad;
  for (auto& tensor : tensors) {
    if (!tensor.defined()) continue;
    tensor = torch::from_blob(values.data() + offset, tensor.sizes(), torch::kFloat64)
                 .to(tensor.scalar_type())
                 .clone();
    offset += static_cast<size_t>(tensor.numel());
  }
}

std::vector<double> sum_values(DataParallelGroup& group, std::vector<double> values) {
  group.sum(values);
  return values;
}

DataParallelScope::DataParallelScope(DataParallelGroup* group) : previous_(current_group) {
  current_group = group;
}

DataParallelScope::~DataParallelScope() {
  current_group = previous_;
}

DataParallelGroup* active_data_parallel_group() {
  return current_group;
}

}  // namespace pinas::train::supernet
