#include "clinic/domain/time.h"

#include <cctype>
#include <charconv>

#include "core/check.h"

namespace ketapath::clinic {
namespace {

using namespace std::chrono;

// Reads exactly `width` digits at `pos`.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) {
    return false;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) {
      return false;
    }
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

bool parse_ymd(std::string_view text, year_month_day& out) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !read_digits(text, 0, 4, y) ||
      !read_digits(text, 5, 2, m) || !read_digits(text, 8, 2, d)) {
    return false;
  }
  out = year_month_day{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  return out.ok();
}

}  // namespace

std::string format_date(Date date) {
  const year_month_day ymd{date};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string format_timestamp(Timestamp at) {
  const Date day = floor<days>(at);
  const hh_mm_ss<seconds> tod{at - day};
  return fmt::format("{}T{:02}:{:02}:{:02}Z", format_date(day), tod.hours().count(),
                     tod.minutes().count(), tod.seconds().count());
}

core::Result<Date> parse_date(std::string_view text, std::string_view field) {
  year_month_day ymd{};
  if (!parse_ymd(text, ymd)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: \"{}\" is not a date (expected YYYY-MM-DD)", field, core::excerpt(text));
  }
  return Date{ymd};
}

core::Result<Timestamp> parse_timestamp(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: \"{}\" is not a time (expected YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])", field,
                      core::excerpt(text));
  };
  year_month_day ymd{};
  if (text.size() < 16 || !parse_ymd(text.substr(0, 10), ymd) ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':') {
    return bad();
  }
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!read_digits(text, 11, 2, hh) || !read_digits(text, 14, 2, mm)) {
    return bad();
  }
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!read_digits(text, pos + 1, 2, ss)) {
      return bad();
    }
    pos += 3;
  }
  if (hh > 23 || mm > 59 || ss > 59) {
    return bad();
  }
  if (pos == text.size()) {
    // A clinical time without an offset is ambiguous: read as UTC, 09:00 entered at a clinic at
    // UTC-5 would land 5 hours early (and move the minimum-interval gate). Refuse, never guess.
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: \"{}\" has no UTC offset (expected YYYY-MM-DDTHH:MM[:SS] followed by Z "
                      "or +HH:MM/-HH:MM, e.g. 2026-12-03T09:00-05:00)",
                      field, core::excerpt(text));
  }
  int offset_minutes = 0;
  {
    const char sign = text[pos];
    if (sign == 'Z' && pos + 1 == text.size()) {
      pos += 1;
    } else if ((sign == '+' || sign == '-') && text.size() == pos + 6 && text[pos + 3] == ':') {
      int oh = 0;
      int om = 0;
      if (!read_digits(text, pos + 1, 2, oh) || !read_digits(text, pos + 4, 2, om) || oh > 14 ||
          om > 59) {
        return bad();
      }
      offset_minutes = (sign == '+' ? 1 : -1) * (oh * 60 + om);
      pos = text.size();
    } else {
      return bad();
    }
  }
  const Timestamp local = sys_days{ymd} + hours{hh} + minutes{mm} + seconds{ss};
  return local - minutes{offset_minutes};
}

int age_in_years(Date birth, Date on) {
  const year_month_day b{birth};
  const year_month_day o{on};
  int age = static_cast<int>(o.year()) - static_cast<int>(b.year());
  if (o.month() < b.month() || (o.month() == b.month() && o.day() < b.day())) {
    --age;
  }
  return age;
}

}  // namespace ketapath::clinic
