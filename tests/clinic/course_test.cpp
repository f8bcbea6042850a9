// Course templates expand into the documented dates, routes and doses.

#include <gtest/gtest.h>

#include "clinic/domain/course_templates.h"
#include "fixtures.h"

namespace ketapath::clinic {
namespace {

using namespace testing;

std::vector<int> offsets(const std::vector<PlannedSession>& plan, Date start) {
  std::vector<int> out;
  for (const auto& p : plan) {
    out.push_back(static_cast<int>((p.planned_on - start).count()));
  }
  return out;
}

TEST(CourseTemplates, AscendingScIsWeekly025To1) {
  const Date start = day("2026-11-23");
  const auto plan = plan_sessions(CourseProtocol::AscendingSc, start, {});
  ASSERT_TRUE(plan);
  EXPECT_EQ(offsets(*plan, start), (std::vector<int>{0, 7, 14}));
  EXPECT_EQ((*plan)[0].dose.value(), 0.25);
  EXPECT_EQ((*plan)[1].dose.value(), 0.5);
  EXPECT_EQ((*plan)[2].dose.value(), 1.0);
  EXPECT_EQ((*plan)[0].route, Route::Sc);
  EXPECT_FALSE((*plan)[0].duration);
}

TEST(CourseTemplates, IvLoadingIsSixInfusionsInTwoToThreeWeeks) {
  const Date start = day("2026-11-23");
  const auto thrice = plan_sessions(CourseProtocol::IvLoading, start, {});
  ASSERT_TRUE(thrice);
  EXPECT_EQ(thrice->size(), 6u);
  EXPECT_EQ(offsets(*thrice, start), (std::vector<int>{0, 2, 4, 7, 9, 11}));
  EXPECT_EQ(thrice->back().duration->value(), 40.0);
  CoursePlanOptions twice;
  twice.loading_per_week = 2;
  const auto two = plan_sessions(CourseProtocol::IvLoading, start, twice);
  ASSERT_TRUE(two);
  EXPECT_EQ(offsets(*two, start).back(), 17);  // within 3 weeks
  twice.loading_per_week = 4;
  EXPECT_FALSE(plan_sessions(CourseProtocol::IvLoading, start, twice));
}

TEST(CourseTemplates, MaintenanceSchedules) {
  const Date start = day("2026-12-07");
  CoursePlanOptions o;
  o.weeks = 12;
  EXPECT_EQ(plan_sessions(CourseProtocol::MaintenanceWeekly, start, o)->size(), 12u);
  EXPECT_EQ(plan_sessions(CourseProtocol::MaintenanceTwiceWeekly, start, o)->size(), 24u);
  // Taper: 8 (weeks 1-4) + 4 (weeks 5-8) + weeks 9 and 11 = 14.
  const auto taper = plan_sessions(CourseProtocol::MaintenanceTaper, start, o);
  ASSERT_TRUE(taper);
  EXPECT_EQ(taper->size(), 14u);
  const auto days = offsets(*taper, start);
  EXPECT_EQ(days[7], 24);   // week 4, second dose
  EXPECT_EQ(days[8], 28);   // week 5 weekly
  EXPECT_EQ(days[12], 56);  // week 9
  EXPECT_EQ(days[13], 70);  // week 11
  for (std::size_t i = 0; i < taper->size(); ++i) {
    EXPECT_EQ((*taper)[i].number, static_cast<int>(i) + 1);
  }
}

TEST(CourseTemplates, OptionsOverrideAndAreChecked) {
  CoursePlanOptions o;
  o.route = Route::Iv;
  o.dose = core::MilligramsPerKilogram(0.75);
  o.duration = core::Minutes(60.0);
  const auto plan = plan_sessions(CourseProtocol::MaintenanceWeekly, kToday, o);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->front().route, Route::Iv);
  EXPECT_EQ(plan->front().dose.value(), 0.75);
  EXPECT_EQ(plan->front().duration->value(), 60.0);
  o.route = Route::Sc;
  EXPECT_FALSE(plan_sessions(CourseProtocol::MaintenanceWeekly, kToday, o));
  o = {};
  o.weeks = 0;
  EXPECT_FALSE(plan_sessions(CourseProtocol::MaintenanceWeekly, kToday, o));
  o = {};
  o.dose = core::MilligramsPerKilogram(-1.0);
  EXPECT_FALSE(plan_sessions(CourseProtocol::MaintenanceWeekly, kToday, o));
}

}  // namespace
}  // namespace ketapath::clinic
