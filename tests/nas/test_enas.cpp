// strategy { kind: ENAS }: the controller (skip-attention shapes, entropy
// and log-probability known answers, REINFORCE moving the policy toward the
// rewarded op, the skip penalty pulling skips toward the target, state round
// trip), the schedule, the config defaults and refusals, the budget fitting,
// and the search itself on a Fashion-MNIST subset (accuracy rises, resume
// equals an uninterrupted run).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <numbers>

#include "nas/config/experiment_config.h"
#include "nas/strategies/enas_controller.h"
#include "nas/strategies/enas_search.h"
#include "nas/strategies/enas_search_driver.h"
#include "search_spaces/cryptonas_space.h"
#include "tests/nas/detail/config_errors.h"

namespace pinas::nas {
namespace {

EnasControllerOptions small_controller(int layers) {
  EnasControllerOptions options;
  options.layers = layers;
  options.hidden_size = 16;
  return options;
}

TEST(EnasController, SkipAttentionHasOneLogitPerEarlierLayer) {
  EnasController controller(small_controller(5), 1);
  const auto architecture = controller.sample();
  ASSERT_EQ(architecture.layers_size(), 5);
  EXPECT_EQ(architecture.num_layers(), 5);
  const auto logits = controller.logits(architecture);
  ASSERT_EQ(logits.op_logits.size(), 5u);
  ASSERT_EQ(logits.skip_logits.size(), 4u);  // layer 0 has no earlier layer
  for (const auto& op : logits.op_logits) {
    EXPECT_EQ(op.sizes(), (std::vector<int64_t>{6}));
    EXPECT_LE(op.abs().max().item<double>(), 1.5);  // 1.5 * tanh
  }
  for (size_t i = 0; i < logits.skip_logits.size(); ++i)
    EXPECT_EQ(logits.skip_logits[i].sizes(), (std::vector<int64_t>{static_cast<int64_t>(i + 1)}));
  for (int i = 0; i < architecture.layers_size(); ++i)
    for (int skip : architecture.layers(i).skips()) EXPECT_LT(skip, i);
}

TEST(EnasController, EntropyLogProbabilityAndSkipPenaltyKnownAnswersAtZeroWeights) {
  // All parameters zero: every op logit and skip logit is 0, so each op is
  // uniform over 6 and each skip bit a fair coin.
  const int layers = 4;
  EnasController controller(small_controller(layers), 1);
  {
    torch::NoGradGuard no_grad;
    for (auto& parameter : controller.module().parameters()) parameter.zero_();
  }
  const auto architecture = controller.sample();
  const auto score = controller.score(architecture);
  const double skips = layers * (layers - 1) / 2.0;
  EXPECT_NEAR(score.entropy.item<double>(), layers * std::log(6.0) + skips * std::log(2.0), 1e-5);
  EXPECT_NEAR(score.log_probability.item<double>(), -layers * std::log(6.0) - skips * std::log(2.0),
              1e-5);
  const double kl = 0.5 * std::log(0.5 / 0.4) + 0.5 * std::log(0.5 / 0.6);
  EXPECT_NEAR(score.skip_penalty.item<double>(), kl, 1e-6);
}

TEST(EnasController, ReinforceRaisesTheProbabilityOfTheRewardedArchitecture) {
  EnasControllerOptions options = small_controller(3);
  options.skip_weight = 0;
  options.entropy_weight = 0;
  options.learning_rate = 0.01;
  EnasController controller(options, 3);
  auto good = controller.sample();
  auto bad = controller.sample();
  good.mutable_layers(0)->set_op(pb::CRYPTONAS_CONV_5X5);
  bad.mutable_layers(0)->set_op(pb::CRYPTONAS_MAX_POOL_3X3);
  const double good_before = controller.score(good).log_probability.item<double>();
  const double bad_before = controller.score(bad).log_probability.item<double>();
  // The baseline starts at the first reward (1): the good sample's advantage
  // is 0, the bad one's -1, so one step lowers p(bad) and, relatively, p(good) gains.
  controller.update({good, bad}, {1.0, 0.0});
  const double good_after = controller.score(good).log_probability.item<double>();
  const double bad_after = controller.score(bad).log_probability.item<double>();
  EXPECT_LT(bad_after, bad_before);
  EXPECT_GT(good_after - bad_after, good_before - bad_before);

  // A toy reward: the fraction of layers running conv5x5. The policy learns it.
  for (int step = 0; step < 60; ++step) {
    std::vector<pb::CryptoNasGenotype> samples;
    std::vector<double> rewards;
    for (int k = 0; k < 10; ++k) {
      samples.push_back(controller.sample());
      double reward = 0;
      for (const auto& layer : samples.back().layers())
        reward += layer.op() == pb::CRYPTONAS_CONV_5X5 ? 1.0 / 3 : 0.0;
      rewards.push_back(reward);
    }
    controller.update(samples, rewards);
  }
  const auto learned = controller.most_likely();
  for (const auto& layer : learned.layers()) EXPECT_EQ(layer.op(), pb::CRYPTONAS_CONV_5X5);
  const auto logits = controller.logits(learned);
  EXPECT_GT(torch::softmax(logits.op_logits[0], 0)[1].item<double>(), 0.5);
}

TEST(EnasController, TheSkipPenaltyPullsSkipProbabilitiesTowardTheTarget) {
  EnasControllerOptions options = small_controller(4);
  options.entropy_weight = 0;
  options.learning_rate = 0.02;
  options.skip_target = 0.1;
  EnasController controller(options, 4);
  auto mean_skip_probability = [&]() {
    double sum = 0;
    int count = 0;
    const auto logits = controller.logits(controller.most_likely());
    for (const auto& skip : logits.skip_logits) {
      sum += torch::sigmoid(skip).sum().item<double>();
      count += static_cast<int>(skip.numel());
    }
    return sum / count;
  };
  const double before = mean_skip_probability();
  for (int step = 0; step < 40; ++step) {
    std::vector<pb::CryptoNasGenotype> samples{controller.sample(), controller.sample()};
    controller.update(samples,
                      {0.5, 0.5});  // equal rewards: no policy-gradient signal after the first
  }
  const double after = mean_skip_probability();
  EXPECT_NEAR(before, 0.5, 0.1);
  EXPECT_LT(after, before - 0.15);
  EXPECT_GT(after, 0.05);
}

TEST(EnasController, StateRoundTripContinuesIdentically) {
  EnasController first(small_controller(3), 9);
  for (int step = 0; step < 3; ++step) first.update({first.sample(), first.sample()}, {0.2, 0.7});
  EnasController second(small_controller(3), 1);
  second.load_state(first.save_state());
  EXPECT_DOUBLE_EQ(second.baseline(), first.baseline());
  for (int k = 0; k < 5; ++k) {
    const auto a = first.sample(), b = second.sample();
    EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
    first.update({a}, {0.3});
    second.update({b}, {0.3});
  }
  EXPECT_EQ(first.most_likely().SerializeAsString(), second.most_likely().SerializeAsString());
  EnasController other(small_controller(4), 1);
  EXPECT_THROW(other.load_state(first.save_state()), Error);
  EXPECT_THROW(other.load_state("not a state"), Error);
}

TEST(EnasSchedule, CosineWithWarmRestartsKnownAnswers) {
  auto at = [](int epoch) { return cosine_with_restarts(0.05, 5e-4, 10, 2, epoch); };
  EXPECT_DOUBLE_EQ(at(0), 0.05);
  EXPECT_NEAR(at(5), (0.05 + 5e-4) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(at(10), 0.05);  // restart; the next cycle is 20 epochs
  EXPECT_NEAR(at(20), (0.05 + 5e-4) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(at(30), 0.05);  // restart; then 40 epochs
  EXPECT_NEAR(at(69), 5e-4 + (0.05 - 5e-4) * (1 + std::cos(std::numbers::pi * 39 / 40)) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(cosine_with_restarts(1.0, 0.0, 3, 1, 3), 1.0);  // Tmul 1: every 3 epochs
}

const char* kEnas = R"(
name: "enas"
space: "cryptonas"
dataset { name: "fashion-mnist" train_subset: 200 validation_fraction: 0.1 }
objective { budget { max_relus: 86016 } source: TRAINING }
strategy { kind: ENAS }
seed: 2
)";

TEST(EnasConfig, UnsetFieldsTakeCryptoNasValues) {
  auto config = parse_experiment_config(kEnas, "exp.textproto");
  const auto& enas = config.strategy().enas();
  EXPECT_EQ(enas.layers(), 6);
  EXPECT_EQ(enas.channels(), 12);
  EXPECT_EQ(enas.batch_size(), 128);
  EXPECT_EQ(enas.epochs(), 310);
  EXPECT_DOUBLE_EQ(enas.learning_rate(), 0.05);
  EXPECT_DOUBLE_EQ(enas.final_learning_rate(), 5e-4);
  EXPECT_EQ(enas.restart_period(), 10);
  EXPECT_EQ(enas.restart_multiplier(), 2);
  EXPECT_DOUBLE_EQ(enas.momentum(), 0.9);
  EXPECT_DOUBLE_EQ(enas.weight_decay(), 5e-4);
  EXPECT_EQ(enas.controller_hidden_size(), 64);
  EXPECT_DOUBLE_EQ(enas.controller_tanh_constant(), 1.5);
  EXPECT_DOUBLE_EQ(enas.controller_learning_rate(), 1e-3);
  EXPECT_DOUBLE_EQ(enas.controller_beta1(), 0.0);
  EXPECT_EQ(enas.controller_steps(), 50);
  EXPECT_EQ(enas.controller_samples(), 20);
  EXPECT_EQ(enas.reward_batch_size(), 128);
  EXPECT_DOUBLE_EQ(enas.entropy_weight(), 1e-4);
  EXPECT_DOUBLE_EQ(enas.baseline_decay(), 0.99);
  EXPECT_DOUBLE_EQ(enas.skip_target(), 0.4);
  EXPECT_DOUBLE_EQ(enas.skip_weight(), 0.8);
  EXPECT_EQ(enas.final_samples(), 10);
  EXPECT_EQ(enas.final_channels(), 0);
  EXPECT_FALSE(enas.match_space_ops());
  EXPECT_EQ(config.max_trials(), 1);
  EXPECT_EQ(to_text(parse_experiment_config(to_text(config), "stored")), to_text(config));
}

TEST(EnasConfig, RefusesWhatCannotRun) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string text = kEnas;
    text.replace(text.find(from), from.size(), to);
    return test_support::config_error_of(text);
  };
  EXPECT_NE(
      with("\"cryptonas\"", "\"sphynx\"").find("field space: ENAS searches the \"cryptonas\""),
      std::string::npos);
  EXPECT_NE(with("source: TRAINING", "source: SYNTHETIC").find("field objective.source"),
            std::string::npos);
  EXPECT_NE(
      with("kind: ENAS", "kind: ENAS enas { skip_target: 1.5 }").find("strategy.enas.skip_target"),
      std::string::npos);
  EXPECT_NE(with("kind: ENAS", "kind: ENAS enas { layers: 65 }").find("strategy.enas.layers"),
            std::string::npos);
  EXPECT_NE(with("kind: ENAS", "kind: ENAS enas { final_learning_rate: 0.1 }")
                .find("strategy.enas.final_learning_rate"),
            std::string::npos);
  EXPECT_NE(
      with("kind: ENAS", "kind: RANDOM enas { layers: 5 }").find("only used with `kind: ENAS`"),
      std::string::npos);
  EXPECT_EQ(with("kind: ENAS", "kind: ENAS enas { layers: 4 channels: 8 match_space_ops: true }"),
            "");
}

TEST(EnasConfig, ShippedConfigsParse) {
  for (const char* name : {"tests/nas/cli/enas_fashion_mnist.textproto",
                           "experiments/enas_fashion_mnist/search.textproto"}) {
    std::filesystem::path path = std::filesystem::path(PINAS_SOURCE_DIR) / name;
    EXPECT_NO_THROW(load_experiment_config(path)) << path;
  }
}

pb::CryptoNasGenotype six_layers() {
  return spaces::CryptoNasSpace()
      .parse("L6-C1:conv3x3|conv5x5+0|sep_conv3x3+0+1|avg_pool3x3|max_pool3x3+3|sep_conv5x5+1+4")
      .cryptonas();
}

TEST(EnasFitting, ChoosesTheWidestCWithinTheBudget) {
  pb::EnasOptions options;
  const spaces::Shape cifar{3, 32, 32};
  // CryptoNAS' 86K point: L6, C14 on 32 x 32 is exactly 86,016 ReLUs.
  auto genotype = fit_cryptonas_network(six_layers(), options, cifar, 10, 86016);
  EXPECT_EQ(genotype.cryptonas().channels(), 14);
  EXPECT_EQ(spaces::CryptoNasSpace().count(genotype, cifar, 10).relus, 86016);
  EXPECT_EQ(fit_cryptonas_network(six_layers(), options, cifar, 10, 86015).cryptonas().channels(),
            13);
  EXPECT_EQ(genotype.cryptonas().layers(5).skips_size(), 2);  // ops and skips kept
  EXPECT_THROW(fit_cryptonas_network(six_layers(), options, cifar, 10, 6000), ConfigError);
  options.set_final_channels(9);
  EXPECT_EQ(fit_cryptonas_network(six_layers(), options, cifar, 10, 86016).cryptonas().channels(),
            9);
}

bool have_fashion_mnist() {
  return std::filesystem::exists("/usr/share/datasets/fashion-mnist");
}

EnasSearchSettings tiny_search(int epochs) {
  EnasSearchSettings settings;
  settings.data_spec = "fashion-mnist";
  settings.train_subset = 2000;
  settings.validation_fraction = 0.01;  // 600 of the 60,000 images
  settings.network.layers = 3;
  settings.network.channels = 6;
  settings.controller.hidden_size = 16;
  settings.controller.learning_rate = 5e-3;
  settings.batch_size = 32;
  settings.epochs = epochs;
  settings.learning_rate = 0.05;
  settings.restart_period = 10;
  settings.controller_steps = 4;
  settings.controller_samples = 4;
  settings.reward_batch_size = 64;
  settings.final_samples = 4;
  settings.seed = 5;
  settings.threads = 1;
  return settings;
}

TEST(EnasSearch, AccuracyRisesAndTheDerivedArchitectureIsValid) {
  if (!have_fashion_mnist())
    GTEST_SKIP() << "skipped: no Fashion-MNIST in /usr/share/datasets/fashion-mnist";
  int reported = 0;
  // About 10 s single-threaded: 6 epochs of 2,000 images, each minibatch on
  // its own sampled path.
  const auto result = run_enas_search(tiny_search(6), [&](const EnasEpochReport& report) {
    EXPECT_EQ(report.epoch, ++reported);
    EXPECT_FALSE(report.resumed);
  });
  ASSERT_EQ(result.history.size(), 6u);
  std::string trace;
  for (const auto& report : result.history)
    trace += fmt::format(" [epoch {}: loss {:.3f} val {:.3f} reward {:.3f} entropy {:.3f}]",
                         report.epoch, report.train_loss, report.val_accuracy, report.mean_reward,
                         report.mean_entropy);
  SCOPED_TRACE(trace);
  EXPECT_GT(result.history.back().val_accuracy, result.history.front().val_accuracy);
  EXPECT_GT(result.history.back().mean_reward, result.history.front().mean_reward);
  EXPECT_LT(result.history.back().train_loss, result.history.front().train_loss);
  EXPECT_GT(result.best_accuracy, 0.3);  // chance is 0.1
  ASSERT_EQ(result.scored.size(), 4u);
  pb::Genotype genotype;
  *genotype.mutable_cryptonas() = result.best;
  genotype.mutable_cryptonas()->set_channels(6);
  EXPECT_NO_THROW(spaces::CryptoNasSpace().check(genotype));
}

TEST(EnasSearch, AResumedSearchEqualsAnUninterruptedOne) {
  if (!have_fashion_mnist())
    GTEST_SKIP() << "skipped: no Fashion-MNIST in /usr/share/datasets/fashion-mnist";
  const auto directory = std::filesystem::temp_directory_path() / "pinas-enas-resume";
  std::filesystem::remove_all(directory);
  auto settings = tiny_search(3);
  settings.network.op_style = train::supernet::detail::EnasOpStyle::kSpace;
  settings.checkpoint = directory / "uninterrupted.pt";
  const auto reference = run_enas_search(settings);

  settings.checkpoint = directory / "interrupted.pt";
  struct Interrupted {};
  EXPECT_THROW(run_enas_search(settings,
                               [](const EnasEpochReport& report) {
                                 if (report.epoch == 2) throw Interrupted{};
                               }),
               Interrupted);
  int resumed = 0;
  const auto result =
      run_enas_search(settings, [&](const EnasEpochReport& report) { resumed += report.resumed; });
  EXPECT_EQ(result.epochs_resumed, 2);
  EXPECT_EQ(resumed, 2);
  ASSERT_EQ(result.history.size(), reference.history.size());
  for (size_t i = 0; i < result.history.size(); ++i) {
    EXPECT_EQ(result.history[i].train_loss, reference.history[i].train_loss) << "epoch " << i + 1;
    EXPECT_EQ(result.history[i].mean_reward, reference.history[i].mean_reward) << "epoch " << i + 1;
    EXPECT_EQ(result.history[i].architecture.SerializeAsString(),
              reference.history[i].architecture.SerializeAsString());
  }
  EXPECT_EQ(result.best.SerializeAsString(), reference.best.SerializeAsString());
  EXPECT_EQ(result.best_accuracy, reference.best_accuracy);
  settings.seed = 6;
  try {
    run_enas_search(settings);
    ADD_FAILURE() << "a checkpoint of another seed was accepted";
  } catch (const train::supernet::SupernetCheckpointError& error) {
    EXPECT_NE(std::string(error.what()).find("interrupted.pt"), std::string::npos) << error.what();
  }
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace pinas::nas
