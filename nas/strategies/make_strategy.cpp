#include "nas/strategies/nsga2.h"
#include "nas/strategies/random_search.h"
#include "nas/strategies/regularized_evolution.h"
#include "nas/strategies/reinforce_controller.h"
#include "nas/strategies/strategy.h"

namespace pinas::nas {

std::unique_ptr<Strategy> make_strategy(const pb::StrategyConfig& config, const DecisionSpace& space,
                                        std::uint64_t seed) {
  if (space.cardinalities.empty()) throw Error("the search space has no decisions to search over");
  switch (config.kind()) {
    case pb::RANDOM:
      return std::make_unique<RandomSearch>(space, seed);
    case pb::EVOLUTION:
      return std::make_unique<RegularizedEvolution>(space, config.population_size(), config.sample_size(), seed);
    case pb::REINFORCE:
      return std::make_unique<ReinforceController>(space, config, seed);
    case pb::NSGA2:
      return std::make_unique<Nsga2>(space, config.population_size(), config.mutation_rate(), seed);
    default:
      throw Error("strategy.kind is unset or unknown");
  }
}

}  // namespace pinas::nas
