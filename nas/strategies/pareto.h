#pragma once

#include <cstddef>
#include <vector>

namespace pinas::nas {

// A point of the accuracy/cost plane: accuracy is maximized, cost minimized.
struct ParetoPoint {
  double accuracy = 0;
  double cost = 0;
};

// True if `a` is at least as good as `b` in both objectives and better in one.
bool dominates(const ParetoPoint& a, const ParetoPoint& b);

// Non-dominated sorting (Deb et al., NSGA-II): fronts[0] holds the indices of
// the non-dominated points, fronts[1] those dominated only by fronts[0], and
// so on. Indices within a front are ascending. O(n^2). Thread-safe.
std::vector<std::vector<std::size_t>> non_dominated_sort(const std::vector<ParetoPoint>& points);

// Crowding distance of each member of `front` (same order); boundary points
// get infinity. Thread-safe.
std::vector<double> crowding_distance(const std::vector<ParetoPoint>& points,
                                      const std::vector<std::size_t>& front);

// The indices of the non-dominated points, sorted by ascending cost; of
// identical points only the first index is kept. Thread-safe.
std::vector<std::size_t> pareto_front(const std::vector<ParetoPoint>& points);

}  // namespace pinas::nas
