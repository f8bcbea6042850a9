#include "clinic/domain/validation.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "clinic/domain/care_team.h"
#include "core/check.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

bool well_formed_icd10(std::string_view code) {
  // Letter, two digits (the third character may be a letter in a few chapters), then optionally
  // a dot and 1-4 alphanumerics.
  if (code.size() < 3 || std::isupper(static_cast<unsigned char>(code[0])) == 0 ||
      std::isdigit(static_cast<unsigned char>(code[1])) == 0 ||
      std::isalnum(static_cast<unsigned char>(code[2])) == 0) {
    return false;
  }
  if (code.size() == 3) {
    return true;
  }
  if (code[3] != '.' || code.size() < 5 || code.size() > 8) {
    return false;
  }
  for (std::size_t i = 4; i < code.size(); ++i) {
    if (std::isalnum(static_cast<unsigned char>(code[i])) == 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

core::Status check_date(std::string_view field, Date date, Date earliest, Date latest,
                        std::string_view why) {
  if (date >= earliest && date <= latest) {
    return {};
  }
  return std::unexpected(core::range_error(
      field, fmt::format("between {} and {} ({})", format_date(earliest), format_date(latest), why),
      format_date(date)));
}

core::Status validate_weight(const WeightRecord& weight, Date today, const InputLimits& limits,
                             std::string_view field) {
  KETAPATH_TRY(core::check_range(fmt::format("{}: body weight", field), weight.weight.value(), "kg",
                                 {limits.min_weight.value(), limits.max_weight.value()}));
  if (weight.measured_on > today) {
    return core::fail(ErrorCode::Validation, "{}: measured_on must not be in the future (got {})",
                      field, format_date(weight.measured_on));
  }
  return {};
}

core::Status validate_diagnosis(const Diagnosis& d, Date today) {
  const std::string_view code = d.icd10;
  const auto mismatch = [&](std::string_view expected) {
    return core::fail(ErrorCode::Validation,
                      "diagnosis: ICD-10 code for {} must be {} (got \"{}\")",
                      to_string(d.disorder), expected, code);
  };
  switch (d.disorder) {
    case Disorder::Gad:
      if (code != "F41.1") {
        return mismatch("F41.1");
      }
      break;
    case Disorder::SocialAnxiety:
      if (code != "F40.10" && code != "F40.11") {
        return mismatch("F40.10 or F40.11");
      }
      break;
    case Disorder::Panic:
      if (code != "F41.0") {
        return mismatch("F41.0");
      }
      break;
    case Disorder::SpecificPhobia: {
      const bool ok = code.size() >= 6 && code.size() <= 7 && code.substr(0, 5) == "F40.2" &&
                      std::isdigit(static_cast<unsigned char>(code[5])) != 0 &&
                      (code.size() == 6 || std::isdigit(static_cast<unsigned char>(code[6])) != 0);
      if (!ok) {
        return mismatch("F40.2x (F40.210 ... F40.298)");
      }
      break;
    }
    case Disorder::Other:
      if (!well_formed_icd10(code)) {
        return core::fail(ErrorCode::Validation,
                          "diagnosis: \"{}\" is not a well-formed ICD-10 code (e.g. F33.1)", code);
      }
      break;
  }
  if (d.diagnosed_on > today) {
    return core::fail(ErrorCode::Validation,
                      "diagnosis {}: diagnosed_on must not be in the future (got {})", code,
                      format_date(d.diagnosed_on));
  }
  return {};
}

core::Status validate_treatment_trial(const TreatmentTrial& t, Date today, std::string_view field) {
  if (t.name.empty()) {
    return core::fail(ErrorCode::Validation, "{}: name must not be empty", field);
  }
  KETAPATH_TRY(core::check_range(fmt::format("{} {}: duration", field, t.name), t.duration_weeks,
                                 "weeks", {0.0, 52.0 * 50.0}));
  if (t.kind == TreatmentKind::Psychotherapy) {
    KETAPATH_TRY(core::check_count(fmt::format("{} {}: sessions", field, t.name),
                                   t.psychotherapy_sessions, "", 0, 1000));
  } else {
    for (const auto& [dose, what] :
         {std::pair{t.daily_dose, "daily dose"},
          std::pair{t.min_therapeutic_daily_dose, "minimum therapeutic daily dose"}}) {
      if (dose) {
        KETAPATH_TRY(core::check_range(fmt::format("{} {}: {}", field, t.name, what), dose->value(),
                                       "mg/day", {.low = 0.0, .high = 10000.0, .low_open = true}));
      }
    }
  }
  if (t.started_on && *t.started_on > today) {
    return core::fail(ErrorCode::Validation, "{} {}: started_on must not be in the future (got {})",
                      field, t.name, format_date(*t.started_on));
  }
  if (t.started_on) {
    // A trial is history: it cannot count as adequate (or failed) before it has ended.
    const auto days = static_cast<int>(std::lround(t.duration_weeks * 7.0));
    const Date ends = *t.started_on + std::chrono::days(days);
    if (ends > today) {
      return core::fail(ErrorCode::Validation,
                        "{} {}: started {} and lasting {} weeks it would end on {}, after today "
                        "({}); record the weeks taken so far",
                        field, t.name, format_date(*t.started_on), t.duration_weeks,
                        format_date(ends), format_date(today));
    }
  }
  return {};
}

core::Status validate_patient(const Patient& p, Date today, const InputLimits& limits) {
  KETAPATH_TRY(core::check_required_text("patient: name", p.name, 200, false));
  if (p.birth_date > today) {
    return core::fail(ErrorCode::Validation,
                      "patient: birth date must not be in the future (got {})",
                      format_date(p.birth_date));
  }
  const int age = age_in_years(p.birth_date, today);
  if (age < limits.min_age_years || age > limits.max_age_years) {
    return core::fail(ErrorCode::Validation,
                      "patient: age must be {}-{} years for adult dosing (got {} years, born {})",
                      limits.min_age_years, limits.max_age_years, age, format_date(p.birth_date));
  }
  for (std::size_t i = 0; i < p.weights.size(); ++i) {
    const std::string field = fmt::format("weights[{}]", i);
    KETAPATH_TRY(validate_weight(p.weights[i], today, limits, field));
    KETAPATH_TRY(check_date(field + ": measured_on", p.weights[i].measured_on, p.birth_date, today,
                            "not before birth, not in the future"));
  }
  for (const Diagnosis& d : p.diagnoses) {
    KETAPATH_TRY(validate_diagnosis(d, today));
    KETAPATH_TRY(check_date(fmt::format("diagnosis {}: diagnosed_on", d.icd10), d.diagnosed_on,
                            p.birth_date, today, "not before birth, not in the future"));
  }
  for (std::size_t i = 0; i < p.treatment_history.size(); ++i) {
    const TreatmentTrial& t = p.treatment_history[i];
    KETAPATH_TRY(validate_treatment_trial(t, today, fmt::format("treatment_history[{}]", i)));
    if (t.started_on) {
      KETAPATH_TRY(check_date(fmt::format("treatment_history[{}]: started_on", i), *t.started_on,
                              p.birth_date, today, "not before birth, not in the future"));
    }
  }
  return {};
}

core::Status validate_vitals(const VitalSigns& v, const InputLimits& limits,
                             std::string_view field) {
  if (!v.systolic && !v.diastolic && !v.heart_rate && !v.spo2_percent) {
    return core::fail(ErrorCode::Validation, "{}: at least one measure is needed", field);
  }
  if (v.systolic.has_value() != v.diastolic.has_value()) {
    return core::fail(ErrorCode::Validation, "{}: blood pressure needs systolic and diastolic",
                      field);
  }
  if (v.systolic) {
    KETAPATH_TRY(core::check_range(fmt::format("{}: systolic BP", field), v.systolic->value(),
                                   "mmHg", {limits.min_systolic, limits.max_systolic}));
  }
  if (v.diastolic) {
    KETAPATH_TRY(core::check_range(fmt::format("{}: diastolic BP", field), v.diastolic->value(),
                                   "mmHg", {limits.min_diastolic, limits.max_diastolic}));
  }
  if (v.systolic && !(*v.systolic > *v.diastolic)) {
    return core::fail(ErrorCode::Validation,
                      "{}: systolic BP must exceed diastolic (got {:g}/{:g} mmHg)", field,
                      v.systolic->value(), v.diastolic->value());
  }
  if (v.heart_rate) {
    KETAPATH_TRY(core::check_range(fmt::format("{}: heart rate", field), v.heart_rate->value(),
                                   "bpm", {limits.min_heart_rate, limits.max_heart_rate}));
  }
  if (v.spo2_percent) {
    KETAPATH_TRY(core::check_range(fmt::format("{}: SpO2", field), *v.spo2_percent, "%",
                                   {limits.min_spo2, limits.max_spo2}));
  }
  return {};
}

core::Result<Session> validate_session(Session s, Timestamp now, const InputLimits& limits) {
  using std::chrono::hours;
  if (s.started_at > now) {
    return core::fail(ErrorCode::Validation,
                      "session: started_at must not be in the future (got {}, now {})",
                      format_timestamp(s.started_at), format_timestamp(now));
  }
  KETAPATH_TRY(check_date("session: started_at", day_of(s.started_at),
                          day_of(now) - std::chrono::days(DateLimits{}.session_days_before),
                          day_of(now), "a session is recorded within a year, never ahead"));
  if (s.ended_at < s.started_at) {
    return core::fail(ErrorCode::Validation,
                      "session: ended_at must not precede started_at (got {} < {})",
                      format_timestamp(s.ended_at), format_timestamp(s.started_at));
  }
  if (s.ended_at > now) {
    return core::fail(ErrorCode::Validation,
                      "session: ended_at must not be in the future (got {}, now {})",
                      format_timestamp(s.ended_at), format_timestamp(now));
  }
  // dose_mg may be 0 (= not given; the service derives it from the weight or the dose record).
  KETAPATH_TRY(core::check_range("session: dose_mg_per_kg", s.dose_per_kg.value(), "mg/kg",
                                 core::positive()));
  KETAPATH_TRY(core::check_range("session: dose_mg", s.dose.value(), "mg", core::non_negative()));
  if (s.dose_ended_at && (*s.dose_ended_at < s.started_at || *s.dose_ended_at > s.ended_at)) {
    return core::fail(ErrorCode::Validation,
                      "session: dose_ended_at must lie between started_at and ended_at {} .. {} "
                      "(got {})",
                      format_timestamp(s.started_at), format_timestamp(s.ended_at),
                      format_timestamp(*s.dose_ended_at));
  }
  const Timestamp window_start = s.started_at - hours(2);
  const auto outside = [&](Timestamp t) {
    return t < window_start || t > s.ended_at;
  };
  for (std::size_t i = 0; i < s.vitals.size(); ++i) {
    const std::string field = fmt::format("session: vitals[{}]", i);
    KETAPATH_TRY(validate_vitals(s.vitals[i], limits, field));
    if (outside(s.vitals[i].measured_at)) {
      return core::fail(ErrorCode::Validation,
                        "{}: measured_at must lie in the session window {} .. {} (got {})", field,
                        format_timestamp(window_start), format_timestamp(s.ended_at),
                        format_timestamp(s.vitals[i].measured_at));
    }
  }
  for (std::size_t i = 0; i < s.ratings.size(); ++i) {
    ScaleRating& r = s.ratings[i];
    auto total = score_items(r.scale, r.items);
    if (!total) {
      return std::unexpected(
          core::with_context(total.error(), fmt::format("session: ratings[{}]", i)));
    }
    r.total = *total;
    if (outside(r.rated_at)) {
      return core::fail(ErrorCode::Validation,
                        "session: ratings[{}]: rated_at must lie in the session window {} .. {} "
                        "(got {})",
                        i, format_timestamp(window_start), format_timestamp(s.ended_at),
                        format_timestamp(r.rated_at));
    }
  }
  for (std::size_t i = 0; i < s.adverse_events.size(); ++i) {
    const AdverseEvent& e = s.adverse_events[i];
    if (e.description.empty()) {
      return core::fail(ErrorCode::Validation,
                        "session: adverse_events[{}]: description must not be empty", i);
    }
    if (e.onset_at > now) {
      return core::fail(ErrorCode::Validation,
                        "session: adverse_events[{}]: onset_at must not be in the future (got {})",
                        i, format_timestamp(e.onset_at));
    }
  }
  if (s.discharge) {
    DischargeReadiness& d = *s.discharge;
    if (d.assessed_at > now || d.assessed_at < s.started_at) {
      return core::fail(
          ErrorCode::Validation,
          "session: discharge.assessed_at must lie between started_at and now (got {})",
          format_timestamp(d.assessed_at));
    }
    bool unresolved_severe = false;
    for (const AdverseEvent& e : s.adverse_events) {
      unresolved_severe = unresolved_severe || (e.severity == Severity::Severe && !e.resolved);
    }
    d.ready = d.alert_and_oriented && d.vitals_near_baseline && d.ambulating_steadily &&
              d.escort_present && !unresolved_severe;
  }
  std::stable_sort(s.vitals.begin(), s.vitals.end(),
                   [](const auto& a, const auto& b) { return a.measured_at < b.measured_at; });
  std::stable_sort(s.ratings.begin(), s.ratings.end(),
                   [](const auto& a, const auto& b) { return a.rated_at < b.rated_at; });
  return s;
}

std::vector<std::string> weight_warnings(const Patient& patient, const WeightRecord& weight) {
  std::vector<std::string> warnings;
  if (weight.estimated) {
    warnings.push_back(fmt::format("weight {:g} kg on {} is estimated, not measured",
                                   weight.weight.value(), format_date(weight.measured_on)));
  }
  if (const auto previous = latest_weight(patient, weight.measured_on)) {
    const double change = weight.weight / previous->weight - 1.0;
    if (std::abs(change) > 0.10) {
      warnings.push_back(fmt::format(
          "weight changed by {:+.1f}% since {} ({:g} kg -> {:g} kg): re-weigh to confirm",
          100.0 * change, format_date(previous->measured_on), previous->weight.value(),
          weight.weight.value()));
    }
  }
  return warnings;
}

core::Status validate_care_team_member(const CareTeamMember& m) {
  constexpr std::size_t kMax = 200;
  if (m.name.find_first_not_of(" \t") == std::string::npos) {
    return core::fail(ErrorCode::Validation, "care team: name must not be empty");
  }
  const std::pair<const char*, const std::string*> fields[] = {
      {"name", &m.name}, {"practice", &m.practice}, {"contact", &m.contact}};
  for (const auto& [field, value] : fields) {
    if (value->size() > kMax) {
      return core::fail(ErrorCode::Validation,
                        "care team: {} is {} characters, at most {} are kept", field, value->size(),
                        kMax);
    }
  }
  return {};
}

}  // namespace ketapath::clinic
