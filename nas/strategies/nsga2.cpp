#include "nas/strategies/nsga2.h"

#include "nas/strategies/detail/state_codec.h"
#include "nas/strategies/regularized_evolution.h"

namespace pinas::nas {
namespace {

struct Ranking {
  std::vector<std::size_t> rank;
  std::vector<double> crowding;
};

Ranking rank_population(const std::vector<ParetoPoint>& points) {
  Ranking ranking{std::vector<std::size_t>(points.size()), std::vector<double>(points.size())};
  auto fronts = non_dominated_sort(points);
  for (std::size_t f = 0; f < fronts.size(); ++f) {
    auto distance = crowding_distance(points, fronts[f]);
    for (std::size_t k = 0; k < fronts[f].size(); ++k) {
      ranking.rank[fronts[f][k]] = f;
      ranking.crowding[fronts[f][k]] = distance[k];
    }
  }
  return ranking;
}

}  // namespace

Nsga2::Nsga2(DecisionSpace space, int population_size, double mutation_rate, std::uint64_t seed)
    : space_(std::move(space)),
      population_size_(static_cast<std::size_t>(population_size)),
      mutation_rate_(mutation_rate > 0 ? mutation_rate : 1.0 / static_cast<double>(std::max<std::size_t>(1, space_.cardinalities.size()))),
      generator_(seed) {}

std::size_t Nsga2::tournament(const std::vector<std::size_t>& rank, const std::vector<double>& crowding) {
  std::size_t a = generator_() % population_.size();
  std::size_t b = generator_() % population_.size();
  if (rank[a] != rank[b]) return rank[a] < rank[b] ? a : b;
  return crowding[a] >= crowding[b] ? a : b;
}

Decisions Nsga2::ask() {
  if (population_.size() < population_size_) return detail::uniform_decisions(space_, generator_);
  std::vector<ParetoPoint> points;
  for (const Member& member : population_) points.push_back(member.point);
  Ranking ranking = rank_population(points);
  const Decisions& mother = population_[tournament(ranking.rank, ranking.crowding)].decisions;
  const Decisions& father = population_[tournament(ranking.rank, ranking.crowding)].decisions;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Decisions child(mother.size());
  bool changed = false;
  for (std::size_t i = 0; i < child.size(); ++i) {
    child[i] = (generator_() & 1) ? mother[i] : father[i];
    if (space_.cardinalities[i] > 1 && unit(generator_) < mutation_rate_) {
      auto options = static_cast<std::uint64_t>(space_.cardinalities[i]);
      child[i] = static_cast<int>((static_cast<std::uint64_t>(child[i]) + 1 + generator_() % (options - 1)) % options);
    }
    changed = changed || child[i] != mother[i];
  }
  if (!changed) child = mutate_one_decision(child, space_, generator_);
  return child;
}

void Nsga2::tell(const Observation& observation) {
  if (!observation.feasible) return;
  population_.push_back({observation.decisions, {observation.accuracy, observation.cost}});
  if (population_.size() <= population_size_) return;
  std::vector<ParetoPoint> points;
  for (const Member& member : population_) points.push_back(member.point);
  Ranking ranking = rank_population(points);
  std::size_t worst = 0;
  for (std::size_t i = 1; i < population_.size(); ++i) {
    bool worse_rank = ranking.rank[i] > ranking.rank[worst];
    bool same_rank_more_crowded = ranking.rank[i] == ranking.rank[worst] && ranking.crowding[i] < ranking.crowding[worst];
    if (worse_rank || same_rank_more_crowded) worst = i;
  }
  population_.erase(population_.begin() + static_cast<std::ptrdiff_t>(worst));
}

std::string Nsga2::save_state() const {
  nlohmann::json members = nlohmann::json::array();
  for (const Member& member : population_)
    members.push_back({{"d", member.decisions}, {"a", member.point.accuracy}, {"c", member.point.cost}});
  return detail::encode_state(
      {{"kind", "nsga2"}, {"generator", detail::save_generator(generator_)}, {"population", members}});
}

void Nsga2::load_state(const std::string& bytes) {
  auto state = detail::decode_state(bytes, "nsga2");
  std::vector<Member> population;
  try {
    for (const auto& member : state.at("population"))
      population.push_back({detail::checked_decisions(member.at("d"), space_),
                            {member.at("a").get<double>(), member.at("c").get<double>()}});
    detail::load_generator(generator_, state.at("generator").get<std::string>());
  } catch (const nlohmann::json::exception& error) {
    throw StrategyStateError(std::string("nsga2 state is malformed: ") + error.what());
  }
  population_ = std::move(population);
}

}  // namespace pinas::nas
