// The steps SNL and AutoReP share: checkpointing, the finetune phase, export.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "search_spaces/model_file.h"
#include "train/reduction/detail/reduction_methods.h"

namespace pinas::train::detail {

torch::optim::Adam two_group_adam(NetworkImpl& network, const std::vector<torch::Tensor>& separate, double rate,
                                  double separate_rate) {
  std::vector<torch::Tensor> rest;
  for (auto& parameter : network.parameters()) {
    const bool is_separate =
        std::any_of(separate.begin(), separate.end(), [&](const torch::Tensor& t) { return parameter.is_same(t); });
    if (!is_separate) rest.push_back(parameter);
  }
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(rest, std::make_unique<torch::optim::AdamOptions>(rate));
  groups.emplace_back(separate, std::make_unique<torch::optim::AdamOptions>(separate_rate));
  return torch::optim::Adam(std::move(groups), torch::optim::AdamOptions(rate));
}

void save_reduction_checkpoint(const ReductionContext& context, const std::filesystem::path& folder,
                               NetworkImpl& network, torch::optim::Optimizer& optimizer,
                               const ReductionState& state) {
  CheckpointInfo info = context.checkpoint_info(network);
  info.extra_state = state.to_json();
  info.epochs_completed = state.epoch;
  info.optimizer_steps = state.step;
  info.generator_state = at::detail::getDefaultCPUGenerator().get_state();
  Checkpoint::save(folder / Checkpoint::kFileName, network, &optimizer, info);
}

void finetune(ReductionContext& context, const std::filesystem::path& folder, NetworkImpl& network,
              ReductionState& state, int epochs, double learning_rate, double momentum, double weight_decay,
              double kd_weight, const std::string& label) {
  std::vector<torch::Tensor> trainable;
  for (auto& parameter : network.parameters()) {
    if (parameter.requires_grad()) trainable.push_back(parameter);
  }
  torch::optim::SGD optimizer(trainable,
                              torch::optim::SGDOptions(learning_rate).momentum(momentum).weight_decay(weight_decay));
  const auto path = folder / Checkpoint::kFileName;
  if (state.epoch > 0 && std::filesystem::exists(path)) Checkpoint::load(path, network, &optimizer);
  const int64_t total = static_cast<int64_t>(epochs) * context.batches_per_epoch();
  for (int epoch = state.epoch; epoch < epochs; ++epoch) {
    const auto result = context.train_epoch(network, optimizer, 100000 + epoch, state.step, kd_weight,
                                            {learning_rate},
                                            [&](int64_t step) { return cosine_rate(1.0, 0.0, step, total); });
    const double validation = context.validation_accuracy(network);
    state.epoch = epoch + 1;
    save_reduction_checkpoint(context, folder, network, optimizer, state);
    context.log(fmt::format("{} finetune epoch {}/{}: loss {:.4f} train {:.2f}% val {:.2f}% relus {} ({:.0f} img/s)",
                            label, epoch + 1, epochs, result.loss, 100 * result.accuracy, 100 * validation,
                            network.last_relus_per_example(), result.images_per_s));
  }
}

ReducedNetwork finish_reduced_network(ReductionContext& context, const std::filesystem::path& folder,
                                      NetworkImpl& network, int64_t budget, const std::string& label, int epochs,
                                      double seconds) {
  ReducedNetwork reduced;
  reduced.budget = budget;
  reduced.label = label;
  reduced.epochs = epochs;
  reduced.seconds = seconds;
  reduced.val_accuracy = context.validation_accuracy(network);
  reduced.test_accuracy = context.test_accuracy(network);
  reduced.model_file = folder / "model.pb";
  const auto [relus, polynomial] = context.export_network(
      network, reduced.model_file, reduced.test_accuracy,
      {{"reduction_method", label}, {"reduction_budget", std::to_string(budget)}});
  reduced.relus = relus;
  reduced.polynomial_elements = polynomial;
  if (relus > budget) {
    throw Error(fmt::format("reduce: {} exported {} ReLUs for a budget of {} (a bug: budgets are never exceeded)",
                            label, relus, budget));
  }
  return reduced;
}

}  // namespace pinas::train::detail
