#include "protocol/schedule.h"

#include <gtest/gtest.h>

namespace ketapath::protocol {
namespace {

std::vector<double> days(const Schedule& s) {
  std::vector<double> out;
  for (core::Hours t : s.times) {
    out.push_back(t.value() / 24.0);
  }
  return out;
}

TEST(Schedule, WeekDaysSpreadDosesOverTheWeek) {
  EXPECT_EQ(week_days(1), (std::vector<int>{0}));
  EXPECT_EQ(week_days(2), (std::vector<int>{0, 3}));     // Mon/Thu
  EXPECT_EQ(week_days(3), (std::vector<int>{0, 2, 4}));  // Mon/Wed/Fri
  EXPECT_EQ(week_days(7), (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(Schedule, LoadingSeriesOfSixTakesTwoOrThreeWeeks) {
  const Schedule three = loading_schedule(6, 3).value();
  EXPECT_EQ(days(three), (std::vector<double>{0, 2, 4, 7, 9, 11}));
  EXPECT_EQ(three.length.value(), 14 * 24.0);
  const Schedule two = loading_schedule(6, 2).value();
  EXPECT_EQ(days(two), (std::vector<double>{0, 3, 7, 10, 14, 17}));
  EXPECT_EQ(two.length.value(), 21 * 24.0);
  // A partial last week still occupies the whole week.
  EXPECT_EQ(loading_schedule(4, 3).value().length.value(), 14 * 24.0);
}

TEST(Schedule, WeeklyAndIntervalSchedules) {
  const Schedule weekly = weekly_schedule(2, 3).value();
  EXPECT_EQ(days(weekly), (std::vector<double>{0, 3, 7, 10, 14, 17}));
  EXPECT_EQ(weekly.length.value(), 3 * 168.0);
  const Schedule ascending = interval_schedule(kWeek, 3).value();
  EXPECT_EQ(days(ascending), (std::vector<double>{0, 7, 14}));
  EXPECT_EQ(ascending.length.value(), 3 * 168.0);
}

TEST(Schedule, ExplicitScheduleDefaultsLengthToLastTime) {
  const Schedule s = explicit_schedule({core::Hours(0.0), core::Hours(5.0)}).value();
  EXPECT_EQ(s.length.value(), 5.0);
  EXPECT_EQ(explicit_schedule({core::Hours(1.0)}, core::Hours(10.0)).value().length.value(), 10.0);
}

TEST(Schedule, RejectsBadInput) {
  EXPECT_FALSE(explicit_schedule({}).has_value());
  EXPECT_FALSE(explicit_schedule({core::Hours(-1.0)}).has_value());
  EXPECT_FALSE(explicit_schedule({core::Hours(2.0), core::Hours(2.0)}).has_value());
  EXPECT_FALSE(explicit_schedule({core::Hours(2.0)}, core::Hours(1.0)).has_value());
  EXPECT_FALSE(interval_schedule(core::Hours(0.0), 3).has_value());
  EXPECT_FALSE(interval_schedule(kWeek, 0).has_value());
  EXPECT_FALSE(weekly_schedule(8, 1).has_value());
  EXPECT_FALSE(weekly_schedule(1, 0).has_value());
  const auto bad = loading_schedule(6, 0);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, core::ErrorCode::InvalidArgument);
  EXPECT_NE(bad.error().message.find("got 0"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace ketapath::protocol
