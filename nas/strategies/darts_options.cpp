#include "nas/strategies/darts_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "nas/config/experiment_config.h"

namespace pinas::nas {
namespace {

constexpr int kMaxCells = 64;

[[noreturn]] void refuse(const std::string& origin, const std::string& field,
                         const std::string& why) {
  throw ConfigError(fmt::format("{}: field strategy.darts.{}: {}", origin, field, why));
}

void check_positions(const google::protobuf::RepeatedField<int>& positions, int cells,
                     const std::string& origin, const std::string& field) {
  int previous = -1;
  for (int position : positions) {
    if (position <= previous || position >= cells)
      refuse(origin, field,
             fmt::format("must be strictly increasing cell indices below {}, got {}", cells,
                         position));
    previous = position;
  }
}

[[noreturn]] void refuse_location(const std::string& origin, const std::string& field,
                                  const std::string& why) {
  throw ConfigError(fmt::format("{}: field strategy.darts.locations.{}: {}", origin, field, why));
}

}  // namespace

bool is_weight_sharing(pb::StrategyKind kind) {
  return kind == pb::DARTS || kind == pb::ENAS;
}

int derived_network_count(const pb::StrategyConfig& strategy) {
  if (strategy.kind() == pb::DARTS) return strategy.darts().final_cells_size();
  return is_weight_sharing(strategy.kind()) ? 1 : 0;
}

std::vector<int> default_final_reductions(int cells) {
  switch (cells) {
    case 5:
    case 6:
      return {0, 1};
    case 8:
      return {1, 3};
    case 10:
      return {0, 5};
    default:
      break;
  }
  std::vector<int> positions{cells / 3, 2 * cells / 3};
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

void complete_darts_options(pb::ExperimentConfig& config, const std::string& origin) {
  if (config.strategy().kind() != pb::DARTS) {
    if (config.strategy().has_darts())
      throw ConfigError(
          fmt::format("{}: field strategy.darts: is only used with `kind: DARTS`", origin));
    return;
  }
  if (config.space() != "sphynx")
    throw ConfigError(
        fmt::format("{}: field space: DARTS searches the \"sphynx\" cell space, not \"{}\"", origin,
                    config.space()));
  if (config.objective().source() != pb::TRAINING)
    throw ConfigError(fmt::format(
        "{}: field objective.source: DARTS trains a supernet: it needs TRAINING", origin));
  if (config.objective().cost() != pb::RELUS)
    throw ConfigError(fmt::format(
        "{}: field objective.cost: DARTS fits the derived network to a ReLU budget: it needs RELUS",
        origin));

  auto& darts = *config.mutable_strategy()->mutable_darts();
  if (darts.cells() == 0) darts.set_cells(8);
  if (darts.channels() == 0) darts.set_channels(16);
  if (darts.cells() < 1 || darts.cells() > kMaxCells)
    refuse(origin, "cells", fmt::format("must be in 1..{}, is {}", kMaxCells, darts.cells()));
  if (darts.channels() < 2 || darts.channels() > 4096)
    refuse(origin, "channels", fmt::format("must be in 2..4096, is {}", darts.channels()));
  if (darts.reduction_positions().empty()) {
    for (int position : {darts.cells() / 3, 2 * darts.cells() / 3})
      if (darts.reduction_positions().empty() ||
          darts.reduction_positions().Get(darts.reduction_positions_size() - 1) != position)
        darts.add_reduction_positions(position);
  }
  check_positions(darts.reduction_positions(), darts.cells(), origin, "reduction_positions");
  if (darts.stem_multiplier() == 0) darts.set_stem_multiplier(3);
  if (darts.batch_size() == 0) darts.set_batch_size(64);
  if (darts.epochs() == 0) darts.set_epochs(50);
  if (darts.learning_rate() == 0) darts.set_learning_rate(0.025);
  if (darts.final_learning_rate() == 0) darts.set_final_learning_rate(0.001);
  if (darts.momentum() == 0) darts.set_momentum(0.9);
  if (darts.weight_decay() == 0) darts.set_weight_decay(3e-4);
  if (darts.gradient_clip() == 0) darts.set_gradient_clip(5);
  if (darts.alpha_learning_rate() == 0) darts.set_alpha_learning_rate(3e-4);
  if (darts.alpha_beta1() == 0) darts.set_alpha_beta1(0.5);
  if (darts.alpha_beta2() == 0) darts.set_alpha_beta2(0.999);
  if (darts.alpha_weight_decay() == 0) darts.set_alpha_weight_decay(1e-3);
  if (darts.alpha_init_scale() == 0) darts.set_alpha_init_scale(1e-3);
  if (darts.weight_fraction() == 0) darts.set_weight_fraction(0.5);
  if (darts.final_cells().empty()) darts.add_final_cells(5);

  if (darts.stem_multiplier() < 1 || darts.stem_multiplier() > 16)
    refuse(origin, "stem_multiplier", "must be in 1..16");
  if (darts.batch_size() < 2 || darts.batch_size() > 65536)
    refuse(origin, "batch_size", "must be in 2..65536");
  if (darts.epochs() < 1 || darts.epochs() > 10000) refuse(origin, "epochs", "must be in 1..10000");
  auto positive = [&](double value, const char* field) {
    if (!(value > 0) || !std::isfinite(value)) refuse(origin, field, "must be a positive number");
  };
  positive(darts.learning_rate(), "learning_rate");
  positive(darts.final_learning_rate(), "final_learning_rate");
  positive(darts.alpha_learning_rate(), "alpha_learning_rate");
  positive(darts.alpha_init_scale(), "alpha_init_scale");
  positive(darts.weight_decay(), "weight_decay");
  positive(darts.alpha_weight_decay(), "alpha_weight_decay");
  positive(darts.gradient_clip(), "gradient_clip");
  if (darts.final_learning_rate() > darts.learning_rate())
    refuse(origin, "final_learning_rate", "must not exceed learning_rate");
  if (!(darts.momentum() > 0 && darts.momentum() < 1))
    refuse(origin, "momentum", "must be in (0, 1)");
  if (!(darts.alpha_beta1() > 0 && darts.alpha_beta1() < 1))
    refuse(origin, "alpha_beta1", "must be in (0, 1)");
  if (!(darts.alpha_beta2() > 0 && darts.alpha_beta2() < 1))
    refuse(origin, "alpha_beta2", "must be in (0, 1)");
  if (!(darts.weight_fraction() > 0 && darts.weight_fraction() < 1))
    refuse(origin, "weight_fraction", "must be in (0, 1)");
  if (!pb::DartsOrder_IsValid(darts.order())) refuse(origin, "order", "unknown order");
  if (darts.max_normal_skips() < 0 || darts.max_normal_skips() > 8)
    refuse(origin, "max_normal_skips", "must be in 0..8 (0 = no cap; a cell has 8 edges)");
  int smallest = kMaxCells;
  for (int cells : darts.final_cells()) {
    if (cells < 1 || cells > kMaxCells)
      refuse(origin, "final_cells",
             fmt::format("entries must be in 1..{}, got {}", kMaxCells, cells));
    smallest = std::min(smallest, cells);
  }
  check_positions(darts.final_reduction_positions(), smallest, origin, "final_reduction_positions");
  if (darts.final_channels() < 0 || darts.final_channels() > 65536)
    refuse(origin, "final_channels", "must be in 0..65536 (0 = the widest that fits the budget)");
  if (darts.locations().enabled()) {
    if (!darts.final_reduction_positions().empty())
      refuse(
          origin, "final_reduction_positions",
          "is chosen by the location search (locations { enabled: true }): set one or the other");
    if (smallest < 2)
      refuse(origin, "final_cells", "the location search needs networks of at least 2 cells");
    complete_location_options(*darts.mutable_locations(), origin);
  }
}

void complete_location_options(pb::SphynxLocationOptions& options, const std::string& origin) {
  if (options.epochs() == 0) options.set_epochs(50);
  if (options.batch_size() == 0) options.set_batch_size(96);
  if (options.initial_temperature() == 0) options.set_initial_temperature(10);
  if (options.final_temperature() == 0) options.set_final_temperature(0.1);
  if (options.candidates_per_step() == 0) options.set_candidates_per_step(3);
  if (options.beta_learning_rate() == 0) options.set_beta_learning_rate(3e-4);
  if (options.beta_beta1() == 0) options.set_beta_beta1(0.9);
  if (options.beta_beta2() == 0) options.set_beta_beta2(0.999);
  if (options.learning_rate() == 0) options.set_learning_rate(0.025);
  if (options.momentum() == 0) options.set_momentum(0.9);
  if (options.weight_decay() == 0) options.set_weight_decay(3e-4);
  if (options.gradient_clip() == 0) options.set_gradient_clip(5);

  if (options.epochs() < 1 || options.epochs() > 10000)
    refuse_location(origin, "epochs", "must be in 1..10000");
  if (options.batch_size() < 2 || options.batch_size() > 65536)
    refuse_location(origin, "batch_size", "must be in 2..65536");
  if (options.candidates_per_step() < 1 || options.candidates_per_step() > 1000)
    refuse_location(origin, "candidates_per_step", "must be in 1..1000");
  auto positive = [&](double value, const char* field) {
    if (!(value > 0) || !std::isfinite(value))
      refuse_location(origin, field, "must be a positive number");
  };
  positive(options.initial_temperature(), "initial_temperature");
  positive(options.final_temperature(), "final_temperature");
  positive(options.beta_learning_rate(), "beta_learning_rate");
  positive(options.learning_rate(), "learning_rate");
  positive(options.weight_decay(), "weight_decay");
  positive(options.gradient_clip(), "gradient_clip");
  for (auto [value, field] :
       {std::pair{options.beta_beta1(), "beta_beta1"},
        std::pair{options.beta_beta2(), "beta_beta2"}, std::pair{options.momentum(), "momentum"}})
    if (!(value > 0 && value < 1)) refuse_location(origin, field, "must be in (0, 1)");
  if (options.channels() < 0 || options.channels() > 4096)
    refuse_location(origin, "channels", "must be in 0..4096 (0 = the derived network's width)");
  if (options.last_position() < 0 || options.last_position() > 63)
    refuse_location(origin, "last_position", "must be in 0..63 (0 = 2L/3)");
}

}  // namespace pinas::nas
