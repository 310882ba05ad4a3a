// strategy { kind: DARTS }: the config gets Sphynx's values and refuses what
// cannot run, the derived cells are fitted to the ReLU budget with the exact
// count, and the derived networks go through the ordinary candidate space
// and strategy interfaces (state round trip).
#include <gtest/gtest.h>

#include <filesystem>

#include "nas/config/experiment_config.h"
#include "nas/strategies/darts_options.h"
#include "nas/strategies/darts_search_driver.h"
#include "nas/strategies/derived_candidates.h"
#include "search_spaces/sphynx_space.h"
#include "tests/nas/detail/config_errors.h"

namespace pinas::nas {
namespace {

const char* kDarts = R"(
name: "darts"
space: "sphynx"
dataset { name: "fashion-mnist" train_subset: 200 validation_fraction: 0.01 }
objective { budget { max_relus: 80000 } source: TRAINING }
strategy { kind: DARTS }
seed: 2
)";

TEST(DartsConfig, UnsetFieldsTakeSphynxsValues) {
  auto config = parse_experiment_config(kDarts, "exp.textproto");
  const auto& darts = config.strategy().darts();
  EXPECT_EQ(darts.cells(), 8);
  EXPECT_EQ(darts.channels(), 16);
  ASSERT_EQ(darts.reduction_positions_size(), 2);
  EXPECT_EQ(darts.reduction_positions(0), 2);
  EXPECT_EQ(darts.reduction_positions(1), 5);
  EXPECT_EQ(darts.stem_multiplier(), 3);
  EXPECT_EQ(darts.batch_size(), 64);
  EXPECT_EQ(darts.epochs(), 50);
  EXPECT_DOUBLE_EQ(darts.learning_rate(), 0.025);
  EXPECT_DOUBLE_EQ(darts.final_learning_rate(), 0.001);
  EXPECT_DOUBLE_EQ(darts.momentum(), 0.9);
  EXPECT_DOUBLE_EQ(darts.weight_decay(), 3e-4);
  EXPECT_DOUBLE_EQ(darts.gradient_clip(), 5);
  EXPECT_DOUBLE_EQ(darts.alpha_learning_rate(), 3e-4);
  EXPECT_DOUBLE_EQ(darts.alpha_beta1(), 0.5);
  EXPECT_DOUBLE_EQ(darts.alpha_beta2(), 0.999);
  EXPECT_DOUBLE_EQ(darts.alpha_weight_decay(), 1e-3);
  EXPECT_DOUBLE_EQ(darts.alpha_init_scale(), 1e-3);
  EXPECT_DOUBLE_EQ(darts.weight_fraction(), 0.5);
  EXPECT_EQ(darts.order(), pb::DARTS_UNROLLED);
  EXPECT_FALSE(darts.match_space_ops());
  EXPECT_EQ(darts.max_normal_skips(), 0);  // no skip cap: Sphynx has none
  ASSERT_EQ(darts.final_cells_size(), 1);
  EXPECT_EQ(darts.final_cells(0), 5);
  EXPECT_EQ(config.max_trials(), 1);  // one derived network per final_cells entry
  // What the store keeps parses to the same config.
  EXPECT_EQ(to_text(parse_experiment_config(to_text(config), "stored")), to_text(config));
}

TEST(DartsConfig, RefusesWhatCannotRun) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string text = kDarts;
    text.replace(text.find(from), from.size(), to);
    return test_support::config_error_of(text);
  };
  EXPECT_NE(with("\"sphynx\"", "\"cryptonas\"").find("field space: DARTS searches the \"sphynx\""),
            std::string::npos);
  EXPECT_NE(with("source: TRAINING", "source: SYNTHETIC").find("field objective.source"),
            std::string::npos);
  EXPECT_NE(with("kind: DARTS", "kind: DARTS darts { reduction_positions: [5, 2] }")
                .find("field strategy.darts.reduction_positions: must be strictly increasing"),
            std::string::npos);
  EXPECT_NE(with("kind: DARTS", "kind: DARTS darts { cells: 4 reduction_positions: [1, 4] }")
                .find("strategy.darts.reduction_positions"),
            std::string::npos);
  EXPECT_NE(with("kind: DARTS", "kind: DARTS darts { weight_fraction: 1.5 }")
                .find("strategy.darts.weight_fraction"),
            std::string::npos);
  EXPECT_NE(with("kind: DARTS", "kind: DARTS darts { max_normal_skips: 9 }")
                .find("field strategy.darts.max_normal_skips: must be in 0..8"),
            std::string::npos);
  EXPECT_NE(with("kind: DARTS", "kind: DARTS darts { max_normal_skips: -1 }")
                .find("strategy.darts.max_normal_skips"),
            std::string::npos);
  EXPECT_NE(with("kind: DARTS", "kind: DARTS darts { final_cells: [5, 0] }")
                .find("strategy.darts.final_cells"),
            std::string::npos);
  EXPECT_NE(
      with("kind: DARTS", "kind: DARTS darts { final_cells: 5 final_reduction_positions: [1, 5] }")
          .find("strategy.darts.final_reduction_positions"),
      std::string::npos);
  EXPECT_NE(
      with("kind: DARTS", "kind: RANDOM darts { cells: 5 }").find("only used with `kind: DARTS`"),
      std::string::npos);
  EXPECT_EQ(
      with(
          "kind: DARTS",
          "kind: DARTS darts { order: DARTS_FIRST_ORDER final_cells: [5, 8] max_normal_skips: 2 }"),
      "");
}

