#include "clinic/domain/safety.h"

#include <algorithm>
#include <cmath>

#include "clinic/domain/bounds.h"
#include "clinic/domain/dose_calculator.h"
#include "core/number_text.h"

namespace ketapath::clinic {
namespace {

Alert make(const VitalSigns& v, AlertLevel level, const char* measure, const char* label,
           double value, const char* unit, double threshold, const char* comparison,
           const char* rule) {
  Alert a;
  a.raised_at = v.measured_at;
  a.level = level;
  a.measure = measure;
  a.value = value;
  a.unit = unit;
  a.threshold = threshold;
  a.message = fmt::format("{}: {} {} {} {} {} threshold {} {} {} dosing at {}", to_string(level),
                          label, core::display_number(value, 1), unit, comparison, rule,
                          core::display_number(threshold, 1), unit, to_string(v.phase),
                          format_timestamp(v.measured_at));
  return a;
}

}  // namespace

core::Status validate_thresholds(const SafetyThresholds& t) {
  KETAPATH_TRY(check_threshold_bounds(t));
  const auto bad = [](const char* what, double a, double b) {
    return core::fail(core::ErrorCode::Validation,
                      "safety thresholds: {} must be ordered (got {} and {})", what, a, b);
  };
  if (!(t.pre_dose_systolic <= t.pause_systolic && t.pause_systolic < t.stop_systolic)) {
    return bad("systolic pre-dose <= pause < stop", t.pause_systolic, t.stop_systolic);
  }
  if (!(t.pre_dose_diastolic <= t.pause_diastolic && t.pause_diastolic < t.stop_diastolic)) {
    return bad("diastolic pre-dose <= pause < stop", t.pause_diastolic, t.stop_diastolic);
  }
  if (!(t.pause_heart_rate < t.stop_heart_rate)) {
    return bad("heart rate pause < stop", t.pause_heart_rate, t.stop_heart_rate);
  }
  if (!(t.stop_spo2 < t.pause_spo2 && t.pause_spo2 <= 100.0 && t.stop_spo2 >= 50.0)) {
    return bad("SpO2 50 <= stop < pause <= 100", t.stop_spo2, t.pause_spo2);
  }
  return {};
}

std::vector<Alert> evaluate_vitals(const VitalSigns& v, const SafetyThresholds& t) {
  std::vector<Alert> alerts;
  const bool before = v.phase == Phase::Before;

  // Upper-bound measures: systolic, diastolic, heart rate.
  struct Upper {
    std::optional<double> value;
    const char* measure;
    const char* label;
    const char* unit;
    double pre, pause, stop;
  };

  const Upper uppers[] = {
      {v.systolic ? std::optional(v.systolic->value()) : std::nullopt, "systolic_bp", "systolic BP",
       "mmHg", t.pre_dose_systolic, t.pause_systolic, t.stop_systolic},
      {v.diastolic ? std::optional(v.diastolic->value()) : std::nullopt, "diastolic_bp",
       "diastolic BP", "mmHg", t.pre_dose_diastolic, t.pause_diastolic, t.stop_diastolic},
      {v.heart_rate ? std::optional(v.heart_rate->value()) : std::nullopt, "heart_rate",
       "heart rate", "bpm", t.pre_dose_heart_rate, t.pause_heart_rate, t.stop_heart_rate},
  };
  for (const Upper& u : uppers) {
    if (!u.value) {
      continue;
    }
    if (before) {
      if (*u.value >= u.pre) {
        alerts.push_back(make(v, AlertLevel::Caution, u.measure, u.label, *u.value, u.unit, u.pre,
                              ">=", "pre-dose"));
      }
    } else if (*u.value > u.stop) {
      alerts.push_back(
          make(v, AlertLevel::Stop, u.measure, u.label, *u.value, u.unit, u.stop, ">", "stop"));
    } else if (*u.value > u.pause) {
      alerts.push_back(
          make(v, AlertLevel::Pause, u.measure, u.label, *u.value, u.unit, u.pause, ">", "pause"));
    }
  }
  if (v.spo2_percent) {
    const double s = *v.spo2_percent;
    if (s < t.stop_spo2) {
      alerts.push_back(make(v, before ? AlertLevel::Caution : AlertLevel::Stop, "spo2", "SpO2", s,
                            "%", t.stop_spo2, "<", "stop"));
    } else if (s < t.pause_spo2) {
      alerts.push_back(make(v, before ? AlertLevel::Caution : AlertLevel::Pause, "spo2", "SpO2", s,
                            "%", t.pause_spo2, "<", "pause"));
    }
  }
  return alerts;
}

std::vector<Alert> evaluate_ratings(const Session& session) {
  return evaluate_ratings(session.patient, session.ratings);
}

std::vector<Alert> evaluate_ratings(PatientId patient, const std::vector<ScaleRating>& ratings) {
  constexpr std::size_t kItem9 = 8;  // zero-based index of PHQ-9 item 9
  std::vector<Alert> all;
  for (const ScaleRating& r : ratings) {
    if (r.scale != Scale::Phq9 || r.items.size() <= kItem9 || r.items[kItem9] <= 0) {
      continue;
    }
    Alert a;
    a.patient = patient;
    a.raised_at = r.rated_at;
    a.level = AlertLevel::Urgent;
    a.measure = "phq9_item9";
    a.value = r.items[kItem9];
    a.unit = "points";
    a.threshold = 0.0;
    a.message = fmt::format(
        "urgent: PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered {} > 0 "
        "at {}: assess suicide risk before discharge and inform the primary clinician",
        r.items[kItem9], format_timestamp(r.rated_at));
    all.push_back(std::move(a));
  }
  return all;
}

namespace {

Alert session_alert(const Session& session, Timestamp at, AlertLevel level, std::string measure,
                    double value, std::string unit, double threshold, std::string message) {
  Alert a;
  a.patient = session.patient;
  a.raised_at = at;
  a.level = level;
  a.measure = std::move(measure);
  a.value = value;
  a.unit = std::move(unit);
  a.threshold = threshold;
  a.message = std::move(message);
  return a;
}

std::string describe(const AdverseEvent& e) {
  return fmt::format("\"{}\" ({}{}) at {}, action: {}", e.description, to_string(e.severity),
                     e.serious ? ", serious" : "", format_timestamp(e.onset_at),
                     e.action.empty() ? "none recorded" : e.action);
}

}  // namespace

std::vector<Alert> evaluate_adverse_events(const Session& session) {
  std::vector<Alert> all;
  for (const AdverseEvent& e : session.adverse_events) {
    const bool grave = e.severity == Severity::Severe || e.serious;
    if (grave) {
      all.push_back(session_alert(
          session, e.onset_at, AlertLevel::Urgent, "adverse_event",
          static_cast<double>(static_cast<int>(e.severity)), "severity", 0.0,
          fmt::format("urgent: {} adverse event {}{}: clinician review before discharge",
                      e.serious ? "serious" : "severe", describe(e),
                      e.resolved ? "" : ", unresolved")));
    }
    if (session.discharge && !e.resolved) {
      all.push_back(session_alert(
          session, session.discharge->assessed_at, grave ? AlertLevel::Urgent : AlertLevel::Caution,
          "adverse_event_unresolved", static_cast<double>(static_cast<int>(e.severity)), "severity",
          0.0,
          fmt::format("{}: adverse event {} still unresolved at discharge {}: document the plan "
                      "and inform the primary clinician",
                      to_string(grave ? AlertLevel::Urgent : AlertLevel::Caution), describe(e),
                      format_timestamp(session.discharge->assessed_at))));
    }
  }
  return all;
}

std::vector<Alert> evaluate_dissociation(const Session& session, const SafetyThresholds& t) {
  std::vector<Alert> all;
  for (const ScaleRating& r : session.ratings) {
    if (r.scale != Scale::Cadss || !(r.total > t.cadss_alert_total)) {
      continue;
    }
    all.push_back(session_alert(
        session, r.rated_at, AlertLevel::Pause, "cadss", r.total, "points", t.cadss_alert_total,
        fmt::format("pause: CADSS {} points > alert threshold {} points at {}: high dissociation, "
                    "pause or slow the infusion, observe until it settles",
                    r.total, core::display_number(t.cadss_alert_total, 1),
                    format_timestamp(r.rated_at))));
  }
  return all;
}

const VitalSigns* vitals_baseline(const Session& session) {
  const VitalSigns* baseline = nullptr;
  for (const VitalSigns& v : session.vitals) {
    if (v.measured_at <= session.started_at &&
        (baseline == nullptr || v.measured_at >= baseline->measured_at)) {
      baseline = &v;
    }
  }
  return baseline;
}

std::vector<Alert> assess_discharge(Session& s, const SafetyThresholds& t) {
  std::vector<Alert> alerts;
  if (!s.discharge) {
    return alerts;
  }
  DischargeReadiness& d = *s.discharge;
  std::vector<std::string> reasons;
  if (!d.alert_and_oriented)
    reasons.push_back("not alert and oriented");
  if (!d.vitals_near_baseline)
    reasons.push_back("vitals not near baseline (as assessed)");
  if (!d.ambulating_steadily)
    reasons.push_back("not ambulating steadily");
  if (!d.escort_present)
    reasons.push_back("no escort present");

  // Observation time after the end of dosing.
  const Timestamp dose_end = s.dose_ended_at.value_or(s.started_at);
  const double observed_min =
      std::chrono::duration<double, std::ratio<60>>(d.assessed_at - dose_end).count();
  if (!s.dose_ended_at) {
    reasons.push_back("end of dosing unknown: observation time cannot be checked");
  } else if (observed_min < t.min_observation_minutes) {
    const std::string text =
        fmt::format("discharge at {} only {} min after the end of dosing at {} (minimum {} min)",
                    format_timestamp(d.assessed_at), core::display_number(observed_min, 0),
                    format_timestamp(dose_end), core::display_number(t.min_observation_minutes, 0));
    reasons.push_back(text);
    alerts.push_back(session_alert(s, d.assessed_at, AlertLevel::Urgent, "early_discharge",
                                   observed_min, "min", t.min_observation_minutes,
                                   "urgent: early discharge: " + text));
  }

  // Vitals back within the band of baseline.
  const VitalSigns* baseline = vitals_baseline(s);
  const VitalSigns* last = nullptr;
  for (const VitalSigns& v : s.vitals) {
    if (v.measured_at > s.started_at && v.measured_at <= d.assessed_at &&
        (last == nullptr || v.measured_at >= last->measured_at)) {
      last = &v;
    }
  }
  std::vector<std::string> vitals_problems;
  double worst_excess = 0.0;
  if (baseline == nullptr) {
    vitals_problems.push_back("no vitals before the dose (baseline unknown)");
  }
  if (last == nullptr) {
    vitals_problems.push_back("no vitals after the start of dosing before discharge");
  }
  if (baseline != nullptr && last != nullptr) {
    struct Band {
      const char* label;
      std::optional<double> base, now;
      double band;
      const char* unit;
    };

    const auto value = [](const auto& q) {
      return q ? std::optional<double>(q->value()) : std::nullopt;
    };
    const Band bands[] = {
        {"systolic BP", value(baseline->systolic), value(last->systolic), t.discharge_systolic_band,
         "mmHg"},
        {"diastolic BP", value(baseline->diastolic), value(last->diastolic),
         t.discharge_diastolic_band, "mmHg"},
        {"heart rate", value(baseline->heart_rate), value(last->heart_rate),
         t.discharge_heart_rate_band, "bpm"},
    };
    for (const Band& b : bands) {
      if (!b.base) {
        continue;  // not measured at baseline: nothing to compare with
      }
      if (!b.now) {
        vitals_problems.push_back(fmt::format("{} not measured after the dose", b.label));
        continue;
      }
      const double diff = *b.now - *b.base;
      if (std::abs(diff) > b.band) {
        worst_excess = std::max(worst_excess, std::abs(diff));
        vitals_problems.push_back(fmt::format(
            "{} {} {} at {} is {}{} from baseline {} (band +/-{} {})", b.label,
            core::display_number(*b.now, 1), b.unit, format_timestamp(last->measured_at),
            diff > 0 ? "+" : "", core::display_number(diff, 1), core::display_number(*b.base, 1),
            core::display_number(b.band, 1), b.unit));
      }
    }
    if (last->spo2_percent && *last->spo2_percent < t.pause_spo2) {
      vitals_problems.push_back(
          fmt::format("SpO2 {} % < {} % at {}", core::display_number(*last->spo2_percent, 1),
                      core::display_number(t.pause_spo2, 1), format_timestamp(last->measured_at)));
    }
  }
  if (!vitals_problems.empty()) {
    std::string joined;
    for (const auto& p : vitals_problems) {
      joined += (joined.empty() ? "" : "; ") + p;
      reasons.push_back("vitals: " + p);
    }
    alerts.push_back(session_alert(s, d.assessed_at, AlertLevel::Urgent, "discharge_vitals",
                                   worst_excess, "mmHg/bpm", 0.0,
                                   "urgent: vitals not back to baseline at discharge: " + joined));
  }
  for (const AdverseEvent& e : s.adverse_events) {
    if (!e.resolved) {
      reasons.push_back(fmt::format("adverse event \"{}\" unresolved", e.description));
    }
  }
  d.ready = reasons.empty();
  d.not_ready_reasons = std::move(reasons);
  return alerts;
}

std::vector<Alert> evaluate_session(const Session& session, const SafetyThresholds& t) {
  std::vector<Alert> all;
  for (const VitalSigns& v : session.vitals) {
    for (Alert& a : evaluate_vitals(v, t)) {
      a.patient = session.patient;
      all.push_back(std::move(a));
    }
  }
  for (Alert& a : evaluate_ratings(session)) {
    all.push_back(std::move(a));
  }
  for (Alert& a : evaluate_dissociation(session, t)) {
    all.push_back(std::move(a));
  }
  for (Alert& a : evaluate_adverse_events(session)) {
    all.push_back(std::move(a));
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Alert& a, const Alert& b) { return a.raised_at < b.raised_at; });
  return all;
}

}  // namespace ketapath::clinic
