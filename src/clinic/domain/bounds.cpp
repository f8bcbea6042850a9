#include "clinic/domain/bounds.h"

#include <cmath>

#include "clinic/domain/dose_calculator.h"
#include "core/check.h"
#include "core/number_text.h"

namespace ketapath::clinic {

core::Status check_bound(std::string_view where, std::string_view key, double value,
                         const Bound& bound) {
  return core::check_range(fmt::format("{}: {}", where, key), value, bound.unit,
                           {bound.low, bound.high});
}

core::Status validate_dosing_policy(const DosingPolicy& p) {
  constexpr std::string_view kWhere = "dosing policy";
  KETAPATH_TRY(check_bound(kWhere, "max_weight_age_days", p.max_weight_age_days, kWeightAgeDays));
  KETAPATH_TRY(check_bound(kWhere, "min_weight_kg", p.min_weight.value(), kPolicyWeightKg));
  KETAPATH_TRY(check_bound(kWhere, "max_weight_kg", p.max_weight.value(), kPolicyWeightKg));
  if (!(p.min_weight < p.max_weight)) {
    return core::fail(core::ErrorCode::Validation,
                      "{}: min_weight_kg must be below max_weight_kg (got {}-{} kg)", kWhere,
                      core::display_number(p.min_weight.value()),
                      core::display_number(p.max_weight.value()));
  }
  KETAPATH_TRY(check_bound(kWhere, "screening_validity_days", p.screening_validity_days,
                           kScreeningValidityDays));
  KETAPATH_TRY(check_bound(kWhere, "screening_warning_days", p.screening_warning_days,
                           kScreeningWarningDays));
  KETAPATH_TRY(check_bound(kWhere, "min_dose_interval_hours", p.min_dose_interval_hours,
                           kDoseIntervalHours));
  KETAPATH_TRY(check_bound(kWhere, "max_sc_volume_ml", p.max_sc_volume.value(), kScVolumeMl));
  KETAPATH_TRY(check_bound(kWhere, "max_im_volume_ml", p.max_im_volume.value(), kImVolumeMl));
  return {};
}

core::Status check_threshold_bounds(const SafetyThresholds& t) {
  constexpr std::string_view kWhere = "safety thresholds";
  const std::tuple<std::string_view, double, const Bound&> checks[] = {
      {"pre_dose_systolic_mmhg", t.pre_dose_systolic, kPreDoseSystolic},
      {"pre_dose_diastolic_mmhg", t.pre_dose_diastolic, kPreDoseDiastolic},
      {"pre_dose_heart_rate_bpm", t.pre_dose_heart_rate, kPreDoseHeartRate},
      {"pause_systolic_mmhg", t.pause_systolic, kPauseSystolic},
      {"stop_systolic_mmhg", t.stop_systolic, kStopSystolic},
      {"pause_diastolic_mmhg", t.pause_diastolic, kPauseDiastolic},
      {"stop_diastolic_mmhg", t.stop_diastolic, kStopDiastolic},
      {"pause_heart_rate_bpm", t.pause_heart_rate, kPauseHeartRate},
      {"stop_heart_rate_bpm", t.stop_heart_rate, kStopHeartRate},
      {"pause_spo2_percent", t.pause_spo2, kPauseSpo2},
      {"stop_spo2_percent", t.stop_spo2, kStopSpo2},
      {"cadss_alert_total", t.cadss_alert_total, kCadssAlertTotal},
      {"min_observation_minutes", t.min_observation_minutes, kMinObservationMin},
      {"discharge_systolic_band_mmhg", t.discharge_systolic_band, kDischargeBloodPressureBand},
      {"discharge_diastolic_band_mmhg", t.discharge_diastolic_band, kDischargeBloodPressureBand},
      {"discharge_heart_rate_band_bpm", t.discharge_heart_rate_band, kDischargeHeartRateBand},
  };
  for (const auto& [key, value, bound] : checks) {
    KETAPATH_TRY(check_bound(kWhere, key, value, bound));
  }
  return {};
}

core::Status check_library_bounds(std::string_view where, const RouteLimits& l) {
  for (const auto& [key, value] : {std::pair{"min_dose_mg_per_kg", l.min_dose.value()},
                                   std::pair{"default_dose_mg_per_kg", l.default_dose.value()},
                                   std::pair{"soft_max_mg_per_kg", l.soft_max.value()},
                                   std::pair{"hard_max_mg_per_kg", l.hard_max.value()}}) {
    KETAPATH_TRY(check_bound(where, key, value, kLibraryDosePerKg));
  }
  KETAPATH_TRY(check_bound(where, "absolute_cap_mg", l.absolute_cap.value(), kLibraryCapMg));
  for (const auto c : l.concentrations) {
    KETAPATH_TRY(check_bound(where, "concentration", c.value(), kLibraryConcentration));
  }
  if (l.route == Route::Iv) {
    for (const auto& [key, value] : {std::pair{"min_duration_min", l.min_duration.value()},
                                     std::pair{"default_duration_min", l.default_duration.value()},
                                     std::pair{"max_duration_min", l.max_duration.value()}}) {
      KETAPATH_TRY(check_bound(where, key, value, kLibraryDurationMin));
    }
  }
  return {};
}

}  // namespace ketapath::clinic