TEST(DartsConfig, TheLocationStageIsOffByDefaultAndTakesSphynxsValuesWhenOn) {
  auto plain = parse_experiment_config(kDarts, "exp.textproto");
  EXPECT_FALSE(plain.strategy().darts().locations().enabled());
  std::string text = kDarts;
  text.replace(text.find("kind: DARTS"), 11, "kind: DARTS darts { locations { enabled: true } }");
  auto config = parse_experiment_config(text, "exp.textproto");
  const auto& locations = config.strategy().darts().locations();
  EXPECT_TRUE(locations.enabled());
  EXPECT_EQ(locations.epochs(), 50);
  EXPECT_EQ(locations.batch_size(), 96);
  EXPECT_DOUBLE_EQ(locations.initial_temperature(), 10);
  EXPECT_DOUBLE_EQ(locations.final_temperature(), 0.1);
  EXPECT_EQ(locations.candidates_per_step(), 3);
  EXPECT_DOUBLE_EQ(locations.beta_learning_rate(), 3e-4);
  EXPECT_DOUBLE_EQ(locations.beta_beta1(), 0.9);
  EXPECT_DOUBLE_EQ(locations.beta_beta2(), 0.999);
  EXPECT_DOUBLE_EQ(locations.learning_rate(), 0.025);
  EXPECT_DOUBLE_EQ(locations.momentum(), 0.9);
  EXPECT_DOUBLE_EQ(locations.weight_decay(), 3e-4);
  EXPECT_DOUBLE_EQ(locations.gradient_clip(), 5);
  EXPECT_EQ(locations.channels(), 0);       // the derived network's width
  EXPECT_EQ(locations.last_position(), 0);  // 2L/3
  EXPECT_EQ(to_text(parse_experiment_config(to_text(config), "stored")), to_text(config));

  auto error_with = [](const std::string& darts) {
    std::string changed = kDarts;
    changed.replace(changed.find("kind: DARTS"), 11, "kind: DARTS darts { " + darts + " }");
    return test_support::config_error_of(changed);
  };
  EXPECT_NE(error_with("locations { enabled: true } final_reduction_positions: [0, 1]")
                .find("field strategy.darts.final_reduction_positions: is chosen by the location"),
            std::string::npos);
  EXPECT_NE(
      error_with("locations { enabled: true } final_cells: 1").find("strategy.darts.final_cells"),
      std::string::npos);
  EXPECT_NE(error_with("locations { enabled: true final_temperature: -1 }")
                .find("field strategy.darts.locations.final_temperature"),
            std::string::npos);
  EXPECT_NE(error_with("locations { enabled: true beta_beta1: 1.5 }")
                .find("field strategy.darts.locations.beta_beta1"),
            std::string::npos);
}

TEST(DartsConfig, ShippedConfigsParse) {
  for (const char* name :
       {"experiments/darts_fashion_mnist/search.textproto",
        "experiments/darts_cifar10/search.textproto", "tests/nas/cli/darts_fashion_mnist.textproto",
        "tests/nas/cli/darts_locations_fashion_mnist.textproto"}) {
    std::filesystem::path path = std::filesystem::path(PINAS_SOURCE_DIR) / name;
    EXPECT_NO_THROW(load_experiment_config(path)) << path;
  }
}

