#include "nas/strategies/regularized_evolution.h"

#include "nas/strategies/detail/state_codec.h"

namespace pinas::nas {

Decisions mutate_one_decision(const Decisions& parent, const DecisionSpace& space, std::mt19937_64& generator) {
  std::vector<std::size_t> mutable_positions;
  for (std::size_t i = 0; i < space.cardinalities.size(); ++i)
    if (space.cardinalities[i] > 1) mutable_positions.push_back(i);
  Decisions child = parent;
  if (mutable_positions.empty()) return child;
  std::size_t position = mutable_positions[generator() % mutable_positions.size()];
  auto options = static_cast<std::uint64_t>(space.cardinalities[position]);
  // A uniformly chosen different value: shift by 1 .. options-1.
  child[position] = static_cast<int>((static_cast<std::uint64_t>(parent[position]) + 1 + generator() % (options - 1)) % options);
  return child;
}

RegularizedEvolution::RegularizedEvolution(DecisionSpace space, int population_size, int sample_size,
                                           std::uint64_t seed)
    : space_(std::move(space)),
      population_size_(static_cast<std::size_t>(population_size)),
      sample_size_(static_cast<std::size_t>(sample_size)),
      generator_(seed) {}

Decisions RegularizedEvolution::ask() {
  if (population_.size() < population_size_) return detail::uniform_decisions(space_, generator_);
  const Member* best = nullptr;
  for (std::size_t draw = 0; draw < sample_size_; ++draw) {
    const Member& candidate = population_[generator_() % population_.size()];
    if (best == nullptr || candidate.accuracy > best->accuracy) best = &candidate;
  }
  return mutate_one_decision(best->decisions, space_, generator_);
}

void RegularizedEvolution::tell(const Observation& observation) {
  if (!observation.feasible) return;
  population_.push_back({observation.decisions, observation.accuracy});
  if (population_.size() > population_size_) population_.pop_front();
}

std::string RegularizedEvolution::save_state() const {
  nlohmann::json members = nlohmann::json::array();
  for (const Member& member : population_) members.push_back({{"d", member.decisions}, {"a", member.accuracy}});
  return detail::encode_state(
      {{"kind", "evolution"}, {"generator", detail::save_generator(generator_)}, {"population", members}});
}

void RegularizedEvolution::load_state(const std::string& bytes) {
  auto state = detail::decode_state(bytes, "evolution");
  std::deque<Member> population;
  try {
    for (const auto& member : state.at("population"))
      population.push_back({detail::checked_decisions(member.at("d"), space_), member.at("a").get<double>()});
    detail::load_generator(generator_, state.at("generator").get<std::string>());
  } catch (const nlohmann::json::exception& error) {
    throw StrategyStateError(std::string("evolution state is malformed: ") + error.what());
  }
  population_ = std::move(population);
}

}  // namespace pinas::nas
