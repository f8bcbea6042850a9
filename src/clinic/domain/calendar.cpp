#include "clinic/domain/calendar.h"

#include <algorithm>

#include <date/tz.h>

#include "core/text.h"

namespace ketapath::clinic {
namespace {

constexpr std::array<const char*, 7> kShort = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::array<const char*, 7> kLong = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};

unsigned weekday_index(Date day) {
  return std::chrono::weekday(day).c_encoding();
}

std::string days_text(const ClinicCalendar& c) {
  std::string out;
  for (const auto& name : open_day_names(c)) {
    out += (out.empty() ? "" : ",") + name;
  }
  return out;
}

}  // namespace

core::Status validate_calendar(const ClinicCalendar& c) {
  if (c.time_zone.empty() || c.time_zone.size() > 64) {
    return core::fail(core::ErrorCode::Validation,
                      "clinic calendar: time_zone must be an IANA name such as Europe/Berlin "
                      "(got \"{}\")",
                      c.time_zone);
  }
  try {
    (void)date::locate_zone(c.time_zone);
  } catch (const std::exception&) {
    return core::fail(core::ErrorCode::Validation,
                      "clinic calendar: time_zone \"{}\" is not in the time-zone database (an "
                      "IANA name such as Europe/Berlin or America/New_York)",
                      c.time_zone);
  }
  if (std::none_of(c.open_days.begin(), c.open_days.end(), [](bool b) { return b; })) {
    return core::fail(core::ErrorCode::Validation,
                      "clinic calendar: clinic_days must name at least one day (got none)");
  }
  return {};
}

Date local_day(Timestamp at, const ClinicCalendar& c) {
  const date::time_zone* zone = date::locate_zone(c.time_zone);
  const auto local = zone->to_local(at);
  return Date(std::chrono::floor<std::chrono::days>(local.time_since_epoch()));
}

Timestamp local_day_start(Date day, const ClinicCalendar& c) {
  const date::time_zone* zone = date::locate_zone(c.time_zone);
  const date::local_seconds midnight{std::chrono::seconds(day.time_since_epoch())};
  return zone->to_sys(midnight, date::choose::earliest);
}

bool is_clinic_day(Date day, const ClinicCalendar& c) {
  return c.open_days[weekday_index(day)];
}

Date next_clinic_day(Date day, const ClinicCalendar& c) {
  for (int i = 0; i < 7 && !is_clinic_day(day, c); ++i) {
    day += std::chrono::days(1);
  }
  return day;
}

std::string weekday_name(Date day) {
  return kLong[weekday_index(day)];
}

std::vector<std::string> open_day_names(const ClinicCalendar& c) {
  std::vector<std::string> out;
  for (unsigned i = 1; i <= 7; ++i) {  // Monday first
    if (c.open_days[i % 7]) {
      out.push_back(kShort[i % 7]);
    }
  }
  return out;
}

core::Result<std::array<bool, 7>> parse_open_days(const std::vector<std::string>& names,
                                                  std::string_view where) {
  std::array<bool, 7> days{};
  for (const std::string& name : names) {
    const std::string lowered = core::ascii_lower(name);
    const auto it = std::find(kShort.begin(), kShort.end(), lowered);
    if (it == kShort.end()) {
      return core::fail(
          core::ErrorCode::Validation,
          "{}: clinic_days: expected mon, tue, wed, thu, fri, sat or sun (got \"{}\")", where,
          name);
    }
    days[static_cast<std::size_t>(it - kShort.begin())] = true;
  }
  return days;
}

std::vector<std::string> fit_to_clinic_days(std::vector<PlannedSession>& sessions,
                                            const ClinicCalendar& c) {
  std::vector<std::string> moves;
  std::optional<Date> previous;
  for (PlannedSession& p : sessions) {
    if (p.status != PlannedStatus::Planned) {
      previous = p.actual_on.value_or(p.planned_on);
      continue;
    }
    Date day = p.planned_on;
    std::string why;
    if (previous && day <= *previous) {
      day = *previous + std::chrono::days(1);
      why = fmt::format("would fall on or before session {}'s day", p.number - 1);
    }
    const Date open = next_clinic_day(day, c);
    if (open != day && why.empty()) {
      why = fmt::format("is not a clinic day (clinic days {})", days_text(c));
    }
    if (open != p.planned_on) {
      moves.push_back(fmt::format("session {}: {} {} {}: moved to {} {}", p.number,
                                  weekday_name(p.planned_on), format_date(p.planned_on), why,
                                  weekday_name(open), format_date(open)));
      p.planned_on = open;
    }
    previous = p.planned_on;
  }
  return moves;
}

}  // namespace ketapath::clinic