TEST(DartsConfig, DefaultFinalReductionsArePublishedOrThirds) {
  EXPECT_EQ(default_final_reductions(5), (std::vector<int>{0, 1}));
  EXPECT_EQ(default_final_reductions(6), (std::vector<int>{0, 1}));
  EXPECT_EQ(default_final_reductions(8), (std::vector<int>{1, 3}));
  EXPECT_EQ(default_final_reductions(10), (std::vector<int>{0, 5}));
  EXPECT_EQ(default_final_reductions(9), (std::vector<int>{3, 6}));
  EXPECT_EQ(default_final_reductions(1), (std::vector<int>{0}));
}

pb::SphynxGenotype some_cells() {
  std::mt19937_64 random(3);
  return spaces::SphynxSpace().sample(random).sphynx();
}

TEST(DartsFitting, TheWidestNetworkWithinTheBudgetIsChosen) {
  auto config = parse_experiment_config(kDarts, "exp.textproto");
  const auto& darts = config.strategy().darts();
  const spaces::Shape fashion{1, 28, 28};
  // ReLUs = L * C * H * W: 5 * 20 * 784 = 78,400 <= 80,000 < 5 * 21 * 784.
  auto genotype = fit_final_network(some_cells(), 5, darts, fashion, 10, 80000);
  EXPECT_EQ(genotype.sphynx().num_cells(), 5);
  EXPECT_EQ(genotype.sphynx().channels(), 20);
  EXPECT_EQ(spaces::SphynxSpace().count(genotype, fashion, 10).relus, 78400);
  ASSERT_EQ(genotype.sphynx().reduction_positions_size(), 2);
  EXPECT_EQ(genotype.sphynx().reduction_positions(0), 0);
  EXPECT_EQ(genotype.sphynx().reduction_positions(1), 1);
  // CIFAR and the acceptance budget: L5 C5 = 25,600 ReLUs exactly.
  auto cifar = fit_final_network(some_cells(), 5, darts, spaces::Shape{3, 32, 32}, 10, 25600);
  EXPECT_EQ(cifar.sphynx().channels(), 5);
  EXPECT_EQ(spaces::SphynxSpace().count(cifar, spaces::Shape{3, 32, 32}, 10).relus, 25600);
  // A budget below width 1 is refused before anything trains.
  EXPECT_THROW(fit_final_network(some_cells(), 5, darts, fashion, 10, 3000), ConfigError);
  // A configured width is kept as it is.
  auto fixed = darts;
  fixed.set_final_channels(7);
  EXPECT_EQ(fit_final_network(some_cells(), 5, fixed, fashion, 10, 80000).sphynx().channels(), 7);
}

TEST(DerivedCandidates, DecisionsNameTheDerivedNetworksInOrder) {
  auto config = parse_experiment_config(kDarts, "exp.textproto");
  const spaces::Shape fashion{1, 28, 28};
  std::vector<pb::Genotype> genotypes{
      fit_final_network(some_cells(), 5, config.strategy().darts(), fashion, 10, 80000),
      fit_final_network(some_cells(), 8, config.strategy().darts(), fashion, 10, 80000)};
  DerivedCandidateSpace space(std::make_unique<spaces::SphynxSpace>(), genotypes, fashion, 10);
  EXPECT_EQ(space.decision_space().cardinalities, (std::vector<int>{2}));
  const auto first = space.realize({0});
  EXPECT_EQ(first.relus, 78400);
  EXPECT_NE(first.key.find("sphynx:N5-C20-R0.1:"), std::string::npos) << first.key;
  EXPECT_NE(first.key.find("@1x28x28/10"), std::string::npos) << first.key;
  EXPECT_NE(space.realize({1}).key, first.key);
  EXPECT_THROW(space.realize({2}), InvalidCandidate);

  DerivedGenotypeStrategy strategy(2);
  EXPECT_EQ(strategy.ask(), (Decisions{0}));
  const auto state = strategy.save_state();
  EXPECT_EQ(strategy.ask(), (Decisions{1}));
  DerivedGenotypeStrategy restored(2);
  restored.load_state(state);
  EXPECT_EQ(restored.ask(), (Decisions{1}));
  EXPECT_EQ(restored.ask(), (Decisions{0}));  // around again: the controller sees a duplicate
  DerivedGenotypeStrategy other(3);
  EXPECT_THROW(other.load_state(state), StrategyStateError);
  EXPECT_THROW(other.load_state("garbage"), StrategyStateError);
}

}  // namespace
}  // namespace pinas::nas
