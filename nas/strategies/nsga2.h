#pragma once

#include <random>

#include "nas/strategies/pareto.h"
#include "nas/strategies/strategy.h"

namespace pinas::nas {

// Steady-state NSGA-II (Deb et al. 2002) for accuracy (maximized) against
// cost (minimized). Until `population_size` feasible candidates are known it
// proposes random ones; then it picks two parents by binary tournaments on
// (front rank, crowding distance), crosses them uniformly and mutates each
// decision with probability `mutation_rate` (at least one decision always
// changes). Each feasible tell joins the population; when it overflows, the
// member of the last front with the smallest crowding distance leaves.
class Nsga2 : public Strategy {
 public:
  Nsga2(DecisionSpace space, int population_size, double mutation_rate, std::uint64_t seed);
  Decisions ask() override;
  void tell(const Observation& observation) override;
  std::string save_state() const override;
  void load_state(const std::string& bytes) override;

 private:
  struct Member {
    Decisions decisions;
    ParetoPoint point;
  };
  std::size_t tournament(const std::vector<std::size_t>& rank, const std::vector<double>& crowding);

  DecisionSpace space_;
  std::size_t population_size_;
  double mutation_rate_;
  std::mt19937_64 generator_;
  std::vector<Member> population_;
};

}  // namespace pinas::nas
