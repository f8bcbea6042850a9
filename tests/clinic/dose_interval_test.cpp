// first_allowed_window (dose_interval.h) against a brute-force scan of every minute, and the
// clinic's local day (calendar.h local_day_start) across clock changes.

#include "clinic/domain/dose_interval.h"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "clinic/domain/calendar.h"
#include "fixtures.h"

namespace ketapath::clinic {
namespace {

using ketapath::clinic::testing::at;
using ketapath::clinic::testing::day;
using std::chrono::hours;
using std::chrono::minutes;

// The reference: walk the window minute by minute (all times here are whole minutes).
std::optional<TimeWindow> scan(TimeWindow within, const std::vector<Timestamp>& given,
                               hours interval) {
  const auto free = [&](Timestamp t) {
    for (const Timestamp d : given) {
      if ((t > d ? t - d : d - t) < interval) {
        return false;
      }
    }
    return true;
  };
  // Every d +- interval is a whole minute, so the time between two grid minutes is free iff its
  // middle is. A free stretch starting at t runs on while the next minute's span is free.
  Timestamp t = within.from;
  while (t < within.to) {
    if (!free(t)) {
      t += minutes(1);
      continue;
    }
    Timestamp e = t;
    while (e < within.to && free(e + std::chrono::seconds(30)) && free(e + minutes(1))) {
      e += minutes(1);
    }
    if (e < within.to && free(e + std::chrono::seconds(30))) {
      e += minutes(1);  // the span after e is free, e + 1 min is not: the stretch ends there
    }
    const Timestamp end = std::min(e, within.to);
    if (end > t) {
      return TimeWindow{t, end};
    }
    t = e + minutes(1);
  }
  return std::nullopt;
}

TEST(DoseInterval, NoDosesLeavesTheWholeDay) {
  const TimeWindow day{at("2026-11-20T00:00:00Z"), at("2026-11-21T00:00:00Z")};
  const auto w = first_allowed_window(day, {}, hours(20));
  ASSERT_TRUE(w);
  EXPECT_EQ(w->from, day.from);
  EXPECT_EQ(w->to, day.to);
}

TEST(DoseInterval, ExactlyTheIntervalIsAllowed) {
  const TimeWindow day{at("2026-11-20T00:00:00Z"), at("2026-11-21T00:00:00Z")};
  const std::vector<Timestamp> given{at("2026-11-19T04:00:00Z")};
  const auto w = first_allowed_window(day, given, hours(20));
  ASSERT_TRUE(w);
  EXPECT_EQ(w->from, at("2026-11-20T00:00:00Z"));
  EXPECT_EQ(w->to, at("2026-11-21T00:00:00Z"));
  // One second later and the day opens at 00:00:01.
  const std::vector<Timestamp> later{at("2026-11-19T04:00:01Z")};
  EXPECT_EQ(first_allowed_window(day, later, hours(20))->from, at("2026-11-20T00:00:01Z"));
}

TEST(DoseInterval, ADoseAtNoonClosesTheDay) {
  const TimeWindow day{at("2026-11-20T00:00:00Z"), at("2026-11-21T00:00:00Z")};
  const std::vector<Timestamp> given{at("2026-11-20T12:00:00Z")};
  EXPECT_FALSE(first_allowed_window(day, given, hours(20)));
  EXPECT_TRUE(first_allowed_window(day, given, hours(11)));
}

TEST(DoseInterval, AgreesWithAMinuteScan) {
  std::mt19937 rng(2026);
  const TimeWindow day{at("2026-11-20T00:00:00Z"), at("2026-11-21T00:00:00Z")};
  std::uniform_int_distribution<int> offset(-72 * 60, 96 * 60);  // minutes from the day's start
  std::uniform_int_distribution<int> count(0, 4);
  std::uniform_int_distribution<int> gap(1, 30);
  int refused = 0;
  int partial = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<Timestamp> given;
    for (int k = count(rng); k > 0; --k) {
      given.push_back(day.from + minutes(offset(rng)));
    }
    const hours interval(gap(rng));
    const auto expected = scan(day, given, interval);
    const auto got = first_allowed_window(day, given, interval);
    ASSERT_EQ(got.has_value(), expected.has_value()) << "trial " << trial;
    if (got) {
      EXPECT_EQ(got->from, expected->from) << "trial " << trial;
      EXPECT_EQ(got->to, expected->to) << "trial " << trial;
      partial += got->from != day.from || got->to != day.to;
    } else {
      ++refused;
    }
  }
  // The draws reach all three outcomes (whole day, part of it, none).
  EXPECT_GT(refused, 20);
  EXPECT_GT(partial, 20);
}

TEST(DoseInterval, LocalDayStartFollowsTheClinicZone) {
  ClinicCalendar berlin;
  berlin.time_zone = "Europe/Berlin";
  EXPECT_EQ(local_day_start(day("2026-11-20"), berlin), at("2026-11-19T23:00:00Z"));
  EXPECT_EQ(local_day_start(day("2026-07-20"), berlin), at("2026-07-19T22:00:00Z"));
  ClinicCalendar utc;
  EXPECT_EQ(local_day_start(day("2026-11-20"), utc), at("2026-11-20T00:00:00Z"));
  // Santiago moves its clocks at local midnight: 2026-09-06 00:00 does not exist (UTC-4 -> -3);
  // the day begins at the change, 04:00 UTC.
  ClinicCalendar santiago;
  santiago.time_zone = "America/Santiago";
  EXPECT_EQ(local_day_start(day("2026-09-06"), santiago), at("2026-09-06T04:00:00Z"));
}

}  // namespace
}  // namespace ketapath::clinic
