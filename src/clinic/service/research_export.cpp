#include "clinic/service/research_export.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "clinic/domain/time.h"

namespace ketapath::clinic {
namespace {

constexpr std::string_view kExternalNote = "external history";

// One CSV line; the columns of kResearchCsvHeader after subject, age and sex.
struct Row {
  std::string record;
  long long day = 0;
  std::string course, protocol, course_status, infusion, route, dose_mg_per_kg, dose_mg,
      infusion_min, scale, total, rating_source, minutes_after_dose_start, severity, serious,
      resolved;
};

long long days_between(Date from, Date to) {
  return (to - from).count();
}

std::string minutes_between(Timestamp from, Timestamp to) {
  return fmt::format("{}", std::chrono::duration_cast<std::chrono::minutes>(to - from).count());
}

std::string number(double v) {
  return fmt::format("{}", v);  // shortest text that reads back to the same double
}

std::string flag(bool v) {
  return v ? "1" : "0";
}

/// Pointers to `items`, ordered by `key` (the subject's own order of its records).
template <class T, class Key>
std::vector<const T*> sorted_by(const std::vector<T>& items, Key key) {
  std::vector<const T*> out;
  out.reserve(items.size());
  for (const T& item : items) {
    out.push_back(&item);
  }
  std::ranges::sort(out, {}, [&](const T* p) { return key(*p); });
  return out;
}

}  // namespace

Date first_visit(const ResearchSubject& s) {
  std::optional<Date> first;
  const auto seen = [&](Date d) {
    first = first ? std::min(*first, d) : d;
  };
  for (const ScreeningRecord& r : s.screenings) {
    seen(r.screened_on.value_or(day_of(r.performed_at)));
  }
  for (const Consent& c : s.consents) {
    seen(c.consented_on);
  }
  for (const Session& session : s.sessions) {
    seen(day_of(session.started_at));
  }
  return first.value_or(day_of(s.patient.created_at));
}

std::string research_age(int years) {
  return years >= 90 ? std::string("90+") : std::to_string(years);
}

ResearchCsv research_csv(const std::vector<ResearchSubject>& subjects) {
  ResearchCsv out;
  out.text = std::string(kResearchCsvHeader) + "\n";
  for (const ResearchSubject& s : subjects) {
    const Date d0 = first_visit(s);
    const auto day = [&](Timestamp at) {
      return days_between(d0, day_of(at));
    };
    std::vector<Row> rows;
    // Courses, numbered by start (then id) within the subject.
    const auto courses =
        sorted_by(s.courses, [](const Course& c) { return std::pair(c.start, c.id.value()); });
    std::map<std::int64_t, std::string> course_number;
    for (std::size_t k = 0; k < courses.size(); ++k) {
      const Course& c = *courses[k];
      course_number[c.id.value()] = std::to_string(k + 1);
      Row r;
      r.record = "course";
      r.day = days_between(d0, c.start);
      r.course = course_number[c.id.value()];
      r.protocol = to_string(c.protocol);
      r.course_status = to_string(c.status);
      rows.push_back(std::move(r));
    }
    // Doses given here (sessions), numbered by start: the infusion number.
    const auto sessions = sorted_by(
        s.sessions, [](const Session& x) { return std::pair(x.started_at, x.id.value()); });
    std::map<std::int64_t, std::size_t> infusion_of;
    for (std::size_t n = 0; n < sessions.size(); ++n) {
      const Session& session = *sessions[n];
      const std::string infusion = std::to_string(n + 1);
      infusion_of[session.id.value()] = n;
      const std::string course = session.course && course_number.contains(session.course->value())
                                     ? course_number[session.course->value()]
                                     : "";
      Row dose;
      dose.record = "dose";
      dose.day = day(session.started_at);
      dose.course = course;
      dose.infusion = infusion;
      dose.route = pd::route_name(session.route);
      dose.dose_mg_per_kg = number(session.dose_per_kg.value());
      dose.dose_mg = number(session.dose.value());
      if (session.dose_ended_at) {
        dose.infusion_min = minutes_between(session.started_at, *session.dose_ended_at);
      }
      rows.push_back(std::move(dose));
      for (const ScaleRating& rating : session.ratings) {
        Row r;
        r.record = "rating";
        r.day = day(rating.rated_at);
        r.course = course;
        r.infusion = infusion;
        r.scale = pd::scale_record_name(rating.scale);
        r.total = std::to_string(rating.total);
        r.rating_source = "session";
        r.minutes_after_dose_start = minutes_between(session.started_at, rating.rated_at);
        rows.push_back(std::move(r));
      }
      for (const AdverseEvent& e : session.adverse_events) {
        Row r;
        r.record = "adverse_event";
        r.day = day(e.onset_at);
        r.course = course;
        r.infusion = infusion;
        r.minutes_after_dose_start = minutes_between(session.started_at, e.onset_at);
        r.severity = to_string(e.severity);
        r.serious = flag(e.serious);
        r.resolved = flag(e.resolved);
        rows.push_back(std::move(r));
      }
    }
    for (const Assessment& a : s.assessments) {
      Row r;
      r.record = "rating";
      r.day = day(a.rating.rated_at);
      r.scale = pd::scale_record_name(a.rating.scale);
      r.total = std::to_string(a.rating.total);
      r.rating_source = a.notes.starts_with(kExternalNote) ? "external" : "follow_up";
      if (a.last_dose_session && infusion_of.contains(a.last_dose_session->value())) {
        const Session& last = *sessions[infusion_of[a.last_dose_session->value()]];
        r.infusion = std::to_string(infusion_of[a.last_dose_session->value()] + 1);
        r.minutes_after_dose_start = minutes_between(last.started_at, a.rating.rated_at);
      }
      rows.push_back(std::move(r));
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return a.day < b.day; });
    ++out.subjects;
    const std::string subject = fmt::format("S{}", out.subjects);
    const std::string age = research_age(age_in_years(s.patient.birth_date, d0));
    const std::string_view sex = pd::sex_name(s.patient.sex);
    for (const Row& r : rows) {
      out.text += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                              subject, age, sex, r.record, r.day, r.course, r.protocol,
                              r.course_status, r.infusion, r.route, r.dose_mg_per_kg, r.dose_mg,
                              r.infusion_min, r.scale, r.total, r.rating_source,
                              r.minutes_after_dose_start, r.severity, r.serious, r.resolved);
      ++out.rows;
    }
  }
  return out;
}

}  // namespace ketapath::clinic
