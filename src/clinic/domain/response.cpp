#include "clinic/domain/response.h"

#include <algorithm>
#include <cmath>

#include "clinic/domain/dose_calculator.h"
#include "core/check.h"
#include "core/number_text.h"

namespace ketapath::clinic {
namespace {

/// A total's change from the baseline, as a fraction (-0.5 = 50% reduction; 0 from a baseline 0).
double change_from(int baseline, int total) {
  return baseline > 0 ? static_cast<double>(total - baseline) / baseline : 0.0;
}

ResponseStatus classify(Scale scale, int total, double change, const ResponsePolicy& p) {
  const auto cutoff = remission_cutoff(scale);
  if (-change >= p.responder_reduction) {
    return cutoff && total <= *cutoff ? ResponseStatus::Remission : ResponseStatus::Response;
  }
  if (-change >= p.partial_reduction) {
    return ResponseStatus::PartialResponse;
  }
  return ResponseStatus::NonResponse;
}

int rank(ResponseStatus s) {
  switch (s) {
    case ResponseStatus::Remission:
      return 4;
    case ResponseStatus::Response:
      return 3;
    case ResponseStatus::PartialResponse:
      return 2;
    case ResponseStatus::NonResponse:
      return 1;
    case ResponseStatus::Insufficient:
      return 0;
  }
  return 0;
}

}  // namespace

std::optional<double> hours_since_last_dose(Timestamp at,
                                            const std::vector<Timestamp>& dose_starts) {
  std::optional<Timestamp> last;
  for (const Timestamp t : dose_starts) {
    if (t < at && (!last || t > *last)) {  // a rating as dosing starts is a pre-dose rating
      last = t;
    }
  }
  if (!last) {
    return std::nullopt;
  }
  return std::chrono::duration<double, std::ratio<3600>>(at - *last).count();
}

RatingTiming rating_timing(Timestamp at, const std::vector<Timestamp>& dose_starts) {
  const auto hours = hours_since_last_dose(at, dose_starts);
  const double window = std::chrono::duration<double, std::ratio<3600>>(kAcuteWindow).count();
  return hours && *hours < window ? RatingTiming::Acute : RatingTiming::Trough;
}

std::optional<std::string> recall_period_flag(const ScaleRating& r,
                                              const std::vector<Timestamp>& dose_starts) {
  const ScaleDefinition& def = scale_definition(r.scale);
  if (def.recall_days == 0 || rating_timing(r.rated_at, dose_starts) != RatingTiming::Acute) {
    return std::nullopt;
  }
  return fmt::format(
      "{} at {} was rated {} h after a dose: it asks about the last {} days, so it is valid as a "
      "trough rating only (>= 24 h after a dose); kept, flagged and counted as acute",
      def.label, format_timestamp(r.rated_at),
      core::display_number(hours_since_last_dose(r.rated_at, dose_starts).value_or(0.0), 1),
      def.recall_days);
}

std::vector<std::string> recall_period_warnings(const std::vector<ScaleRating>& ratings,
                                                const std::vector<Timestamp>& dose_starts) {
  std::vector<std::string> out;
  for (const ScaleRating& r : ratings) {
    if (auto flag = recall_period_flag(r, dose_starts)) {
      out.push_back(std::move(*flag));
    }
  }
  return out;
}

std::string_view to_string(ResponseStatus s) {
  switch (s) {
    case ResponseStatus::Remission:
      return "remission";
    case ResponseStatus::Response:
      return "response";
    case ResponseStatus::PartialResponse:
      return "partial_response";
    case ResponseStatus::NonResponse:
      return "non_response";
    case ResponseStatus::Insufficient:
      return "insufficient_data";
  }
  return "?";
}

std::optional<int> remission_cutoff(Scale scale) {
  switch (scale) {
    case Scale::HamA:
      return 7;
    case Scale::Gad7:
    case Scale::Phq9:
      return 4;
    case Scale::Lsas:
      return 30;
    case Scale::Fq:
    case Scale::Cadss:
      return std::nullopt;
  }
  return std::nullopt;
}

core::Status validate_response_policy(const ResponsePolicy& p) {
  KETAPATH_TRY(core::check_range("response policy: responder_reduction", p.responder_reduction, "",
                                 {.low = 0.2, .high = 0.9}));
  if (!(p.partial_reduction >= 0.05 && p.partial_reduction < p.responder_reduction)) {
    return core::fail(core::ErrorCode::Validation,
                      "response policy: partial_reduction must be 0.05 up to responder_reduction "
                      "{} (got {})",
                      p.responder_reduction, p.partial_reduction);
  }
  KETAPATH_TRY(
      core::check_count("response policy: loading_sessions", p.loading_sessions, "", 1, 20));
  KETAPATH_TRY(
      core::check_count("response policy: sustained_ratings", p.stable_ratings, "", 1, 10));
  return {};
}

std::vector<Scale> outcome_scales() {
  return {Scale::Gad7, Scale::HamA, Scale::Phq9, Scale::Lsas, Scale::Fq};
}

std::string_view to_string(Recommendation r) {
  switch (r) {
    case Recommendation::NoMaintenance:
      return "no_maintenance";
    case Recommendation::LostResponse:
      return "lost_response";
    case Recommendation::CompleteLoading:
      return "complete_loading";
    case Recommendation::ShortenInterval:
      return "shorten_interval";
    case Recommendation::Continue:
      return "continue";
    case Recommendation::Taper:
      return "taper";
    case Recommendation::Insufficient:
      return "insufficient_data";
  }
  return "?";
}

namespace {

std::string ordinal(int n) {
  const int last2 = n % 100;
  const char* suffix = (last2 >= 11 && last2 <= 13) ? "th"
                       : n % 10 == 1                ? "st"
                       : n % 10 == 2                ? "nd"
                       : n % 10 == 3                ? "rd"
                                                    : "th";
  return fmt::format("{}{}", n, suffix);
}

bool qualifies(ResponseStatus s) {
  return s == ResponseStatus::Response || s == ResponseStatus::Remission;
}

}  // namespace

ResponseSummary analyse_response(const std::vector<Session>& input, Scale scale,
                                 const ResponsePolicy& p) {
  return analyse_response(input, {}, scale, p);
}

ResponseSummary analyse_response(const std::vector<Session>& input,
                                 const std::vector<ScaleRating>& followups, Scale scale,
                                 const ResponsePolicy& p) {
  ResponseSummary r;
  r.scale = scale;
  std::vector<const Session*> sessions;
  std::vector<Timestamp> dose_starts;
  for (const Session& s : input) {
    sessions.push_back(&s);
    dose_starts.push_back(s.started_at);
  }
  std::stable_sort(sessions.begin(), sessions.end(), [](const Session* a, const Session* b) {
    return a->started_at < b->started_at;
  });
  r.sessions = static_cast<int>(sessions.size());
  std::sort(dose_starts.begin(), dose_starts.end());

  std::vector<TrajectoryPoint> ratings;
  const auto point = [&](const ScaleRating& rating, int index) {
    TrajectoryPoint t;
    t.rated_at = rating.rated_at;
    t.session_index = index;
    t.total = rating.total;
    t.infusion =
        static_cast<int>(std::lower_bound(dose_starts.begin(), dose_starts.end(), rating.rated_at) -
                         dose_starts.begin());
    t.hours_since_dose = hours_since_last_dose(rating.rated_at, dose_starts);
    t.timing = rating_timing(rating.rated_at, dose_starts);
    return t;
  };
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    for (const ScaleRating& rating : sessions[i]->ratings) {
      if (rating.scale == scale) {
        ratings.push_back(point(rating, static_cast<int>(i) + 1));
      }
    }
  }
  for (const ScaleRating& rating : followups) {
    if (rating.scale == scale) {
      ratings.push_back(point(rating, 0));
    }
  }
  std::stable_sort(ratings.begin(), ratings.end(),
                   [](const auto& a, const auto& b) { return a.rated_at < b.rated_at; });
  const std::string name(scale_definition(scale).label);
  const auto baseline = std::find_if(ratings.begin(), ratings.end(), [](const auto& t) {
    return t.timing == RatingTiming::Trough;
  });
  if (baseline == ratings.end()) {
    r.suggestion = ratings.empty()
                       ? fmt::format("no {} ratings recorded: rate before every dose", name)
                       : fmt::format(
                             "no trough {} rating (before a dose or >= 24 h after one): "
                             "response cannot be judged on acute ratings alone",
                             name);
    return r;
  }
  r.baseline = baseline->total;
  r.baseline_at = baseline->rated_at;
  // The chart's reference lines, from the same rule the ratings are classified by (not redrawn
  // from a percentage elsewhere): qualifying is monotone in the total, so the first from the top.
  const std::vector<Scale> outcomes = outcome_scales();
  if (std::find(outcomes.begin(), outcomes.end(), scale) != outcomes.end()) {
    r.remission_total = remission_cutoff(scale);
    for (int total = *r.baseline; total >= 0; --total) {
      if (qualifies(classify(scale, total, change_from(*r.baseline, total), p))) {
        r.responder_total = total;
        break;
      }
    }
  }
  for (auto it = ratings.begin(); it != ratings.end(); ++it) {
    if (it == baseline) {
      continue;
    }
    TrajectoryPoint t = *it;
    t.change_from_baseline = change_from(*r.baseline, t.total);
    if (t.timing == RatingTiming::Acute) {
      r.acute.push_back(t);
      continue;
    }
    if (t.rated_at < *r.baseline_at) {
      continue;  // an acute-window rating before the baseline cannot happen; defensive
    }
    r.trajectory.push_back(t);
    const ResponseStatus status = classify(scale, t.total, t.change_from_baseline, p);
    if (rank(status) > rank(r.best)) {
      r.best = status;
    }
    if (!r.best_change || t.change_from_baseline < *r.best_change) {
      r.best_change = t.change_from_baseline;
    }
    if (qualifies(status) && !r.first_response_infusion) {
      r.first_response_infusion = t.infusion;
      r.first_response_at = t.rated_at;
    }
    r.consecutive_response = qualifies(status) ? r.consecutive_response + 1 : 0;
    r.consecutive_remission = status == ResponseStatus::Remission ? r.consecutive_remission + 1 : 0;
    r.latest = status;
  }
  if (*r.baseline == 0) {
    r.latest = r.best = ResponseStatus::Insufficient;
    r.first_response_infusion.reset();
    r.first_response_at.reset();
    r.consecutive_response = r.consecutive_remission = 0;
    r.suggestion = "baseline score is 0: response cannot be judged on this scale";
    return r;
  }
  r.sustained = r.consecutive_response >= p.stable_ratings;
  if (r.trajectory.size() >= 3) {
    // Compare the mean of the last three trough points with the three before (or the baseline).
    const std::size_t n = r.trajectory.size();
    double last = 0.0;
    for (std::size_t i = n - 3; i < n; ++i) {
      last += r.trajectory[i].total / 3.0;
    }
    double earlier = *r.baseline;
    if (n >= 6) {
      earlier = 0.0;
      for (std::size_t i = n - 6; i < n - 3; ++i) {
        earlier += r.trajectory[i].total / 3.0;
      }
    }
    const double step = 0.1 * *r.baseline;  // a tenth of baseline counts as a real change
    r.trend = last < earlier - step ? "improving" : last > earlier + step ? "worsening" : "stable";
  }
  const std::string latest_pct =
      r.trajectory.empty()
          ? ""
          : core::display_number(-100.0 * r.trajectory.back().change_from_baseline, 0);
  const std::string first = r.first_response_infusion
                                ? fmt::format("; response first reached after the {} infusion",
                                              ordinal(*r.first_response_infusion))
                                : "";
  const std::string run = fmt::format("{} of {} consecutive trough ratings needed",
                                      r.consecutive_response, p.stable_ratings);
  if (r.trajectory.empty()) {
    r.recommendation = r.sessions >= p.loading_sessions ? Recommendation::Insufficient
                                                        : Recommendation::CompleteLoading;
    r.suggestion = fmt::format(
        "baseline only ({} {}{}): rate before each dose or >= 24 h after one; {}", name,
        *r.baseline, r.acute.empty() ? "" : ", acute ratings are not used to judge response",
        r.sessions >= p.loading_sessions ? "no trough rating to judge the loading series on"
                                         : "complete the planned course");
  } else if (qualifies(r.latest) && r.trend == "worsening") {
    r.recommendation = Recommendation::ShortenInterval;
    r.suggestion = fmt::format(
        "rule fading-response: {} trough {}% below baseline but the trough trend is worsening{}: "
        "shorten the interval, dosing before the previous effect wears off",
        name, latest_pct, first);
  } else if (r.consecutive_remission >= p.stable_ratings && r.trend != "worsening") {
    r.recommendation = Recommendation::Taper;
    r.suggestion = fmt::format(
        "rule sustained-remission: {} in remission on {} consecutive trough ratings (latest {}; "
        "{} needed){}: taper by lengthening the interval one step (twice weekly -> weekly -> "
        "fortnightly), the least frequent dosing that keeps the response",
        name, r.consecutive_remission, r.trajectory.back().total, p.stable_ratings, first);
  } else if (qualifies(r.latest)) {
    r.recommendation = Recommendation::Continue;
    r.suggestion = fmt::format(
        "rule responder: {} trough {}% below baseline ({}{}){}: continue at the current "
        "interval",
        name, latest_pct, run, r.sustained ? ", sustained" : ", not yet sustained", first);
  } else if (qualifies(r.best)) {
    r.recommendation = Recommendation::LostResponse;
    r.suggestion = fmt::format(
        "rule lost-response: lost response (best {}% below baseline, now {}%){}: shorten the "
        "interval or repeat a loading series; review",
        core::display_number(-100.0 * r.best_change.value_or(0.0), 0), latest_pct, first);
  } else if (r.sessions >= p.loading_sessions) {
    r.recommendation = Recommendation::NoMaintenance;
    r.suggestion = fmt::format(
        "rule non-responder: no trough response after {} doses ({} {}% below baseline; {} "
        "needed): maintenance not suggested; review diagnosis and alternatives",
        r.sessions, name, latest_pct, core::display_number(100.0 * p.responder_reduction, 0));
  } else {
    r.recommendation = Recommendation::CompleteLoading;
    r.suggestion = fmt::format(
        "rule too-early: {} trough {}% below baseline after {} of {} loading doses: complete the "
        "loading series before judging",
        name, latest_pct, r.sessions, p.loading_sessions);
  }
  return r;
}

