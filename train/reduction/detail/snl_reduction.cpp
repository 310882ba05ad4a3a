// SNL (selective network linearization): per-pixel or per-channel α, the λ
// schedule with the stop at the budget, binarization, and the KD finetune.
#include <fmt/format.h>

#include <chrono>

#include "train/detail/mixed_activation_layer.h"
#include "train/reduction/detail/budget_masks.h"
#include "train/reduction/detail/reduction_methods.h"

namespace pinas::train::detail {

namespace {

int64_t live_count(const std::vector<ActivationSite>& sites, double threshold) {
  int64_t count = 0;
  for (const auto& site : sites) count += site.layer->live_relus(threshold);
  return count;
}

}  // namespace

void snl_lambda_step(ReductionState& state, int64_t count, const SnlOptions& options) {
  // λ grows when the count did not fall below its running minimum (from the
  // patience epoch on); state.epoch is the epoch just completed, 0-based.
  if (state.min_count >= 0 && count >= state.min_count && state.epoch + 1 >= options.lambda_patience_epochs) {
    state.lambda *= options.lambda_growth;
  }
  if (state.min_count < 0 || count < state.min_count) state.min_count = count;
}

ReducedNetwork run_snl(ReductionContext& context, int64_t budget, const std::filesystem::path& folder,
                       bool channel_wise, const std::filesystem::path& continue_from) {
  const SnlOptions& options = context.job().snl;
  const std::string label = channel_wise ? "snl-channel" : "snl";
  Network network = context.student();
  auto sites = network->activation_sites();
  for (auto& site : sites) site.layer->begin_snl(channel_wise, context.device());

  ReductionState state;
  state.lambda = options.initial_lambda;
  const auto checkpoint = folder / Checkpoint::kFileName;
  const bool resuming = context.job().resume && std::filesystem::exists(checkpoint);
  if (resuming) {
    state = ReductionState::from_json(Checkpoint::read_info(checkpoint).extra_state, checkpoint.string());
    if (state.phase != "mask") {
      // The binarized network: install placeholder masks for the archive's.
      for (auto& site : sites) {
        site.layer->finish_relaxation(torch::ones({site.shape.channels, site.shape.height, site.shape.width}));
      }
    }
  }
  if (state.phase == "mask") {
    // Two groups: the network's weights, then the α's (their own rate if set).
    std::vector<torch::Tensor> alphas;
    for (const auto& site : sites) alphas.push_back(site.layer->snl_alpha());
    const double alpha_rate = options.alpha_learning_rate > 0 ? options.alpha_learning_rate : options.learning_rate;
    torch::optim::Adam optimizer = two_group_adam(*network, alphas, options.learning_rate, alpha_rate);
    const std::vector<double> rates = {options.learning_rate, alpha_rate};
    if (resuming) {
      Checkpoint::load(checkpoint, *network, &optimizer);
      context.log(fmt::format("{} budget {}: resuming the mask phase after epoch {} (λ {:.3g})", label, budget,
                              state.epoch, state.lambda));
    } else if (!continue_from.empty() && std::filesystem::exists(continue_from)) {
      // SNL's mask phase does not depend on the budget until it stops: a smaller
      // budget continues the larger one's trajectory instead of repeating it.
      state = ReductionState::from_json(Checkpoint::read_info(continue_from).extra_state, continue_from.string());
      Checkpoint::load(continue_from, *network, &optimizer);
      context.log(fmt::format("{} budget {}: continuing the mask phase of {} after epoch {} ({} live ReLUs)", label,
                              budget, continue_from.parent_path().filename().string(), state.epoch, state.live));
    }
    auto penalty = [&] {
      torch::Tensor sum = torch::zeros({}, torch::TensorOptions().device(context.device()));
      for (const auto& site : sites) sum = sum + site.layer->snl_alpha().abs().sum();
      return state.lambda * sum;
    };
    while (state.epoch < options.max_mask_epochs) {
      if (state.epoch > 0 && state.live >= 0 && state.live <= budget) break;
      // With check_every_steps, the epoch ends as soon as the count reaches the budget.
      auto reached = [&](int64_t step) {
        return options.check_every_steps > 0 && (step + 1) % options.check_every_steps == 0 &&
               live_count(sites, options.alpha_threshold) <= budget;
      };
      const auto result =
          context.train_epoch(*network, optimizer, state.epoch, state.step, options.kd_weight, rates, {}, penalty, reached);
      const int64_t count = live_count(sites, options.alpha_threshold);
      const double validation = context.validation_accuracy(*network);
      context.log(fmt::format("{} budget {} mask epoch {}: loss {:.4f} train {:.2f}% val {:.2f}% live relus {} λ {:.3g} "
                              "({:.0f} img/s)",
                              label, budget, state.epoch + 1, result.loss, 100 * result.accuracy, 100 * validation,
                              count, state.lambda, result.images_per_s));
      snl_lambda_step(state, count, options);
      state.live = count;
      ++state.epoch;
      save_reduction_checkpoint(context, folder, *network, optimizer, state);
      if (count <= budget) break;
    }
    // The relaxed state, for the next smaller budget to continue from.
    save_reduction_checkpoint(context, folder, *network, optimizer, state);
    std::filesystem::copy_file(checkpoint, folder / "mask_phase.pt", std::filesystem::copy_options::overwrite_existing);
    // Binarize: α > threshold, cut to the budget if the schedule ended over it.
    const auto masks = budget_masks(sites, budget, options.alpha_threshold, channel_wise);
    for (size_t i = 0; i < sites.size(); ++i) sites[i].layer->finish_relaxation(masks[i].to(context.device()));
    context.log(fmt::format("{} budget {}: binarized after {} mask epochs: {} ReLUs (live count was {})", label,
                            budget, state.epoch, mask_ones(masks), state.live));
    state.mask_epochs = state.epoch;
    state.phase = "finetune";
    state.epoch = 0;
    state.step = 0;
    save_reduction_checkpoint(context, folder, *network, optimizer, state);
  } else {
    Checkpoint::load(checkpoint, *network, nullptr);
    for (auto& site : sites) site.layer->finish_relaxation(site.layer->mask());  // recount the loaded masks
    context.log(fmt::format("{} budget {}: resuming the finetune after epoch {}", label, budget, state.epoch));
  }
  finetune(context, folder, *network, state, options.finetune_epochs, options.finetune_learning_rate,
           options.finetune_momentum, options.finetune_weight_decay, options.kd_weight,
           fmt::format("{} budget {}", label, budget));
  const double seconds = state.total_seconds();  // resumed runs included
  return finish_reduced_network(context, folder, *network, budget, label, state.mask_epochs + state.epoch, seconds);
}

}  // namespace pinas::train::detail
