#include <gtest/gtest.h>

#include "nas/controller/successive_halving.h"

namespace pinas::nas {
namespace {

TEST(SuccessiveHalving, RungsAreGeometricAndEndAtMaxEpochs) {
  EXPECT_EQ(SuccessiveHalving(1, 9, 3).rung_epochs(), (std::vector<int>{1, 3, 9}));
  EXPECT_EQ(SuccessiveHalving(1, 4, 2).rung_epochs(), (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(SuccessiveHalving(1, 5, 3).rung_epochs(), (std::vector<int>{1, 3, 5}));
  EXPECT_EQ(SuccessiveHalving(2, 2, 3).rung_epochs(), (std::vector<int>{2}));
}

TEST(SuccessiveHalving, PromotesTheTopThirdAsResultsComeIn) {
  SuccessiveHalving halving(1, 9, 3);
  halving.record(0, 0, 0.10, true);
  halving.record(1, 0, 0.50, true);
  EXPECT_FALSE(halving.next_promotion().has_value());  // 2 / 3 = 0 may go on
  halving.record(2, 0, 0.30, true);
  ASSERT_EQ(halving.next_promotion(), 1);  // top 1 of 3
  halving.unpause(1);
  EXPECT_FALSE(halving.next_promotion().has_value());
  halving.record(3, 0, 0.40, true);
  halving.record(4, 0, 0.05, true);
  halving.record(5, 0, 0.20, true);
  ASSERT_EQ(halving.next_promotion(), 3);  // top 2 of 6 are trials 1 (promoted) and 3
  halving.unpause(3);
  // Higher rungs first: trial 1 finished rung 1, but alone there it may not go on.
  halving.record(1, 1, 0.70, true);
  EXPECT_FALSE(halving.next_promotion().has_value());
  halving.record(3, 1, 0.60, true);
  halving.record(7, 1, 0.90, true);
  EXPECT_EQ(halving.next_promotion(), 7);
  EXPECT_EQ(halving.paused_trials(), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 7}));
}

TEST(SuccessiveHalving, TiesGoToTheEarlierTrial) {
  SuccessiveHalving halving(1, 3, 3);
  halving.record(5, 0, 0.5, true);
  halving.record(2, 0, 0.5, true);
  halving.record(9, 0, 0.5, true);
  EXPECT_EQ(halving.next_promotion(), 2);
}

}  // namespace
}  // namespace pinas::nas
