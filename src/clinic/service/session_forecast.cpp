// clinic::forecast_session (session_forecast.h): the patient's record -> the engine's input.

#include "clinic/service/session_forecast.h"

#include <algorithm>

#include <fmt/format.h>

#include "clinic/domain/patient.h"
#include "clinic/domain/safety.h"
#include "clinic/domain/session.h"
#include "clinic/service/service.h"
#include "pd/ketamine_model.h"

namespace ketapath::clinic {
namespace {

double hours_between(Timestamp from, Timestamp to) {
  return static_cast<double>((to - from).count()) / 3600.0;
}

core::Hours infusion_time(const Session& s) {
  if (s.route == Route::Iv && s.dose_ended_at && *s.dose_ended_at > s.started_at) {
    return core::Hours(hours_between(s.started_at, *s.dose_ended_at));
  }
  return core::Hours(0.0);
}

/// The recorded readings as changes from the last reading before the dose.
std::vector<std::pair<core::Hours, std::pair<std::string, double>>> changes_of(
    const Session& s, std::vector<std::string>& notes) {
  std::vector<std::pair<core::Hours, std::pair<std::string, double>>> out;
  const VitalSigns* baseline = nullptr;
  for (const auto& v : s.vitals) {
    if (v.phase == Phase::Before) {
      baseline = &v;
    }
  }
  if (baseline == nullptr) {
    notes.push_back("no reading before the dose: the recorded vitals cannot be compared");
    return out;
  }
  for (const auto& v : s.vitals) {
    if (v.phase == Phase::Before) {
      continue;
    }
    const core::Hours t(hours_between(s.started_at, v.measured_at));
    if (v.systolic && baseline->systolic) {
      out.push_back({t, {"systolic", v.systolic->value() - baseline->systolic->value()}});
    }
    if (v.diastolic && baseline->diastolic) {
      out.push_back({t, {"diastolic", v.diastolic->value() - baseline->diastolic->value()}});
    }
    if (v.heart_rate && baseline->heart_rate) {
      out.push_back({t, {"heart rate", v.heart_rate->value() - baseline->heart_rate->value()}});
    }
  }
  return out;
}

}  // namespace

core::Result<ClinicSessionForecast> forecast_session(ClinicService& clinic, PatientId id,
                                                     const pd::KetamineModel& model,
                                                     const SessionForecastQuery& query) {
  const Patient patient = KETAPATH_TRY(clinic.patient(id));
  auto sessions = KETAPATH_TRY(clinic.sessions(id));
  const SafetyThresholds thresholds = KETAPATH_TRY(clinic.safety_thresholds());
  std::ranges::sort(sessions, {}, &Session::started_at);
  ClinicSessionForecast out;
  out.patient = id;
  out.model = query.model_label;
  estimation::SessionPredictionInput in;
  in.seed = query.seed;
  in.draws = query.draws;
  in.systolic_band = core::MillimetresOfMercury(thresholds.discharge_systolic_band);
  in.diastolic_band = core::MillimetresOfMercury(thresholds.discharge_diastolic_band);
  in.heart_rate_band = core::BeatsPerMinute(thresholds.discharge_heart_rate_band);
  in.min_observation = core::Minutes(thresholds.min_observation_minutes);

  const Session* recorded = nullptr;
  if (query.session) {
    const auto it = std::ranges::find(sessions, *query.session, &Session::id);
    if (it == sessions.end()) {
      return core::fail(core::ErrorCode::NotFound, "session forecast: patient {} has no session {}",
                        id.value(), query.session->value());
    }
    recorded = &*it;
    if (!(recorded->dose.value() > 0.0)) {
      return core::fail(core::ErrorCode::Validation, "session forecast: session {} records no dose",
                        recorded->id.value());
    }
  }
  const Timestamp start = recorded != nullptr ? recorded->started_at : clinic.now();
  const Date day = day_of(start);
  in.covariates.age_years = age_in_years(patient.birth_date, day);
  in.covariates.sex = patient.sex;
  out.data_notes.push_back(
      "no history of hypertension is recorded by the clinic: the model's response without it");
  if (recorded != nullptr) {
    out.session = recorded->id;
    out.started_at = recorded->started_at;
    out.route = recorded->route;
    out.dose = recorded->dose;
    in.dose = {
        .route = recorded->route, .amount = recorded->dose, .duration = infusion_time(*recorded)};
    if (const auto w = latest_weight(patient, day)) {
      in.covariates.weight = w->weight;
    }
  } else {
    if (!(query.dose.value() > 0.0)) {
      return core::fail(core::ErrorCode::Validation,
                        "session forecast: dose must be > 0 mg/kg (got {} mg/kg)",
                        query.dose.value());
    }
    const auto w = latest_weight(patient, day);
    if (!w) {
      return core::fail(core::ErrorCode::Validation,
                        "session forecast: patient {} has no weight on record; weigh first",
                        id.value());
    }
    in.covariates.weight = w->weight;
    out.route = query.route;
    out.dose = core::Milligrams(query.dose.value() * w->weight.value());
    in.dose = {.route = query.route,
               .amount = out.dose,
               .duration = query.route == Route::Iv ? core::Hours(query.duration.value() / 60.0)
                                                    : core::Hours(0.0)};
  }
  out.weight = in.covariates.weight;
  out.duration = core::Minutes(in.dose.duration.value() * 60.0);
  for (const Session& s : sessions) {
    if (s.dose.value() > 0.0 && s.started_at < start) {
      in.earlier.push_back({.time = core::Hours(hours_between(start, s.started_at)),
                            .route = s.route,
                            .amount = s.dose,
                            .duration = infusion_time(s)});
    }
  }
  out.data_notes.push_back(fmt::format(
      "{} earlier dose(s) (CADSS tolerance); weight {} kg, age {}; between-patient variability "
      "only: the bands do not include reading-to-reading error",
      in.earlier.size(), in.covariates.weight.value(), in.covariates.age_years));
  out.prediction = KETAPATH_TRY(estimation::predict_session(model, in));
  if (recorded != nullptr) {
    const auto changes = changes_of(*recorded, out.data_notes);
    out.readings = estimation::check_readings(out.prediction, changes);
  }
  return out;
}

nlohmann::json to_json(const ClinicSessionForecast& f) {
  using nlohmann::json;
  const auto& p = f.prediction;
  const auto band = [&](const estimation::Band& b) {
    return json{{"lower95", b.lower95},
                {"lower80", b.lower80},
                {"median", b.median},
                {"upper80", b.upper80},
                {"upper95", b.upper95}};
  };
  std::vector<double> hours;
  for (const auto t : p.time) {
    hours.push_back(t.value());
  }
  std::vector<double> checks;
  for (const auto t : p.vitals_checks) {
    checks.push_back(t.value());
  }
  json readings = json::array();
  for (const auto& r : f.readings) {
    readings.push_back({{"hours", r.time.value()},
                        {"measure", r.measure},
                        {"change", r.change},
                        {"lower95", r.lower95},
                        {"upper95", r.upper95},
                        {"above", r.above},
                        {"below", r.below}});
  }
  json j = {{"patient", f.patient.value()},
            {"model", f.model},
            {"route", std::string(pd::route_name(f.route))},
            {"dose_mg", f.dose.value()},
            {"weight_kg", f.weight.value()},
            {"infusion_minutes", f.duration.value()},
            {"earlier_doses", p.earlier_doses},
            {"draws", p.draws},
            {"data_notes", f.data_notes},
            {"hours", hours},
            {"plasma_mg_per_l", band(p.plasma)},
            {"effect_site_mg_per_l", band(p.effect_site)},
            {"cadss", band(p.cadss)},
            {"systolic_rise_mmhg", band(p.systolic_rise)},
            {"diastolic_rise_mmhg", band(p.diastolic_rise)},
            {"heart_rate_rise_bpm", band(p.heart_rate_rise)},
            {"peak_systolic_hours", p.peak_systolic.value()},
            {"peak_systolic_median_mmhg", p.peak_systolic_median},
            {"peak_systolic_upper95_mmhg", p.peak_systolic_upper95},
            {"peak_cadss_hours", p.peak_cadss.value()},
            {"peak_cadss_median", p.peak_cadss_median},
            {"peak_cadss_upper95", p.peak_cadss_upper95},
            {"vitals_check_hours", checks},
            {"minimum_discharge_hours", p.minimum_discharge.value()},
            {"earliest_discharge_hours",
             p.earliest_discharge ? json(p.earliest_discharge->value()) : json(nullptr)},
            {"readings", readings}};
  if (f.session) {
    j["session"] = f.session->value();
    j["started_at"] = format_timestamp(*f.started_at);
  }
  return j;
}

}  // namespace ketapath::clinic
