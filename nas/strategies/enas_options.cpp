#include "nas/strategies/enas_options.h"

#include <fmt/format.h>

#include <cmath>

#include "nas/config/experiment_config.h"

namespace pinas::nas {
namespace {

[[noreturn]] void refuse(const std::string& origin, const std::string& field,
                         const std::string& why) {
  throw ConfigError(fmt::format("{}: field strategy.enas.{}: {}", origin, field, why));
}

}  // namespace

void complete_enas_options(pb::ExperimentConfig& config, const std::string& origin) {
  if (config.strategy().kind() != pb::ENAS) {
    if (config.strategy().has_enas())
      throw ConfigError(
          fmt::format("{}: field strategy.enas: is only used with `kind: ENAS`", origin));
    return;
  }
  if (config.space() != "cryptonas")
    throw ConfigError(
        fmt::format("{}: field space: ENAS searches the \"cryptonas\" macro space, not \"{}\"",
                    origin, config.space()));
  if (config.objective().source() != pb::TRAINING)
    throw ConfigError(fmt::format(
        "{}: field objective.source: ENAS trains a supernet: it needs TRAINING", origin));
  if (config.objective().cost() != pb::RELUS)
    throw ConfigError(fmt::format(
        "{}: field objective.cost: ENAS fits the derived network to a ReLU budget: it needs RELUS",
        origin));

  // CryptoNAS' search (methods.md).
  auto& enas = *config.mutable_strategy()->mutable_enas();
  if (enas.layers() == 0) enas.set_layers(6);
  if (enas.channels() == 0) enas.set_channels(12);
  if (enas.batch_size() == 0) enas.set_batch_size(128);
  if (enas.epochs() == 0) enas.set_epochs(310);
  if (enas.learning_rate() == 0) enas.set_learning_rate(0.05);
  if (enas.final_learning_rate() == 0) enas.set_final_learning_rate(5e-4);
  if (enas.restart_period() == 0) enas.set_restart_period(10);
  if (enas.restart_multiplier() == 0) enas.set_restart_multiplier(2);
  if (enas.momentum() == 0) enas.set_momentum(0.9);
  if (enas.weight_decay() == 0) enas.set_weight_decay(5e-4);
  if (enas.controller_hidden_size() == 0) enas.set_controller_hidden_size(64);
  if (enas.controller_tanh_constant() == 0) enas.set_controller_tanh_constant(1.5);
  if (enas.controller_learning_rate() == 0) enas.set_controller_learning_rate(1e-3);
  // controller_beta1: the paper's value is 0, the unset value.
  if (enas.controller_steps() == 0) enas.set_controller_steps(50);
  if (enas.controller_samples() == 0) enas.set_controller_samples(20);
  if (enas.reward_batch_size() == 0) enas.set_reward_batch_size(128);
  if (enas.entropy_weight() == 0) enas.set_entropy_weight(1e-4);
  if (enas.baseline_decay() == 0) enas.set_baseline_decay(0.99);
  if (enas.skip_target() == 0) enas.set_skip_target(0.4);
  if (enas.skip_weight() == 0) enas.set_skip_weight(0.8);
  if (enas.final_samples() == 0) enas.set_final_samples(10);

  auto in_range = [&](long long value, long long low, long long high, const char* field) {
    if (value < low || value > high)
      refuse(origin, field, fmt::format("must be in {}..{}, is {}", low, high, value));
  };
  in_range(enas.layers(), 1, 64, "layers");
  in_range(enas.channels(), 2, 4096, "channels");
  in_range(enas.batch_size(), 2, 65536, "batch_size");
  in_range(enas.epochs(), 1, 10000, "epochs");
  in_range(enas.restart_period(), 1, 10000, "restart_period");
  in_range(enas.restart_multiplier(), 1, 16, "restart_multiplier");
  in_range(enas.controller_hidden_size(), 1, 1024, "controller_hidden_size");
  in_range(enas.controller_steps(), 1, 100000, "controller_steps");
  in_range(enas.controller_samples(), 1, 10000, "controller_samples");
  in_range(enas.reward_batch_size(), 2, 65536, "reward_batch_size");
  in_range(enas.final_samples(), 1, 100000, "final_samples");
  in_range(enas.final_channels(), 0, 65536, "final_channels");
  auto positive = [&](double value, const char* field) {
    if (!(value > 0) || !std::isfinite(value)) refuse(origin, field, "must be a positive number");
  };
  positive(enas.learning_rate(), "learning_rate");
  positive(enas.final_learning_rate(), "final_learning_rate");
  positive(enas.weight_decay(), "weight_decay");
  positive(enas.controller_tanh_constant(), "controller_tanh_constant");
  positive(enas.controller_learning_rate(), "controller_learning_rate");
  positive(enas.entropy_weight(), "entropy_weight");
  positive(enas.skip_weight(), "skip_weight");
  if (enas.final_learning_rate() > enas.learning_rate())
    refuse(origin, "final_learning_rate", "must not exceed learning_rate");
  auto open_unit = [&](double value, const char* field) {
    if (!(value > 0 && value < 1)) refuse(origin, field, "must be in (0, 1)");
  };
  open_unit(enas.momentum(), "momentum");
  open_unit(enas.baseline_decay(), "baseline_decay");
  open_unit(enas.skip_target(), "skip_target");
  if (!(enas.controller_beta1() >= 0 && enas.controller_beta1() < 1))
    refuse(origin, "controller_beta1", "must be in [0, 1)");
}

}  // namespace pinas::nas
