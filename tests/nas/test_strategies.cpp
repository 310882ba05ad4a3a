// Strategies on a deterministic synthetic objective with a known optimum (no training).
#include <gtest/gtest.h>

#include "nas/evaluation/synthetic_objective.h"
#include "nas/strategies/nsga2.h"
#include "nas/strategies/random_search.h"
#include "nas/strategies/regularized_evolution.h"
#include "nas/strategies/reinforce_controller.h"

namespace pinas::nas {
namespace {

DecisionSpace uniform_space(int decisions, int choices) {
  return DecisionSpace{std::vector<int>(static_cast<std::size_t>(decisions), choices)};
}

pb::StrategyConfig strategy_config(pb::StrategyKind kind) {
  pb::StrategyConfig config;
  config.set_kind(kind);
  config.set_population_size(20);
  config.set_sample_size(5);
  config.set_batch_size(4);
  config.set_learning_rate(0.05);
  config.set_entropy_weight(0.0001);
  config.set_baseline_decay(0.9);
  config.set_hidden_size(32);
  return config;
}

// Runs ask/tell until the optimum is proposed; returns how many samples it took
// (budget + 1 if never).
int samples_to_optimum(Strategy& strategy, const SyntheticObjective& objective, int budget) {
  for (int sample = 1; sample <= budget; ++sample) {
    Decisions decisions = strategy.ask();
    if (decisions == objective.optimum()) return sample;
    strategy.tell({decisions, objective.accuracy(decisions), 0, true});
  }
  return budget + 1;
}

TEST(SyntheticObjective, OptimumScoresHighestAndCurvesRise) {
  auto space = uniform_space(6, 4);
  SyntheticObjective objective(space, 7);
  EXPECT_DOUBLE_EQ(objective.accuracy(objective.optimum()), 0.9);
  Decisions other = objective.optimum();
  other[0] = (other[0] + 1) % 4;
  EXPECT_LT(objective.accuracy(other), 0.9);
  EXPECT_LT(objective.validation_accuracy(other, 1), objective.validation_accuracy(other, 2));
}

TEST(RandomSearch, FindsOptimumOfSmallSpaceWithin3000Samples) {
  auto space = uniform_space(4, 4);  // 256 candidates
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SyntheticObjective objective(space, seed);
    RandomSearch strategy(space, seed);
    EXPECT_LE(samples_to_optimum(strategy, objective, 3000), 3000) << "seed " << seed;
  }
}

TEST(RegularizedEvolution, FindsOptimumOf4Pow10SpaceWithin1500Samples) {
  auto space = uniform_space(10, 4);  // 1,048,576 candidates
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SyntheticObjective objective(space, seed);
    RegularizedEvolution strategy(space, 20, 5, seed);
    EXPECT_LE(samples_to_optimum(strategy, objective, 1500), 1500) << "seed " << seed;
  }
}

TEST(RegularizedEvolution, MutationChangesExactlyOneDecision) {
  auto space = uniform_space(8, 3);
  std::mt19937_64 generator(3);
  Decisions parent(8, 1);
  for (int i = 0; i < 200; ++i) {
    Decisions child = mutate_one_decision(parent, space, generator);
    int changed = 0;
    for (std::size_t k = 0; k < parent.size(); ++k) {
      changed += child[k] != parent[k];
      EXPECT_GE(child[k], 0);
      EXPECT_LT(child[k], 3);
    }
    EXPECT_EQ(changed, 1);
  }
}

TEST(RegularizedEvolution, BeatsRandomSearchOver20Seeds) {
  // Best accuracy after 300 samples in a 4^10 space, averaged over 20 seeds.
  auto space = uniform_space(10, 4);
  double evolution_total = 0, random_total = 0;
  int evolution_wins = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SyntheticObjective objective(space, seed);
    RegularizedEvolution evolution(space, 20, 5, seed);
    RandomSearch random(space, seed);
    double best_evolution = 0, best_random = 0;
    for (int sample = 0; sample < 300; ++sample) {
      Decisions a = evolution.ask();
      double accuracy_a = objective.accuracy(a);
      evolution.tell({a, accuracy_a, 0, true});
      best_evolution = std::max(best_evolution, accuracy_a);
      Decisions b = random.ask();
      double accuracy_b = objective.accuracy(b);
      random.tell({b, accuracy_b, 0, true});
      best_random = std::max(best_random, accuracy_b);
    }
    evolution_total += best_evolution;
    random_total += best_random;
    evolution_wins += best_evolution > best_random;
  }
  EXPECT_GT(evolution_total / 20, random_total / 20 + 0.05);
  EXPECT_GE(evolution_wins, 15);
}

