#include "nas/strategies/pareto.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace pinas::nas {

bool dominates(const ParetoPoint& a, const ParetoPoint& b) {
  bool no_worse = a.accuracy >= b.accuracy && a.cost <= b.cost;
  bool better = a.accuracy > b.accuracy || a.cost < b.cost;
  return no_worse && better;
}

std::vector<std::vector<std::size_t>> non_dominated_sort(const std::vector<ParetoPoint>& points) {
  std::size_t count = points.size();
  std::vector<std::vector<std::size_t>> dominated_by_me(count);
  std::vector<std::size_t> domination_count(count, 0);
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = 0; j < count; ++j) {
      if (i == j) continue;
      if (dominates(points[i], points[j])) dominated_by_me[i].push_back(j);
      else if (dominates(points[j], points[i])) ++domination_count[i];
    }
    if (domination_count[i] == 0) current.push_back(i);
  }
  while (!current.empty()) {
    fronts.push_back(current);
    std::vector<std::size_t> next;
    for (std::size_t i : current)
      for (std::size_t j : dominated_by_me[i])
        if (--domination_count[j] == 0) next.push_back(j);
    std::sort(next.begin(), next.end());
    current = std::move(next);
  }
  return fronts;
}

std::vector<double> crowding_distance(const std::vector<ParetoPoint>& points,
                                      const std::vector<std::size_t>& front) {
  std::size_t size = front.size();
  std::vector<double> distance(size, 0.0);
  if (size <= 2) {
    std::fill(distance.begin(), distance.end(), std::numeric_limits<double>::infinity());
    return distance;
  }
  auto accumulate = [&](auto objective) {
    std::vector<std::size_t> order(size);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return objective(points[front[a]]) < objective(points[front[b]]);
    });
    double low = objective(points[front[order.front()]]);
    double high = objective(points[front[order.back()]]);
    distance[order.front()] = std::numeric_limits<double>::infinity();
    distance[order.back()] = std::numeric_limits<double>::infinity();
    if (high <= low) return;
    for (std::size_t k = 1; k + 1 < size; ++k) {
      double gap = objective(points[front[order[k + 1]]]) - objective(points[front[order[k - 1]]]);
      distance[order[k]] += gap / (high - low);
    }
  };
  accumulate([](const ParetoPoint& p) { return p.accuracy; });
  accumulate([](const ParetoPoint& p) { return p.cost; });
  return distance;
}

std::vector<std::size_t> pareto_front(const std::vector<ParetoPoint>& points) {
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  // By ascending cost, then descending accuracy: a point is on the front iff
  // its accuracy beats every cheaper-or-equal point before it.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (points[a].cost != points[b].cost) return points[a].cost < points[b].cost;
    return points[a].accuracy > points[b].accuracy;
  });
  std::vector<std::size_t> front;
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t index : order) {
    if (points[index].accuracy > best) {
      front.push_back(index);
      best = points[index].accuracy;
    }
  }
  return front;
}

}  // namespace pinas::nas
