#include "protocol/schedule.h"

#include <cmath>

#include <fmt/format.h>

#include "core/check.h"
#include "core/limits.h"

namespace ketapath::protocol {
namespace {

namespace limits = core::limits;
using core::ErrorCode;

// Sizes are bounded before anything is allocated (core/limits.h).
core::Status check_dose_count(std::string_view field, long long count) {
  return core::check_count(field, count, "doses", 1, limits::kMaxDosesPerPhase,
                           ErrorCode::LimitExceeded);
}

core::Status check_span(std::string_view field, double hours) {
  return core::check_range(field, hours, "h", {.high = limits::kMaxScheduleHours},
                           ErrorCode::LimitExceeded);
}

}  // namespace

core::Result<Schedule> explicit_schedule(std::vector<core::Hours> times, core::Hours length) {
  if (times.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "schedule: times must not be empty");
  }
  KETAPATH_TRY(check_dose_count("schedule: times", static_cast<long long>(times.size())));
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double t = times[i].value();
    KETAPATH_TRY(core::check_range(fmt::format("schedule: time {}", i + 1), t, "h",
                                   core::non_negative(), ErrorCode::InvalidArgument));
    if (i > 0 && !(times[i] > times[i - 1])) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "schedule: times must strictly increase (got {} h after {} h)", t,
                        times[i - 1].value());
    }
  }
  if (length.value() < 0.0) {
    length = times.back();
  }
  KETAPATH_TRY(core::check_range("schedule: length (covering the last dose)", length.value(), "h",
                                 {.low = times.back().value()}, ErrorCode::InvalidArgument));
  KETAPATH_TRY(check_span("schedule: length", length.value()));
  return Schedule{std::move(times), length};
}

core::Result<Schedule> interval_schedule(core::Hours interval, int count) {
  KETAPATH_TRY(core::check_range("schedule: interval", interval.value(), "h", core::positive(),
                                 ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_count("schedule: count", count, "doses", 1, core::kUnbounded,
                                 ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range("schedule: interval", interval.value() * 60.0, "min",
                                 {.low = limits::kMinDoseIntervalMinutes},
                                 ErrorCode::LimitExceeded));
  KETAPATH_TRY(check_dose_count("schedule: count", count));
  KETAPATH_TRY(
      check_span("schedule: count x interval", static_cast<double>(count) * interval.value()));
  Schedule schedule;
  for (int k = 0; k < count; ++k) {
    schedule.times.push_back(static_cast<double>(k) * interval);
  }
  schedule.length = static_cast<double>(count) * interval;
  return schedule;
}

std::vector<int> week_days(int per_week) {
  KETAPATH_ASSERT(per_week >= 1 && per_week <= 7, "week_days needs 1 <= per_week <= 7");
  std::vector<int> days;
  for (int k = 0; k < per_week; ++k) {
    days.push_back(k * 7 / per_week);
  }
  return days;
}

namespace {

core::Status check_per_week(int per_week) {
  return core::check_count("schedule: doses per week", per_week, "", 1, 7,
                           ErrorCode::InvalidArgument);
}

}  // namespace

core::Result<Schedule> weekly_schedule(int per_week, int weeks) {
  KETAPATH_TRY(check_per_week(per_week));
  KETAPATH_TRY(
      core::check_limited_count("schedule: weeks", weeks, "weeks", 1, limits::kMaxScheduleWeeks));
  Schedule schedule;
  const std::vector<int> days = week_days(per_week);
  for (int w = 0; w < weeks; ++w) {
    for (int day : days) {
      schedule.times.push_back(static_cast<double>(w) * kWeek + static_cast<double>(day) * kDay);
    }
  }
  schedule.length = static_cast<double>(weeks) * kWeek;
  return schedule;
}

core::Result<Schedule> loading_schedule(int count, int per_week) {
  KETAPATH_TRY(check_per_week(per_week));
  KETAPATH_TRY(
      core::check_limited_count("schedule: count", count, "doses", 1, limits::kMaxDosesPerPhase));
  const int weeks = (count + per_week - 1) / per_week;
  Schedule schedule = KETAPATH_TRY(weekly_schedule(per_week, weeks));
  schedule.times.resize(static_cast<std::size_t>(count));
  return schedule;
}

}  // namespace ketapath::protocol
