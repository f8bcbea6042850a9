// Course templates expand into the documented dates, routes and doses.

#include <gtest/gtest.h>

#include "clinic/domain/course_regimen.h"
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

// The templates are protocol regimens on the protocol's schedules (one schedule definition for
// designs and courses): the IV loading course is loading_schedule(6, per week), the taper three
// weekly/interval phases, and the plan's days are the regimen's administration times.
TEST(CourseTemplates, AreProtocolRegimensOnTheProtocolSchedules) {
  const auto loading = course_regimen(CourseProtocol::IvLoading, {});
  ASSERT_TRUE(loading) << loading.error().message;
  ASSERT_EQ(loading->phases.size(), 1u);
  EXPECT_EQ(loading->phases[0].schedule, *protocol::loading_schedule(6, 3));
  EXPECT_EQ(loading->phases[0].route, Route::Iv);
  EXPECT_EQ(loading->phases[0].infusion_duration, core::to_hours(core::Minutes(40.0)));
  CoursePlanOptions o;
  o.weeks = 12;
  const auto taper = course_regimen(CourseProtocol::MaintenanceTaper, o);
  ASSERT_TRUE(taper) << taper.error().message;
  ASSERT_EQ(taper->phases.size(), 3u);
  EXPECT_EQ(taper->phases[0].schedule, *protocol::weekly_schedule(2, 4));
  EXPECT_EQ(taper->phases[1].schedule, *protocol::weekly_schedule(1, 4));
  EXPECT_EQ(taper->phases[2].schedule, *protocol::interval_schedule(2.0 * protocol::kWeek, 2));
  const Date start = day("2026-11-23");
  const auto plan = plan_sessions(CourseProtocol::MaintenanceTaper, start, o);
  const auto given = protocol::administrations(*taper);
  ASSERT_TRUE(plan && given);
  ASSERT_EQ(plan->size(), given->size());
  for (std::size_t i = 0; i < plan->size(); ++i) {
    EXPECT_EQ(offsets(*plan, start)[i] * 24.0, (*given)[i].time.value());
    EXPECT_EQ((*plan)[i].dose.value(), (*given)[i].dose.number());
  }
}

// The taper's days for every allowed length, against the calendar rule it had before it was built
// on protocol schedules (twice weekly weeks 1-4, weekly weeks 5-8, fortnightly from week 9).
TEST(CourseTemplates, TaperDaysAreUnchangedForEveryLength) {
  const Date start = day("2026-11-23");
  for (int weeks = 1; weeks <= 104; ++weeks) {
    std::vector<int> expected;
    for (int w = 0; w < weeks; ++w) {
      if (w < 4) {
        expected.push_back(7 * w);
        expected.push_back(7 * w + 3);
      } else if (w < 8 || (w - 8) % 2 == 0) {
        expected.push_back(7 * w);
      }
    }
    CoursePlanOptions o;
    o.weeks = weeks;
    const auto plan = plan_sessions(CourseProtocol::MaintenanceTaper, start, o);
    ASSERT_TRUE(plan) << weeks << ": " << plan.error().message;
    EXPECT_EQ(offsets(*plan, start), expected) << weeks << " weeks";
  }
}

}  // namespace
}  // namespace ketapath::clinic
