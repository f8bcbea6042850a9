#pragma once
// Calendar dates and UTC timestamps of clinical records, and their one text form (ISO 8601), used
// by the CLI, JSON and the store. Times are always UTC; local display is the front end's job.

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ketapath::clinic {

/// A calendar day (date of birth, weight date, planned session day).
using Date = std::chrono::sys_days;
/// A UTC instant with one-second resolution (vitals, ratings, audit).
using Timestamp = std::chrono::sys_seconds;

/// "YYYY-MM-DD".
std::string format_date(Date date);
/// "YYYY-MM-DDTHH:MM:SSZ".
std::string format_timestamp(Timestamp at);

/// Parses "YYYY-MM-DD" (a real calendar day). Errors: InvalidArgument naming `field` and the text.
core::Result<Date> parse_date(std::string_view text, std::string_view field = "date");
/// Parses "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM)" (also with a space instead of T); the offset is
/// required and converted to UTC. A time without an offset is refused (never guessed as UTC or
/// the server's zone: a clinic at UTC-5 would be 5 hours off). The store's own text always has Z
/// (format_timestamp). Errors: InvalidArgument naming `field` and the text.
core::Result<Timestamp> parse_timestamp(std::string_view text, std::string_view field = "time");

/// The day of a timestamp (UTC).
inline Date day_of(Timestamp at) {
  return std::chrono::floor<std::chrono::days>(at);
}

/// Whole years between `birth` and `on` (age on that day).
int age_in_years(Date birth, Date on);

}  // namespace ketapath::clinic
