// The JSON forms of the clinic's values (json.h). Keys carry units; optional values are null.

#include "clinic/json/json.h"

namespace ketapath::clinic {
namespace {

template <class T, class F>
Json opt(const std::optional<T>& v, F&& f) {
  return v ? Json(f(*v)) : Json(nullptr);
}

template <class T>
Json list(const std::vector<T>& values) {
  Json out = Json::array();
  for (const auto& v : values) {
    out.push_back(to_json(v));
  }
  return out;
}

Json answer(const std::optional<bool>& v) {
  return v ? Json(*v) : Json(nullptr);  // unknown is null, never false
}

Json id_or_null(long long v) {
  return v > 0 ? Json(v) : Json(nullptr);
}

}  // namespace

std::string canonical(const Json& j) {
  return j.dump();
}

Json to_json(const WeightRecord& v) {
  return {{"measured_on", format_date(v.measured_on)},
          {"weight_kg", v.weight.value()},
          {"estimated", v.estimated}};
}

Json to_json(const Diagnosis& v) {
  return {{"disorder", to_string(v.disorder)},
          {"icd10", v.icd10},
          {"diagnosed_on", format_date(v.diagnosed_on)},
          {"primary", v.primary}};
}

Json to_json(const TreatmentTrial& v) {
  return {{"kind", to_string(v.kind)},
          {"name", v.name},
          {"daily_dose_mg", opt(v.daily_dose, [](auto d) { return d.value(); })},
          {"min_therapeutic_daily_dose_mg",
           opt(v.min_therapeutic_daily_dose, [](auto d) { return d.value(); })},
          {"started_on", opt(v.started_on, [](auto d) { return format_date(d); })},
          {"duration_weeks", v.duration_weeks},
          {"psychotherapy_sessions", v.psychotherapy_sessions},
          {"outcome", to_string(v.outcome)},
          {"notes", v.notes}};
}

Json to_json(const MedicationEntry& v) {
  return {{"action", to_string(v.action)},
          {"name", v.name},
          {"dose", v.dose},
          {"frequency", v.frequency},
          {"on", format_date(v.on)},
          {"note", v.note},
          {"recorded_by", v.recorded_by},
          {"recorded_at", format_timestamp(v.recorded_at)}};
}

Json to_json(const ActiveMedication& v) {
  return {{"name", v.name},
          {"dose", v.dose},
          {"frequency", v.frequency},
          {"started_on", format_date(v.started_on)}};
}

Json to_json(const Patient& v) {
  Json j = {{"id", id_or_null(v.id.value())},
            {"name", v.name},
            {"birth_date", format_date(v.birth_date)},
            {"sex", pd::sex_name(v.sex)},
            {"weights", list(v.weights)},
            {"diagnoses", list(v.diagnoses)},
            {"treatment_history", list(v.treatment_history)},
            {"created_at", format_timestamp(v.created_at)}};
  if (!v.medications.empty()) {  // the medication log (only when kept, as before issue 15)
    j["medications"] = list(v.medications);
  }
  return j;
}

Json to_json(const ScreeningPolicy& v) {
  return {{"resistance", to_string(v.resistance)},
          {"min_trial_weeks", v.min_trial_weeks},
          {"min_psychotherapy_sessions", v.min_psychotherapy_sessions},
          {"exclude_current_depression", v.exclude_current_depression},
          {"require_gad", v.require_gad},
          {"min_age_years", v.min_age_years}};
}

Json to_json(const ScreeningInput& v) {
  const GadCriteria& g = v.gad;
  const Contraindications& c = v.contraindications;
  return {{"gad",
           {{"worry_duration_months", opt(g.worry_duration_months, [](int m) { return m; })},
            {"worry_more_days_than_not", answer(g.worry_more_days_than_not)},
            {"worry_hard_to_control", answer(g.worry_hard_to_control)},
            {"restlessness", answer(g.restlessness)},
            {"easily_fatigued", answer(g.easily_fatigued)},
            {"poor_concentration", answer(g.poor_concentration)},
            {"irritability", answer(g.irritability)},
            {"muscle_tension", answer(g.muscle_tension)},
            {"sleep_disturbance", answer(g.sleep_disturbance)},
            {"distress_or_impairment", answer(g.distress_or_impairment)},
            {"not_better_explained", answer(g.not_better_explained)}}},
          {"contraindications",
           {{"uncontrolled_hypertension", answer(c.uncontrolled_hypertension)},
            {"aneurysm_or_avm", answer(c.aneurysm_or_avm)},
            {"intracranial_bleed_history", answer(c.intracranial_bleed_history)},
            {"psychosis", answer(c.psychosis)},
            {"pregnancy", answer(c.pregnancy)},
            {"active_substance_use_disorder", answer(c.active_substance_use_disorder)},
            {"current_depression", answer(c.current_depression)},
            {"ischaemic_heart_or_cerebrovascular_disease",
             answer(c.ischaemic_heart_or_cerebrovascular_disease)},
            {"raised_intracranial_pressure", answer(c.raised_intracranial_pressure)},
            {"severe_hepatic_impairment", answer(c.severe_hepatic_impairment)},
            {"interacting_medication", answer(c.interacting_medication)}}},
          {"policy", to_json(v.policy)}};
}

Json to_json(const ScreeningResult& v) {
  Json j = {{"eligibility", to_string(v.eligibility)},
            {"gad_criteria_met", v.gad_criteria_met},
            {"gad_symptom_count", v.gad_symptom_count},
            {"treatment_resistant", v.treatment_resistant},
            {"failed_adequate_trials", v.failed_adequate_trials},
            {"failed_adequate_psychotherapy", v.failed_adequate_psychotherapy},
            {"reasons", v.reasons}};
  // Present only when some answer was unknown, so a complete screening's JSON is unchanged.
  if (!v.unknown_answers.empty()) {
    j["unknown_answers"] = v.unknown_answers;
    j["unknown_exclusions"] = v.unknown_exclusions;
  }
  return j;
}

Json to_json(const Amendment& v) {
  Json j = {{"id", id_or_null(v.id.value())},
            {"patient", v.patient.value()},
            {"record_kind", to_string(v.kind)},
            {"record", v.record},
            {"field", v.field},
            {"original", v.original},
            {"amended", v.amended},
            {"reason", v.reason},
            {"amended_by", v.amended_by},
            {"amended_at", format_timestamp(v.amended_at)}};
  if (v.replacement) {
    j["replacement"] = v.replacement->value();
  }
  return j;
}

namespace {

/// Adds "amendments" (and what else is given) only to an amended record, so an unamended one
/// reads exactly as before amendments existed.
void add_amendments(Json& j, const std::vector<Amendment>& amendments) {
  if (!amendments.empty()) {
    j["amendments"] = list(amendments);
  }
}

}  // namespace

Json to_json(const ScreeningRecord& v) {
  Json j = {{"id", id_or_null(v.id.value())},
            {"patient", v.patient.value()},
            {"performed_at", format_timestamp(v.performed_at)},
            {"screened_on", format_date(screening_day(v))},
            {"performed_by", v.performed_by},
            {"input", to_json(v.input)},
            {"result", to_json(v.result)}};
  if (v.amends) {
    j["amends"] = v.amends->value();
  }
  add_amendments(j, v.amendments);
  return j;
}

Json to_json(const RouteLimits& v) {
  Json conc = Json::array();
  for (const auto c : v.concentrations) {
    conc.push_back(c.value());
  }
  return {{"route", pd::route_name(v.route)},
          {"concentrations_mg_per_ml", conc},
          {"default_mg_per_kg", v.default_dose.value()},
          {"min_mg_per_kg", v.min_dose.value()},
          {"soft_max_mg_per_kg", v.soft_max.value()},
          {"hard_max_mg_per_kg", v.hard_max.value()},
          {"absolute_cap_mg", v.absolute_cap.value()},
          {"default_duration_min", v.default_duration.value()},
          {"min_duration_min", v.min_duration.value()},
          {"max_duration_min", v.max_duration.value()}};
}

Json to_json(const DrugEntry& v) {
  return {{"id", id_or_null(v.id.value())},
          {"name", v.name},
          {"limits", list(v.limits)},
          {"advisory", v.advisory}};
}

Json to_json(const DosingPolicy& v) {
  return {{"max_weight_age_days", v.max_weight_age_days},
          {"min_weight_kg", v.min_weight.value()},
          {"max_weight_kg", v.max_weight.value()},
          {"screening_validity_days", v.screening_validity_days},
          {"screening_warning_days", v.screening_warning_days},
          {"min_dose_interval_hours", v.min_dose_interval_hours},
          {"max_sc_volume_ml", v.max_sc_volume.value()},
          {"max_im_volume_ml", v.max_im_volume.value()}};
}

Json to_json(const DoseCalculation& v) {
  return {{"weight_kg", v.weight.value()},
          {"weight_measured_on", format_date(v.weight_measured_on)},
          {"dose_mg_per_kg", v.dose_per_kg.value()},
          {"dose_mg", v.dose.value()},
          {"concentration_mg_per_ml", v.concentration.value()},
          {"volume_ml", v.volume.value()},
          {"duration_min", opt(v.duration, [](auto d) { return d.value(); })},
          {"rate_ml_per_h", opt(v.rate, [](auto d) { return d.value(); })},
          {"dose_rate_mg_per_kg_per_h", opt(v.dose_rate_mg_per_kg_per_h, [](auto d) { return d; })},
          {"limit", to_string(v.limit)},
          {"override_reason", v.override_reason},
          {"arithmetic", v.arithmetic},
          {"warnings", v.warnings}};
}

Json to_json(const DoseRecord& v) {
  Json j = to_json(v.calculation);
  j["id"] = id_or_null(v.id.value());
  j["patient"] = v.patient.value();
  j["session"] = opt(v.session, [](auto s) { return s.value(); });
  j["route"] = pd::route_name(v.route);
  j["drug"] = v.drug;
  j["calculated_at"] = format_timestamp(v.calculated_at);
  j["calculated_by"] = v.calculated_by;
  j["order"] = opt(v.order, [](const auto& o) { return to_json(o); });
  return j;
}

Json to_json(const OrderTerms& v) {
  return {{"valid_from", format_date(v.valid_from)},
          {"valid_until", opt(v.valid_until, [](auto d) { return format_date(d); })},
          {"course", opt(v.course, [](auto c) { return c.value(); })},
          {"status", v.status == OrderStatus::Active ? "active" : "discontinued"},
          {"discontinued_at", opt(v.discontinued_at, [](auto t) { return format_timestamp(t); })},
          {"discontinued_by", v.discontinued_by},
          {"discontinue_reason", v.discontinue_reason}};
}

Json to_json(const PreDoseChecklist& v) {
  return {
      {"last_food_at", opt(v.last_food_at, [](auto t) { return format_timestamp(t); })},
      {"escort_home_arranged", answer(v.escort_home_arranged)},
      {"pregnancy_test", opt(v.pregnancy_test, [](auto t) { return std::string(to_string(t)); })},
      {"new_medications_or_illness", answer(v.new_medications_or_illness)},
      {"new_medications_note", v.new_medications_note},
      {"consent_current", answer(v.consent_current)},
      {"waivers", v.waivers}};
}

Json to_json(const OrderCheck& v) {
  return {{"id", id_or_null(v.id.value())},
          {"order", v.order.value()},
          {"patient", v.patient.value()},
          {"kind", to_string(v.kind)},
          {"day", format_date(v.day)},
          {"weight_kg", opt(v.weight, [](auto w) { return w.value(); })},
          {"dose_mg", opt(v.dose, [](auto d) { return d.value(); })},
          {"item", opt(v.item, [](auto i) { return std::string(to_string(i)); })},
          {"reason", v.reason},
          {"recorded_by", v.recorded_by},
          {"recorded_at", format_timestamp(v.recorded_at)},
          {"session", opt(v.session, [](auto s) { return s.value(); })}};
}

Json to_json(const MedicationSafetyPolicy& v) {
  return {{"double_check_iv", v.double_check_iv},
          {"double_check_sc", v.double_check_sc},
          {"double_check_im", v.double_check_im},
          {"min_fasting_hours", v.min_fasting_hours}};
}

Json to_json(const PlannedSession& v) {
  return {{"number", v.number},
          {"planned_on", format_date(v.planned_on)},
          {"route", pd::route_name(v.route)},
          {"dose_mg_per_kg", v.dose.value()},
          {"duration_min", opt(v.duration, [](auto d) { return d.value(); })},
          {"status", to_string(v.status)},
          {"actual_on", opt(v.actual_on, [](auto d) { return format_date(d); })},
          {"session", opt(v.session, [](auto s) { return s.value(); })},
          {"note", v.note}};
}

Json to_json(const ScheduledSession& v) {
  return {{"patient", v.patient.value()},
          {"patient_name", v.patient_name},
          {"course", v.course.value()},
          {"protocol", to_string(v.protocol)},
          {"of", v.of},
          {"session", to_json(v.session)}};
}

Json to_json(const Course& v) {
  return {{"id", id_or_null(v.id.value())},
          {"patient", v.patient.value()},
          {"protocol", to_string(v.protocol)},
          {"start", format_date(v.start)},
          {"status", to_string(v.status)},
          {"sessions", list(v.sessions)},
          {"notes", v.notes},
          {"created_at", format_timestamp(v.created_at)},
          {"created_by", v.created_by},
          {"status_reason", v.status_reason},
          {"overlap_reason", v.overlap_reason}};
}

Json to_json(const VitalSigns& v) {
  return {{"at", format_timestamp(v.measured_at)},
          {"phase", to_string(v.phase)},
          {"systolic_mmhg", opt(v.systolic, [](auto x) { return x.value(); })},
          {"diastolic_mmhg", opt(v.diastolic, [](auto x) { return x.value(); })},
          {"heart_rate_bpm", opt(v.heart_rate, [](auto x) { return x.value(); })},
          {"spo2_percent", opt(v.spo2_percent, [](auto x) { return x; })}};
}

Json to_json(const ScaleRating& v) {
  return {{"scale", pd::scale_record_name(v.scale)},
          {"at", format_timestamp(v.rated_at)},
          {"items", v.items},
          {"total", v.total},
          {"rater", v.rater}};
}

Json to_json(const AdverseEvent& v) {
  return {{"at", format_timestamp(v.onset_at)},
          {"description", v.description},
          {"severity", to_string(v.severity)},
          {"action", v.action},
          {"resolved", v.resolved},
          {"serious", v.serious},
          {"outcome", v.outcome}};
}

Json to_json(const DischargeReadiness& v) {
  return {{"at", format_timestamp(v.assessed_at)},
          {"alert_and_oriented", v.alert_and_oriented},
          {"vitals_near_baseline", v.vitals_near_baseline},
          {"ambulating_steadily", v.ambulating_steadily},
          {"escort_present", v.escort_present},
          {"ready", v.ready},
          {"not_ready_reasons", v.not_ready_reasons},
          {"assessed_by", v.assessed_by},
          {"notes", v.notes}};
}

Json to_json(const Session& v) {
  Json j = {{"id", id_or_null(v.id.value())},
            {"patient", v.patient.value()},
            {"course", opt(v.course, [](auto c) { return c.value(); })},
            {"course_session", opt(v.course_session_number, [](auto n) { return n; })},
            {"dose_record", opt(v.dose_record, [](auto d) { return d.value(); })},
            {"stock_lot", opt(v.stock_lot, [](auto l) { return l.value(); })},
            {"route", pd::route_name(v.route)},
            {"dose_mg_per_kg", v.dose_per_kg.value()},
            {"dose_mg", v.dose.value()},
            {"started_at", format_timestamp(v.started_at)},
            {"ended_at", format_timestamp(v.ended_at)},
            {"dose_ended_at", opt(v.dose_ended_at, [](auto t) { return format_timestamp(t); })},
            {"vitals", list(v.vitals)},
            {"ratings", list(v.ratings)},
            {"adverse_events", list(v.adverse_events)},
            {"discharge", opt(v.discharge, [](const auto& d) { return to_json(d); })},
            {"notes", v.notes},
            {"checklist", opt(v.checklist, [](const auto& c) { return to_json(c); })},
            {"double_check", opt(v.double_check, [](auto c) { return c.value(); })},
            {"checked_by", v.checked_by},
            {"recorded_by", v.recorded_by},
            {"recorded_at", format_timestamp(v.recorded_at)}};
  add_amendments(j, v.amendments);
  return j;
}

Json to_json(const Alert& v) {
  return {{"id", id_or_null(v.id.value())},
          {"patient", v.patient.value()},
          {"session", opt(v.session, [](auto s) { return s.value(); })},
          {"at", format_timestamp(v.raised_at)},
          {"level", to_string(v.level)},
          {"measure", v.measure},
          {"value", v.value},
          {"unit", v.unit},
          {"threshold", v.threshold},
          {"message", v.message},
          {"acknowledged", v.acknowledged},
          {"acknowledged_by", v.acknowledged_by},
          {"acknowledged_at", opt(v.acknowledged_at, [](auto t) { return format_timestamp(t); })},
          {"acknowledgement_note", v.acknowledgement_note}};
}

Json to_json(const Consent& v) {
  return {{"id", id_or_null(v.id.value())},
          {"patient", v.patient.value()},
          {"consented_on", format_date(v.consented_on)},
          {"form_version", v.form_version},
          {"witness", v.witness},
          {"recorded_at", format_timestamp(v.recorded_at)},
          {"recorded_by", v.recorded_by}};
}

Json to_json(const Clearance& v) {
  return {{"id", id_or_null(v.id.value())},
          {"patient", v.patient.value()},
          {"screening", v.screening.value()},
          {"reason", v.reason},
          {"cleared_at", format_timestamp(v.cleared_at)},
          {"cleared_by", v.cleared_by}};
}

Json to_json(const ClearanceBasis& v) {
  return {{"consent", v.consent.value()},
          {"screening", v.screening.value()},
          {"screened_on", format_date(v.screened_on)},
          {"valid_until", format_date(v.valid_until)},
          {"eligibility", to_string(v.eligibility)},
          {"clearance", opt(v.clearance, [](auto c) { return c.value(); })}};
}

Json to_json(const User& v) {
  Json roles = Json::array();
  for (const Role r : v.roles) {
    roles.push_back(to_string(r));
  }
  return {{"name", v.name},
          {"roles", roles},
          {"enabled", v.enabled},
          {"created_at", format_timestamp(v.created_at)},
          {"created_by", v.created_by}};
}

Json to_json(const SafetyThresholds& v) {
  return {{"pre_dose_systolic_mmhg", v.pre_dose_systolic},
          {"pre_dose_diastolic_mmhg", v.pre_dose_diastolic},
          {"pre_dose_heart_rate_bpm", v.pre_dose_heart_rate},
          {"pause_systolic_mmhg", v.pause_systolic},
          {"pause_diastolic_mmhg", v.pause_diastolic},
          {"stop_systolic_mmhg", v.stop_systolic},
          {"stop_diastolic_mmhg", v.stop_diastolic},
          {"pause_heart_rate_bpm", v.pause_heart_rate},
          {"stop_heart_rate_bpm", v.stop_heart_rate},
          {"pause_spo2_percent", v.pause_spo2},
          {"stop_spo2_percent", v.stop_spo2},
          {"cadss_alert_total", v.cadss_alert_total},
          {"min_observation_minutes", v.min_observation_minutes},
          {"discharge_systolic_band_mmhg", v.discharge_systolic_band},
          {"discharge_diastolic_band_mmhg", v.discharge_diastolic_band},
          {"discharge_heart_rate_band_bpm", v.discharge_heart_rate_band}};
}

namespace {

Json points_json(const std::vector<TrajectoryPoint>& points) {
  Json out = Json::array();
  for (const auto& p : points) {
    out.push_back({{"at", format_timestamp(p.rated_at)},
                   {"session_index", p.session_index},
                   {"infusion", p.infusion},
                   {"hours_since_dose", opt(p.hours_since_dose, [](double h) { return h; })},
                   {"timing", to_string(p.timing)},
                   {"total", p.total},
                   {"change_from_baseline", p.change_from_baseline}});
  }
  return out;
}

}  // namespace

Json to_json(const ResponseSummary& v) {
  return {
      {"scale", pd::scale_record_name(v.scale)},
      {"baseline", opt(v.baseline, [](int b) { return b; })},
      {"baseline_at", opt(v.baseline_at, [](auto t) { return format_timestamp(t); })},
      {"trajectory", points_json(v.trajectory)},
      {"acute", points_json(v.acute)},
      {"latest", to_string(v.latest)},
      {"best", to_string(v.best)},
      {"best_change", opt(v.best_change, [](double b) { return b; })},
      {"sessions", v.sessions},
      {"consecutive_response", v.consecutive_response},
      {"consecutive_remission", v.consecutive_remission},
      {"sustained", v.sustained},
      {"first_response_infusion", opt(v.first_response_infusion, [](int n) { return n; })},
      {"first_response_at", opt(v.first_response_at, [](auto t) { return format_timestamp(t); })},
      {"trend", v.trend},
      {"recommendation", to_string(v.recommendation)},
      {"suggestion", v.suggestion},
      {"responder_total", opt(v.responder_total, [](int t) { return t; })},
      {"remission_total", opt(v.remission_total, [](int t) { return t; })}};
}

Json to_json(const ResponsePlan& v) {
  Json dates = Json::array();
  for (const Date d : v.proposed_dates) {
    dates.push_back(format_date(d));
  }
  return {{"scales", list(v.scales)},
          {"recommendation", to_string(v.recommendation)},
          {"decided_by",
           opt(v.decided_by, [](Scale s) { return std::string(pd::scale_record_name(s)); })},
          {"rule", v.rule},
          {"proposed_dates", dates},
          {"dates_basis", v.dates_basis}};
}

Json to_json(const Assessment& v) {
  Json j = {{"id", id_or_null(v.id.value())},
            {"patient", v.patient.value()},
            {"rating", to_json(v.rating)},
            {"last_dose_session", opt(v.last_dose_session, [](auto s) { return s.value(); })},
            {"hours_since_dose", opt(v.hours_since_dose, [](double h) { return h; })},
            {"timing", to_string(v.timing)},
            {"flags", v.flags},
            {"notes", v.notes},
            {"recorded_by", v.recorded_by},
            {"recorded_at", format_timestamp(v.recorded_at)}};
  add_amendments(j, v.amendments);
  return j;
}

Json to_json(const ClinicCalendar& v) {
  return {{"time_zone", v.time_zone}, {"clinic_days", open_day_names(v)}};
}

Json to_json(const ResponsePolicy& v) {
  return {{"responder_reduction", v.responder_reduction},
          {"partial_reduction", v.partial_reduction},
          {"loading_sessions", v.loading_sessions},
          {"sustained_ratings", v.stable_ratings}};
}

Json to_json(const CareTeamMember& v) {
  return {{"id", id_or_null(v.id.value())},
          {"patient", v.patient.value()},
          {"role", to_string(v.role)},
          {"name", v.name},
          {"practice", v.practice},
          {"contact", v.contact},
          {"added_at", format_timestamp(v.added_at)},
          {"added_by", v.added_by}};
}

Json to_json(const ConsultationRequest& v) {
  return {{"id", id_or_null(v.id.value())},
          {"reference", v.reference},
          {"name", v.name},
          {"phone", v.phone},
          {"email", v.email},
          {"preferred_times", v.preferred_times},
          {"reason", v.reason},
          {"received_at", format_timestamp(v.received_at)},
          {"status", to_string(v.status)},
          {"note", v.note},
          {"updated_at", v.updated_at ? Json(format_timestamp(*v.updated_at)) : Json(nullptr)},
          {"updated_by", v.updated_by},
          {"patient", v.patient ? Json(v.patient->value()) : Json(nullptr)}};
}

}  // namespace ketapath::clinic
