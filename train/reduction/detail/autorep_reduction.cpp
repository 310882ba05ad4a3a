// AutoReP: hysteresis gates with the softplus straight-through estimator, the
// budget penalty λ·max(0, Σm/N − B/N), and DaPa polynomial replacement.
#include <fmt/format.h>

#include <chrono>
#include <limits>

#include "proto/error.h"
#include "train/detail/mixed_activation_layer.h"
#include "train/reduction/detail/budget_masks.h"
#include "train/reduction/detail/reduction_methods.h"

namespace pinas::train::detail {

namespace {

// The replacement each site starts from: DaPa's fit once statistics exist,
// until then the N(0, 1) fit; linear drops x²; identity has none.
void initial_replacement(const ActivationSite& site, ReplacementKind kind, double x2_scale) {
  if (kind == ReplacementKind::kIdentity) return;
  auto fit = gaussian_relu_fit(0.0, 1.0);
  fit[2] *= x2_scale;
  auto coefficients = torch::empty({site.shape.channels, 3}, torch::kFloat32);
  coefficients.index_put_({torch::indexing::Slice(), 0}, static_cast<float>(fit[0]));
  coefficients.index_put_({torch::indexing::Slice(), 1}, static_cast<float>(fit[1]));
  coefficients.index_put_({torch::indexing::Slice(), 2}, kind == ReplacementKind::kQuadratic ? static_cast<float>(fit[2]) : 0.0F);
  site.layer->set_replacement(coefficients);
}

void refit(const std::vector<ActivationSite>& sites, const AutoRepOptions& options) {
  const ReplacementKind kind = options.replacement;
  if (kind == ReplacementKind::kIdentity) return;
  for (const auto& site : sites) {
    site.layer->fit_replacement_to_statistics(options.dapa_min_variance, options.x2_scale);
    if (kind == ReplacementKind::kLinear) {
      torch::NoGradGuard no_grad;
      site.layer->replacement().index_put_({torch::indexing::Slice(), 2}, 0.0);
    }
  }
}

}  // namespace

ReducedNetwork run_autorep(ReductionContext& context, int64_t budget, const std::filesystem::path& folder) {
  const AutoRepOptions& options = context.job().autorep;
  if (options.dapa_refit_every < 1 || options.dapa_refit_until < 0 || !(options.x2_scale >= 0) ||
      !(options.dapa_min_variance > 0) || !(options.hysteresis_threshold >= 0) ||
      options.epochs < 1) {
    throw Error(
        "autorep: needs dapa_refit_every >= 1, dapa_refit_until >= 0, x2_scale >= 0, "
        "dapa_min_variance > 0, "
        "a hysteresis threshold >= 0 and at least one epoch");
  }
  const std::string label = "autorep";
  Network network = context.student();
  auto sites = network->activation_sites();
  auto generator = at::detail::createCPUGenerator(context.job().seed);
  int64_t gates = 0;
  for (auto& site : sites) {
    site.layer->begin_autorep(options.hysteresis_threshold, generator, context.device());
    initial_replacement(site, options.replacement, options.x2_scale);
    site.layer->track_statistics(true);
    gates += site.layer->live_relus(0.0);
  }
  // Two groups: weights and replacement coefficients, then the gates.
  std::vector<torch::Tensor> gate_weights;
  for (const auto& site : sites) gate_weights.push_back(site.layer->gate_weight());
  const double gate_rate = options.gate_learning_rate > 0 ? options.gate_learning_rate : options.learning_rate;
  torch::optim::Adam optimizer = two_group_adam(*network, gate_weights, options.learning_rate, gate_rate);
  const std::vector<double> rates = {options.learning_rate, gate_rate};

  ReductionState state;
  const auto checkpoint = folder / Checkpoint::kFileName;
  const auto best_path = folder / "best.pt";
  if (context.job().resume && std::filesystem::exists(checkpoint)) {
    state = ReductionState::from_json(Checkpoint::read_info(checkpoint).extra_state, checkpoint.string());
    // Statistics buffers are created by the first tracked pass: make them exist.
    {
      torch::NoGradGuard no_grad;
      const auto& input = network->architecture().node(network->architecture().input_node()).input_shape;
      network->train();
      network->forward(torch::zeros({2, input.channels, input.height, input.width}, context.device()));
    }
    Checkpoint::load(checkpoint, *network, &optimizer);
    context.log(fmt::format("{} budget {}: resuming after epoch {}", label, budget, state.epoch));
  }
  const double dapa_until = options.dapa_refit_until;
  const int64_t total = static_cast<int64_t>(options.epochs) * context.batches_per_epoch();
  auto penalty = [&] {
    torch::Tensor live = torch::zeros({}, torch::TensorOptions().device(context.device()));
    for (const auto& site : sites) {
      live = live + softplus_straight_through(site.layer->gate_weight(), site.layer->gate_state()).sum();
    }
    const double n = static_cast<double>(gates);
    return options.budget_penalty * torch::relu(live / n - static_cast<double>(budget) / n);
  };
  auto after_step = [&](int64_t step) {
    if (options.replacement == ReplacementKind::kLinear) {
      torch::NoGradGuard no_grad;
      for (const auto& site : sites) site.layer->replacement().index_put_({torch::indexing::Slice(), 2}, 0.0);
    }
    if (step + 1 < dapa_until && (step + 1) % options.dapa_refit_every == 0) refit(sites, options);
    if (step + 1 == static_cast<int64_t>(dapa_until)) {
      refit(sites, options);
      for (const auto& site : sites) site.layer->track_statistics(false);
    }
    return false;
  };
  if (state.step >= static_cast<int64_t>(dapa_until)) {
    for (const auto& site : sites) site.layer->track_statistics(false);
  }
  while (state.phase == "mask" && state.epoch < options.epochs) {
    const double floor = options.final_learning_rate / options.learning_rate;
    const auto result = context.train_epoch(
        *network, optimizer, state.epoch, state.step, options.kd_weight, rates,
        [&](int64_t step) { return cosine_rate(1.0, floor, step, total); }, penalty, after_step);
    int64_t live = 0;
    for (const auto& site : sites) live += site.layer->live_relus(0.0);
    const double validation = context.validation_accuracy(*network);
    state.live = live;
    ++state.epoch;
    // Keep the best epoch within budget + slack, as the paper does.
    if (live <= budget + options.budget_slack && validation > state.best_val) {
      state.best_val = validation;
      CheckpointInfo info = context.checkpoint_info(*network);
      Checkpoint::save(best_path, *network, nullptr, info);
    }
    save_reduction_checkpoint(context, folder, *network, optimizer, state);
    context.log(fmt::format("{} budget {} epoch {}/{}: loss {:.4f} train {:.2f}% val {:.2f}% live relus {} "
                            "({:.0f} img/s)",
                            label, budget, state.epoch, options.epochs, result.loss, 100 * result.accuracy,
                            100 * validation, live, result.images_per_s));
  }
  if (state.phase == "mask") {
    if (std::filesystem::exists(best_path)) {
      Checkpoint::load(best_path, *network, nullptr);
    } else {
      context.log(fmt::format("{} budget {}: no epoch reached budget + {}; cutting the last one to the budget", label,
                              budget, options.budget_slack));
    }
    // The mask is the gates that are on, cut to the budget by gate weight if
    // they are more (importance() ranks only gates that are on).
    int64_t on = 0;
    for (const auto& site : sites) on += site.layer->live_relus(0.0);
    const auto final_masks = budget_masks(sites, budget, -std::numeric_limits<double>::infinity(), false);
    for (size_t i = 0; i < sites.size(); ++i) sites[i].layer->finish_relaxation(final_masks[i].to(context.device()));
    context.log(fmt::format("{} budget {}: {} ReLUs kept ({} gates were on)", label, budget, mask_ones(final_masks), on));
    state.mask_epochs = state.epoch;
    state.phase = "done";
  }
  const double seconds = state.total_seconds();  // resumed runs included
  return finish_reduced_network(context, folder, *network, budget, label, state.mask_epochs, seconds);
}

}  // namespace pinas::train::detail