namespace {

// Days between the two latest doses (7 with one dose).
int current_interval_days(const std::vector<Session>& sessions, const ClinicCalendar& calendar) {
  std::vector<Date> days;
  for (const Session& s : sessions) {
    days.push_back(local_day(s.started_at, calendar));
  }
  std::sort(days.begin(), days.end());
  if (days.size() < 2) {
    return 7;
  }
  return std::max(1, static_cast<int>((days.back() - days[days.size() - 2]).count()));
}

int longer_step(int days) {
  return days <= 4 ? 7 : days <= 7 ? 14 : 28;
}

int shorter_step(int days) {
  return days > 14 ? 14 : days > 7 ? 7 : 3;
}

}  // namespace

ResponsePlan plan_response(std::vector<ResponseSummary> scales, const std::vector<Course>& courses,
                           const std::vector<Session>& sessions, const ClinicCalendar& calendar,
                           Date today) {
  ResponsePlan plan;
  plan.scales = std::move(scales);
  const ResponseSummary* winner = nullptr;
  for (const ResponseSummary& r : plan.scales) {
    if (r.recommendation == Recommendation::Insufficient) {
      continue;
    }
    if (winner == nullptr ||
        static_cast<int>(r.recommendation) < static_cast<int>(winner->recommendation)) {
      winner = &r;
    }
  }
  if (winner == nullptr) {
    plan.rule =
        "no outcome scale has a trough baseline and a later trough rating: rate GAD-7 or "
        "HAM-A before each dose";
    return plan;
  }
  plan.recommendation = winner->recommendation;
  plan.decided_by = winner->scale;
  std::string others;
  std::string agree;
  for (const ResponseSummary& r : plan.scales) {
    if (&r == winner || r.recommendation == Recommendation::Insufficient) {
      continue;
    }
    if (r.recommendation == winner->recommendation) {
      agree += fmt::format("{}{}", agree.empty() ? "" : ", ", scale_definition(r.scale).label);
    } else {
      others += fmt::format("{}{} says {}", others.empty() ? "" : ", ",
                            scale_definition(r.scale).label, to_string(r.recommendation));
    }
  }
  plan.rule = fmt::format(
      "{} ({}){}{}", winner->suggestion, scale_definition(winner->scale).label,
      agree.empty() ? "" : fmt::format("; {} agrees", agree),
      others.empty() ? ""
                     : fmt::format("; the more conservative recommendation wins over {}", others));

  const Course* active = nullptr;
  for (const Course& c : courses) {
    if (c.status == CourseStatus::Active) {
      active = &c;
    }
  }
  std::vector<Date> remaining;
  if (active != nullptr) {
    for (const PlannedSession& p : active->sessions) {
      if (p.status == PlannedStatus::Planned) {
        remaining.push_back(p.planned_on);
      }
    }
  }
  std::optional<Date> last_dose;
  for (const Session& s : sessions) {
    const Date d = local_day(s.started_at, calendar);
    last_dose = last_dose ? std::max(*last_dose, d) : d;
  }
  const auto stepped = [&](int interval, const char* why) {
    // The first one interval after the latest dose (today if that has passed), then every
    // interval.
    const Date first = std::max(last_dose.value_or(today) + std::chrono::days(interval), today);
    std::vector<PlannedSession> next;
    for (int k = 0; k < 3; ++k) {
      PlannedSession p;
      p.number = k + 1;
      p.planned_on = first + std::chrono::days(interval * k);
      next.push_back(p);
    }
    fit_to_clinic_days(next, calendar);
    for (const auto& p : next) {
      plan.proposed_dates.push_back(p.planned_on);
    }
    plan.dates_basis = fmt::format(
        "{}: every {} days after the latest dose {} (current interval {} days; not before "
        "today), on clinic days{}",
        why, interval, last_dose ? format_date(*last_dose) : "(none)",
        current_interval_days(sessions, calendar),
        remaining.empty() ? ""
                          : fmt::format("; replaces the {} still-planned sessions of course {}",
                                        remaining.size(), active->id.value()));
  };
  const int current = current_interval_days(sessions, calendar);
  switch (plan.recommendation) {
    case Recommendation::CompleteLoading:
    case Recommendation::Continue:
      plan.proposed_dates = remaining;
      plan.dates_basis =
          remaining.empty()
              ? "no planned session remains: plan the next course (course plan)"
              : fmt::format("the remaining planned sessions of course {}", active->id.value());
      if (const auto overdue =
              std::count_if(remaining.begin(), remaining.end(), [&](Date d) { return d < today; });
          overdue > 0) {
        plan.dates_basis +=
            fmt::format("; {} of them before today {}: reschedule them (course reschedule)",
                        overdue, format_date(today));
      }
      break;
    case Recommendation::Taper:
      stepped(longer_step(current), "one step longer");
      break;
    case Recommendation::ShortenInterval:
    case Recommendation::LostResponse:
      stepped(shorter_step(current), "one step shorter");
      break;
    case Recommendation::NoMaintenance:
      plan.dates_basis =
          remaining.empty()
              ? "no further sessions proposed"
              : fmt::format(
                    "no further sessions proposed; review the {} still-planned sessions "
                    "of course {} (course cancel --reason ...)",
                    remaining.size(), active->id.value());
      break;
    case Recommendation::Insufficient:
      break;
  }
  return plan;
}

}  // namespace ketapath::clinic
