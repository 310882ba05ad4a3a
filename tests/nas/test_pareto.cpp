#include <gtest/gtest.h>

#include <cmath>

#include "nas/strategies/pareto.h"

namespace pinas::nas {
namespace {

TEST(Pareto, NonDominatedSortKnownAnswer) {
  // (accuracy, cost)
  std::vector<ParetoPoint> points{{0.9, 10}, {0.8, 5}, {0.7, 7}, {0.95, 20}, {0.6, 30}, {0.8, 5}};
  auto fronts = non_dominated_sort(points);
  ASSERT_EQ(fronts.size(), 3u);
  EXPECT_EQ(fronts[0], (std::vector<std::size_t>{0, 1, 3, 5}));
  EXPECT_EQ(fronts[1], (std::vector<std::size_t>{2}));
  EXPECT_EQ(fronts[2], (std::vector<std::size_t>{4}));
}

TEST(Pareto, FrontSortedByCostWithoutDuplicates) {
  std::vector<ParetoPoint> points{{0.9, 10}, {0.8, 5}, {0.7, 7}, {0.95, 20}, {0.6, 30}, {0.8, 5}};
  EXPECT_EQ(pareto_front(points), (std::vector<std::size_t>{1, 0, 3}));
  EXPECT_TRUE(pareto_front({}).empty());
}

TEST(Pareto, CrowdingDistanceKnownAnswer) {
  std::vector<ParetoPoint> points{{0.5, 1}, {0.6, 2}, {0.8, 4}, {0.9, 5}};
  std::vector<std::size_t> front{0, 1, 2, 3};
  auto distance = crowding_distance(points, front);
  EXPECT_TRUE(std::isinf(distance[0]));
  EXPECT_TRUE(std::isinf(distance[3]));
  // Point 1: accuracy gap (0.8-0.5)/0.4 + cost gap (4-1)/4.
  EXPECT_NEAR(distance[1], 0.75 + 0.75, 1e-12);
  EXPECT_NEAR(distance[2], 0.75 + 0.75, 1e-12);
}

TEST(Pareto, Dominance) {
  EXPECT_TRUE(dominates({0.9, 1}, {0.8, 2}));
  EXPECT_TRUE(dominates({0.9, 1}, {0.9, 2}));
  EXPECT_FALSE(dominates({0.9, 1}, {0.9, 1}));
  EXPECT_FALSE(dominates({0.9, 3}, {0.8, 2}));
}

}  // namespace
}  // namespace pinas::nas
