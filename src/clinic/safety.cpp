#include "clinic/safety.h"

#include <algorithm>

#include "clinic/dose_calculator.h"

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
  a.message =
      fmt::format("{}: {} {} {} {} {} threshold {} {} {} dosing at {}", to_string(level), label,
                  display_number(value, 1), unit, comparison, rule, display_number(threshold, 1),
                  unit, to_string(v.phase), format_timestamp(v.measured_at));
  return a;
}

}  // namespace

core::Status validate_thresholds(const SafetyThresholds& t) {
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
  constexpr std::size_t kItem9 = 8;  // zero-based index of PHQ-9 item 9
  std::vector<Alert> all;
  for (const ScaleRating& r : session.ratings) {
    if (r.scale != Scale::Phq9 || r.items.size() <= kItem9 || r.items[kItem9] <= 0) {
      continue;
    }
    Alert a;
    a.patient = session.patient;
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
  std::stable_sort(all.begin(), all.end(),
                   [](const Alert& a, const Alert& b) { return a.raised_at < b.raised_at; });
  return all;
}

}  // namespace ketapath::clinic