TEST(ReinforceController, FindsOptimumOf4Pow5SpaceWithin500Samples) {
  auto space = uniform_space(5, 4);  // 1,024 candidates
  auto config = strategy_config(pb::REINFORCE);
  config.set_learning_rate(0.02);
  config.set_batch_size(8);
  config.set_entropy_weight(0.01);  // the config defaults
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SyntheticObjective objective(space, seed);
    ReinforceController strategy(space, config, seed);
    EXPECT_LE(samples_to_optimum(strategy, objective, 500), 500) << "seed " << seed;
  }
}

TEST(Nsga2, FindsOptimumWithin2000SamplesAndKeepsCheapPoints) {
  auto space = uniform_space(8, 4);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SyntheticObjective objective(space, seed);
    Nsga2 strategy(space, 20, 0, seed);
    int found = 0;
    for (int sample = 1; sample <= 2000 && !found; ++sample) {
      Decisions decisions = strategy.ask();
      if (decisions == objective.optimum()) found = sample;
      double cost = 0;
      for (int d : decisions) cost += d + 1;
      strategy.tell({decisions, objective.accuracy(decisions), cost, true});
    }
    EXPECT_GT(found, 0) << "seed " << seed;
  }
}

// save_state / load_state: a restored strategy proposes exactly what the
// original proposes next.
template <typename Make>
void expect_state_round_trip(Make make) {
  auto space = uniform_space(6, 4);
  SyntheticObjective objective(space, 11);
  auto original = make(space);
  for (int i = 0; i < 37; ++i) {
    Decisions d = original->ask();
    original->tell({d, objective.accuracy(d), static_cast<double>(d[0]), i % 5 != 0});
  }
  std::string state = original->save_state();
  auto restored = make(space);
  restored->load_state(state);
  for (int i = 0; i < 20; ++i) {
    Decisions a = original->ask();
    Decisions b = restored->ask();
    ASSERT_EQ(a, b) << "proposal " << i;
    original->tell({a, objective.accuracy(a), 1, true});
    restored->tell({b, objective.accuracy(b), 1, true});
  }
}

TEST(StrategyState, RoundTripsForEveryStrategy) {
  expect_state_round_trip([](const DecisionSpace& s) { return std::make_unique<RandomSearch>(s, 5); });
  expect_state_round_trip([](const DecisionSpace& s) { return std::make_unique<RegularizedEvolution>(s, 10, 3, 5); });
  expect_state_round_trip([](const DecisionSpace& s) { return std::make_unique<Nsga2>(s, 10, 0, 5); });
  expect_state_round_trip(
      [](const DecisionSpace& s) { return std::make_unique<ReinforceController>(s, strategy_config(pb::REINFORCE), 5); });
}

TEST(StrategyState, ForeignOrCorruptStateIsRefused) {
  auto space = uniform_space(6, 4);
  RandomSearch random(space, 1);
  RegularizedEvolution evolution(space, 10, 3, 1);
  EXPECT_THROW(evolution.load_state(random.save_state()), StrategyStateError);
  EXPECT_THROW(evolution.load_state("not cbor at all"), StrategyStateError);
  RegularizedEvolution other_space(uniform_space(5, 4), 10, 3, 1);
  for (int i = 0; i < 12; ++i) {
    Decisions d = evolution.ask();
    evolution.tell({d, 0.5, 0, true});
  }
  EXPECT_THROW(other_space.load_state(evolution.save_state()), StrategyStateError);
}

}  // namespace
}  // namespace pinas::nas
