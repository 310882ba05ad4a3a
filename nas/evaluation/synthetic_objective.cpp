#include "nas/evaluation/synthetic_objective.h"

#include <cmath>
#include <random>

namespace pinas::nas {

SyntheticObjective::SyntheticObjective(const DecisionSpace& space, std::uint64_t seed) {
  std::mt19937_64 generator(seed ^ 0x5eed0b1ec7ULL);
  for (int options : space.cardinalities)
    target_.push_back(static_cast<int>(generator() % static_cast<std::uint64_t>(options)));
}

double SyntheticObjective::accuracy(const Decisions& decisions) const {
  std::size_t matches = 0;
  for (std::size_t i = 0; i < target_.size() && i < decisions.size(); ++i) matches += decisions[i] == target_[i];
  return 0.1 + 0.8 * static_cast<double>(matches) / static_cast<double>(std::max<std::size_t>(1, target_.size()));
}

double SyntheticObjective::validation_accuracy(const Decisions& decisions, int epoch) const {
  return accuracy(decisions) * (1.0 - std::pow(0.5, epoch));
}

double SyntheticObjective::test_accuracy(const Decisions& decisions, int epoch) const {
  return validation_accuracy(decisions, epoch) - 0.01;
}

}  // namespace pinas::nas
