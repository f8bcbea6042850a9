// Strict readers of the clinic's JSON inputs (json.h).

#include <algorithm>

#include "clinic/domain/bounds.h"
#include "clinic/domain/validation.h"
#include "clinic/json/json.h"
#include "clinic/json/json_reader.h"
#include "core/check.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;
using detail::JsonReader;

// Applies an enum parser to an optional string, turning its error into InvalidData at the path.
template <class E>
core::Result<std::optional<E>> enum_field(JsonReader& r, std::string_view key,
                                          core::Result<E> (*parse)(std::string_view)) {
  auto text = KETAPATH_TRY(r.string(key));
  if (!text) {
    return std::optional<E>{};
  }
  auto value = parse(*text);
  if (!value) {
    return core::fail(ErrorCode::InvalidData, "{}: {}", r.at(key), value.error().message);
  }
  return std::optional<E>(*value);
}

// Calls `each(element, path)` for every element of an optional array.
template <class F>
core::Status for_each(JsonReader& r, std::string_view key, F&& each) {
  const Json* arr = r.child(key);
  if (arr == nullptr) {
    return {};
  }
  if (!arr->is_array()) {
    return core::fail(ErrorCode::InvalidData, "{}: expected an array", r.at(key));
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    KETAPATH_TRY(each((*arr)[i], fmt::format("{}[{}]", r.at(key), i)));
  }
  return {};
}

core::Status read_bool(JsonReader& r, std::string_view key, bool& out) {
  if (auto v = KETAPATH_TRY(r.boolean(key))) {
    out = *v;
  }
  return {};
}

// A clinical yes/no: absent or null stays unknown (nullopt), never "no".
core::Status read_answer(JsonReader& r, std::string_view key, Answer& out) {
  out = KETAPATH_TRY(r.boolean(key));
  return {};
}

core::Status read_double(JsonReader& r, std::string_view key, double& out) {
  if (auto v = KETAPATH_TRY(r.number(key))) {
    out = *v;
  }
  return {};
}

core::Status read_int(JsonReader& r, std::string_view key, int& out) {
  if (auto v = KETAPATH_TRY(r.integer(key))) {
    KETAPATH_TRY(core::check_count(r.at(key), *v, "", -1000000, 1000000, ErrorCode::InvalidData));
    out = static_cast<int>(*v);
  }
  return {};
}

core::Result<VitalSigns> vitals_from(const Json& j, std::string path) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::move(path)));
  VitalSigns v;
  v.measured_at = KETAPATH_TRY(r.required(r.timestamp("at"), "at"));
  v.phase = KETAPATH_TRY(r.required(enum_field<Phase>(r, "phase", parse_phase), "phase"));
  if (auto x = KETAPATH_TRY(r.number("systolic_mmhg"))) {
    v.systolic = core::MillimetresOfMercury(*x);
  }
  if (auto x = KETAPATH_TRY(r.number("diastolic_mmhg"))) {
    v.diastolic = core::MillimetresOfMercury(*x);
  }
  if (auto x = KETAPATH_TRY(r.number("heart_rate_bpm"))) {
    v.heart_rate = core::BeatsPerMinute(*x);
  }
  v.spo2_percent = KETAPATH_TRY(r.number("spo2_percent"));
  KETAPATH_TRY(r.finish());
  return v;
}

core::Result<ScaleRating> rating_from(const Json& j, std::string path) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::move(path)));
  ScaleRating s;
  s.scale = KETAPATH_TRY(r.required(enum_field<Scale>(r, "scale", parse_scale), "scale"));
  s.rated_at = KETAPATH_TRY(r.required(r.timestamp("at"), "at"));
  s.rater = KETAPATH_TRY(r.string("rater")).value_or("");
  const Json* items = r.child("items");
  if (items == nullptr || !items->is_array()) {
    return core::fail(ErrorCode::InvalidData, "{}: an array of item answers is required",
                      r.at("items"));
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Json& item = (*items)[i];
    if (!item.is_number_integer()) {
      return core::fail(ErrorCode::InvalidData, "{}[{}]: expected a whole number (got {})",
                        r.at("items"), i, describe_json(item));
    }
    const auto value = item.get<long long>();
    s.items.push_back(value < -1000 ? -1000 : value > 1000 ? 1000 : static_cast<int>(value));
  }
  if (auto computed = score_items(s.scale, s.items)) {
    s.total = *computed;
  }
  if (auto total = KETAPATH_TRY(r.integer("total"))) {
    // Totals are recomputed, never trusted; a disagreeing total means a transcription error.
    if (auto computed = score_items(s.scale, s.items); computed && *computed != *total) {
      return core::fail(ErrorCode::Validation,
                        "{}: total {} does not match the sum of the items ({})", r.at("total"),
                        *total, *computed);
    }
  }
  KETAPATH_TRY(r.finish());
  return s;
}

core::Result<AdverseEvent> event_from(const Json& j, std::string path) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::move(path)));
  AdverseEvent e;
  e.onset_at = KETAPATH_TRY(r.required(r.timestamp("at"), "at"));
  e.description = KETAPATH_TRY(r.required(r.string("description"), "description"));
  e.severity =
      KETAPATH_TRY(enum_field<Severity>(r, "severity", parse_severity)).value_or(Severity::Mild);
  e.action = KETAPATH_TRY(r.string("action")).value_or("");
  KETAPATH_TRY(read_bool(r, "resolved", e.resolved));
  KETAPATH_TRY(read_bool(r, "serious", e.serious));
  e.outcome = KETAPATH_TRY(r.string("outcome")).value_or("");
  KETAPATH_TRY(r.finish());
  return e;
}

}  // namespace

core::Result<DischargeReadiness> discharge_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  DischargeReadiness d;
  d.assessed_at = KETAPATH_TRY(r.required(r.timestamp("at"), "at"));
  KETAPATH_TRY(read_bool(r, "alert_and_oriented", d.alert_and_oriented));
  KETAPATH_TRY(read_bool(r, "vitals_near_baseline", d.vitals_near_baseline));
  KETAPATH_TRY(read_bool(r, "ambulating_steadily", d.ambulating_steadily));
  KETAPATH_TRY(read_bool(r, "escort_present", d.escort_present));
  (void)r.child("ready");  // derived, recomputed by validation and assess_discharge
  (void)r.child("not_ready_reasons");
  d.assessed_by = KETAPATH_TRY(r.string("assessed_by")).value_or("");
  d.notes = KETAPATH_TRY(r.string("notes")).value_or("");
  KETAPATH_TRY(r.finish());
  return d;
}

core::Result<PreDoseChecklist> checklist_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  PreDoseChecklist c;
  c.last_food_at = KETAPATH_TRY(r.timestamp("last_food_at"));
  KETAPATH_TRY(read_answer(r, "escort_home_arranged", c.escort_home_arranged));
  c.pregnancy_test =
      KETAPATH_TRY(enum_field<PregnancyTest>(r, "pregnancy_test", parse_pregnancy_test));
  KETAPATH_TRY(read_answer(r, "new_medications_or_illness", c.new_medications_or_illness));
  c.new_medications_note = KETAPATH_TRY(r.string("new_medications_note")).value_or("");
  KETAPATH_TRY(read_answer(r, "consent_current", c.consent_current));
  if (const Json* w = r.child("waivers"); w != nullptr && w->is_array()) {
    for (const Json& e : *w) {  // derived when recorded; read back from the store
      if (e.is_string()) {
        c.waivers.push_back(e.get<std::string>());
      }
    }
  }
  KETAPATH_TRY(r.finish());
  return c;
}

core::Result<OrderTerms> order_terms_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  OrderTerms o;
  o.valid_from = KETAPATH_TRY(r.required(r.date("valid_from"), "valid_from"));
  o.valid_until = KETAPATH_TRY(r.date("valid_until"));
  if (auto c = KETAPATH_TRY(r.integer("course"))) {
    o.course = CourseId(*c);
  }
  const std::string status = KETAPATH_TRY(r.string("status")).value_or("active");
  if (status != "active" && status != "discontinued") {
    return core::fail(ErrorCode::InvalidData, "{}: must be active or discontinued (got \"{}\")",
                      r.at("status"), status);
  }
  o.status = status == "active" ? OrderStatus::Active : OrderStatus::Discontinued;
  o.discontinued_at = KETAPATH_TRY(r.timestamp("discontinued_at"));
  o.discontinued_by = KETAPATH_TRY(r.string("discontinued_by")).value_or("");
  o.discontinue_reason = KETAPATH_TRY(r.string("discontinue_reason")).value_or("");
  KETAPATH_TRY(r.finish());
  return o;
}

core::Result<MedicationSafetyPolicy> medication_safety_from_json(const Json& j,
                                                                 std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  MedicationSafetyPolicy p;
  KETAPATH_TRY(read_bool(r, "double_check_iv", p.double_check_iv));
  KETAPATH_TRY(read_bool(r, "double_check_sc", p.double_check_sc));
  KETAPATH_TRY(read_bool(r, "double_check_im", p.double_check_im));
  KETAPATH_TRY(read_double(r, "min_fasting_hours", p.min_fasting_hours));
  KETAPATH_TRY(r.finish());
  if (auto valid = validate_medication_safety(p); !valid) {
    return std::unexpected(core::with_context(valid.error(), where));
  }
  return p;
}

core::Result<Session> session_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  Session s;
  (void)r.child("id");  // assigned by the store; ignored so exported sessions read back
  (void)r.child("recorded_by");
  (void)r.child("recorded_at");
  s.patient = PatientId(KETAPATH_TRY(r.required(r.integer("patient"), "patient")));
  if (auto c = KETAPATH_TRY(r.integer("course"))) {
    s.course = CourseId(*c);
  }
  if (auto n = KETAPATH_TRY(r.integer("course_session"))) {
    s.course_session_number = static_cast<int>(std::clamp<long long>(*n, -1, 100000));
  }
  if (auto d = KETAPATH_TRY(r.integer("dose_record"))) {
    s.dose_record = DoseRecordId(*d);
  }
  if (auto l = KETAPATH_TRY(r.integer("stock_lot"))) {
    s.stock_lot = StockLotId(*l);
  }
  s.route = KETAPATH_TRY(r.required(enum_field<Route>(r, "route", parse_clinic_route), "route"));
  s.dose_per_kg = core::MilligramsPerKilogram(
      KETAPATH_TRY(r.required(r.number("dose_mg_per_kg"), "dose_mg_per_kg")));
  s.dose = core::Milligrams(KETAPATH_TRY(r.number("dose_mg")).value_or(0.0));
  s.started_at = KETAPATH_TRY(r.required(r.timestamp("started_at"), "started_at"));
  s.ended_at = KETAPATH_TRY(r.required(r.timestamp("ended_at"), "ended_at"));
  s.dose_ended_at = KETAPATH_TRY(r.timestamp("dose_ended_at"));
  const auto read_vitals = [&](const Json& e, std::string p) -> core::Status {
    s.vitals.push_back(KETAPATH_TRY(vitals_from(e, std::move(p))));
    return {};
  };
  KETAPATH_TRY(for_each(r, "vitals", read_vitals));
  const auto read_ratings = [&](const Json& e, std::string p) -> core::Status {
    s.ratings.push_back(KETAPATH_TRY(rating_from(e, std::move(p))));
    return {};
  };
  KETAPATH_TRY(for_each(r, "ratings", read_ratings));
  const auto read_adverse_events = [&](const Json& e, std::string p) -> core::Status {
    s.adverse_events.push_back(KETAPATH_TRY(event_from(e, std::move(p))));
    return {};
  };
  KETAPATH_TRY(for_each(r, "adverse_events", read_adverse_events));
  if (const Json* d = r.child("discharge")) {
    s.discharge = KETAPATH_TRY(discharge_from_json(*d, r.at("discharge")));
  }
  s.notes = KETAPATH_TRY(r.string("notes")).value_or("");
  if (const Json* c = r.child("checklist")) {
    s.checklist = KETAPATH_TRY(checklist_from_json(*c, r.at("checklist")));
  }
  if (auto c = KETAPATH_TRY(r.integer("double_check"))) {
    s.double_check = OrderCheckId(*c);
  }
  (void)r.child("checked_by");  // derived: the user who recorded the double check
  KETAPATH_TRY(r.finish());
  return s;
}

core::Result<ScreeningPolicy> screening_policy_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  ScreeningPolicy p;
  if (auto v = KETAPATH_TRY(
          enum_field<ResistanceDefinition>(r, "resistance", parse_resistance_definition))) {
    p.resistance = *v;
  }
  KETAPATH_TRY(read_double(r, "min_trial_weeks", p.min_trial_weeks));
  KETAPATH_TRY(read_int(r, "min_psychotherapy_sessions", p.min_psychotherapy_sessions));
  KETAPATH_TRY(read_bool(r, "exclude_current_depression", p.exclude_current_depression));
  KETAPATH_TRY(read_bool(r, "require_gad", p.require_gad));
  KETAPATH_TRY(read_int(r, "min_age_years", p.min_age_years));
  KETAPATH_TRY(r.finish());
  KETAPATH_TRY(core::check_range(fmt::format("{}: min_trial_weeks", where), p.min_trial_weeks,
                                 "weeks", {.low = 0.0, .high = 52.0, .low_open = true}));
  KETAPATH_TRY(core::check_count(fmt::format("{}: min_psychotherapy_sessions", where),
                                 p.min_psychotherapy_sessions, "", 1));
  KETAPATH_TRY(
      core::check_count(fmt::format("{}: min_age_years", where), p.min_age_years, "years", 18));
  return p;
}

core::Result<ScreeningInput> screening_answers_from_json(const Json& j, std::string_view where) {
  if (j.is_object() && j.contains("policy")) {
    return core::fail(ErrorCode::InvalidData,
                      "{}: policy: a screening file cannot carry its own policy; the clinic's "
                      "screening_policy setting applies (an admin changes it with settings set), "
                      "and --resistance / --allow-current-depression are a prescriber's choice",
                      where);
  }
  return screening_input_from_json(j, where);
}

core::Result<ScreeningInput> screening_input_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  ScreeningInput in;
  if (const Json* g = r.child("gad")) {
    auto gr = KETAPATH_TRY(JsonReader::open(*g, r.at("gad")));
    GadCriteria& x = in.gad;
    if (auto months = KETAPATH_TRY(gr.integer("worry_duration_months"))) {
      KETAPATH_TRY(core::check_count(gr.at("worry_duration_months"), *months, "months", 0, 1200));
      x.worry_duration_months = static_cast<int>(*months);
    }
    KETAPATH_TRY(read_answer(gr, "worry_more_days_than_not", x.worry_more_days_than_not));
    KETAPATH_TRY(read_answer(gr, "worry_hard_to_control", x.worry_hard_to_control));
    KETAPATH_TRY(read_answer(gr, "restlessness", x.restlessness));
    KETAPATH_TRY(read_answer(gr, "easily_fatigued", x.easily_fatigued));
    KETAPATH_TRY(read_answer(gr, "poor_concentration", x.poor_concentration));
    KETAPATH_TRY(read_answer(gr, "irritability", x.irritability));
    KETAPATH_TRY(read_answer(gr, "muscle_tension", x.muscle_tension));
    KETAPATH_TRY(read_answer(gr, "sleep_disturbance", x.sleep_disturbance));
    KETAPATH_TRY(read_answer(gr, "distress_or_impairment", x.distress_or_impairment));
    KETAPATH_TRY(read_answer(gr, "not_better_explained", x.not_better_explained));
    KETAPATH_TRY(gr.finish());
  }
  if (const Json* c = r.child("contraindications")) {
    auto cr = KETAPATH_TRY(JsonReader::open(*c, r.at("contraindications")));
    Contraindications& x = in.contraindications;
    KETAPATH_TRY(read_answer(cr, "uncontrolled_hypertension", x.uncontrolled_hypertension));
    KETAPATH_TRY(read_answer(cr, "aneurysm_or_avm", x.aneurysm_or_avm));
    KETAPATH_TRY(read_answer(cr, "intracranial_bleed_history", x.intracranial_bleed_history));
    KETAPATH_TRY(read_answer(cr, "psychosis", x.psychosis));
    KETAPATH_TRY(read_answer(cr, "pregnancy", x.pregnancy));
    KETAPATH_TRY(read_answer(cr, "active_substance_use_disorder", x.active_substance_use_disorder));
    KETAPATH_TRY(read_answer(cr, "current_depression", x.current_depression));
    KETAPATH_TRY(read_answer(cr, "ischaemic_heart_or_cerebrovascular_disease",
                             x.ischaemic_heart_or_cerebrovascular_disease));
    KETAPATH_TRY(read_answer(cr, "raised_intracranial_pressure", x.raised_intracranial_pressure));
    KETAPATH_TRY(read_answer(cr, "severe_hepatic_impairment", x.severe_hepatic_impairment));
    KETAPATH_TRY(read_answer(cr, "interacting_medication", x.interacting_medication));
    KETAPATH_TRY(cr.finish());
  }
  if (const Json* p = r.child("policy")) {
    in.policy = KETAPATH_TRY(screening_policy_from_json(*p, r.at("policy")));
  }
  KETAPATH_TRY(r.finish());
  return in;
}

core::Result<std::vector<TreatmentTrial>> treatment_history_from_json(const Json& j,
                                                                      std::string_view where) {
  if (!j.is_array()) {
    return core::fail(ErrorCode::InvalidData, "{}: expected an array of treatment trials", where);
  }
  std::vector<TreatmentTrial> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    auto r = KETAPATH_TRY(JsonReader::open(j[i], fmt::format("{}[{}]", where, i)));
    TreatmentTrial t;
    t.kind = KETAPATH_TRY(
        r.required(enum_field<TreatmentKind>(r, "kind", parse_treatment_kind), "kind"));
    t.name = KETAPATH_TRY(r.required(r.string("name"), "name"));
    if (auto d = KETAPATH_TRY(r.number("daily_dose_mg"))) {
      t.daily_dose = core::Milligrams(*d);
    }
    if (auto d = KETAPATH_TRY(r.number("min_therapeutic_daily_dose_mg"))) {
      t.min_therapeutic_daily_dose = core::Milligrams(*d);
    }
    t.started_on = KETAPATH_TRY(r.date("started_on"));
    t.duration_weeks = KETAPATH_TRY(r.required(r.number("duration_weeks"), "duration_weeks"));
    KETAPATH_TRY(read_int(r, "psychotherapy_sessions", t.psychotherapy_sessions));
    t.outcome = KETAPATH_TRY(
        r.required(enum_field<TrialOutcome>(r, "outcome", parse_trial_outcome), "outcome"));
    t.notes = KETAPATH_TRY(r.string("notes")).value_or("");
    KETAPATH_TRY(r.finish());
    out.push_back(std::move(t));
  }
  return out;
}

core::Result<DrugEntry> drug_entry_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  DrugEntry e;
  if (auto id = KETAPATH_TRY(r.integer("id"))) {
    e.id = DrugId(*id);
  }
  e.name = KETAPATH_TRY(r.required(r.string("name"), "name"));
  e.advisory = KETAPATH_TRY(r.string("advisory")).value_or("");
  const auto read_limits = [&](const Json& x, std::string p) -> core::Status {
    auto lr = KETAPATH_TRY(JsonReader::open(x, std::move(p)));
    RouteLimits l;
    l.route =
        KETAPATH_TRY(lr.required(enum_field<Route>(lr, "route", parse_clinic_route), "route"));
    const Json* conc = lr.child("concentrations_mg_per_ml");
    if (conc == nullptr || !conc->is_array()) {
      return core::fail(ErrorCode::InvalidData, "{}: an array of numbers is required",
                        lr.at("concentrations_mg_per_ml"));
    }
    for (const Json& c : *conc) {
      if (!c.is_number()) {
        return core::fail(ErrorCode::InvalidData, "{}: expected numbers (got {})",
                          lr.at("concentrations_mg_per_ml"), describe_json(c));
      }
      l.concentrations.emplace_back(c.get<double>());
    }
    const auto num = [&](std::string_view key) -> core::Result<double> {
      return lr.required(lr.number(key), key);
    };
    l.default_dose = core::MilligramsPerKilogram(KETAPATH_TRY(num("default_mg_per_kg")));
    l.min_dose = core::MilligramsPerKilogram(KETAPATH_TRY(num("min_mg_per_kg")));
    l.soft_max = core::MilligramsPerKilogram(KETAPATH_TRY(num("soft_max_mg_per_kg")));
    l.hard_max = core::MilligramsPerKilogram(KETAPATH_TRY(num("hard_max_mg_per_kg")));
    l.absolute_cap = core::Milligrams(KETAPATH_TRY(num("absolute_cap_mg")));
    l.default_duration = core::Minutes(KETAPATH_TRY(lr.number("default_duration_min")).value_or(0));
    l.min_duration = core::Minutes(KETAPATH_TRY(lr.number("min_duration_min")).value_or(0));
    l.max_duration = core::Minutes(KETAPATH_TRY(lr.number("max_duration_min")).value_or(0));
    KETAPATH_TRY(lr.finish());
    e.limits.push_back(std::move(l));
    return {};
  };
  KETAPATH_TRY(for_each(r, "limits", read_limits));
  KETAPATH_TRY(r.finish());
  KETAPATH_TRY(validate_drug_entry(e));
  return e;
}

core::Status check_complete_setting(const Json& input, const Json& complete,
                                    std::string_view where) {
  if (!input.is_object() || !complete.is_object()) {
    return {};  // the setting's reader has refused a non-object already
  }
  std::string missing;
  for (const auto& [key, value] : complete.items()) {
    if (!input.contains(key)) {
      missing += missing.empty() ? "" : ", ";
      missing += key;
    }
  }
  if (!missing.empty()) {
    return core::fail(ErrorCode::InvalidData,
                      "{}: a setting states every value; missing: {} (start from the form "
                      "`ketapath clinic settings show` prints)",
                      where, missing);
  }
  return {};
}

core::Result<DosingPolicy> dosing_policy_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  DosingPolicy p;
  KETAPATH_TRY(read_int(r, "max_weight_age_days", p.max_weight_age_days));
  double lo = p.min_weight.value();
  double hi = p.max_weight.value();
  KETAPATH_TRY(read_double(r, "min_weight_kg", lo));
  KETAPATH_TRY(read_double(r, "max_weight_kg", hi));
  // Keys added with schema version 7; a policy stored before keeps their defaults.
  KETAPATH_TRY(read_int(r, "screening_validity_days", p.screening_validity_days));
  KETAPATH_TRY(read_int(r, "screening_warning_days", p.screening_warning_days));
  KETAPATH_TRY(read_int(r, "min_dose_interval_hours", p.min_dose_interval_hours));
  double sc = p.max_sc_volume.value();
  double im = p.max_im_volume.value();
  KETAPATH_TRY(read_double(r, "max_sc_volume_ml", sc));
  KETAPATH_TRY(read_double(r, "max_im_volume_ml", im));
  KETAPATH_TRY(r.finish());
  p.min_weight = core::Kilograms(lo);
  p.max_weight = core::Kilograms(hi);
  p.max_sc_volume = core::Millilitres(sc);
  p.max_im_volume = core::Millilitres(im);
  auto valid = validate_dosing_policy(p);
  if (!valid) {
    return std::unexpected(core::with_context(valid.error(), where));
  }
  return p;
}

core::Result<SafetyThresholds> safety_thresholds_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  SafetyThresholds t;
  KETAPATH_TRY(read_double(r, "pre_dose_systolic_mmhg", t.pre_dose_systolic));
  KETAPATH_TRY(read_double(r, "pre_dose_diastolic_mmhg", t.pre_dose_diastolic));
  KETAPATH_TRY(read_double(r, "pre_dose_heart_rate_bpm", t.pre_dose_heart_rate));
  KETAPATH_TRY(read_double(r, "pause_systolic_mmhg", t.pause_systolic));
  KETAPATH_TRY(read_double(r, "pause_diastolic_mmhg", t.pause_diastolic));
  KETAPATH_TRY(read_double(r, "stop_systolic_mmhg", t.stop_systolic));
  KETAPATH_TRY(read_double(r, "stop_diastolic_mmhg", t.stop_diastolic));
  KETAPATH_TRY(read_double(r, "pause_heart_rate_bpm", t.pause_heart_rate));
  KETAPATH_TRY(read_double(r, "stop_heart_rate_bpm", t.stop_heart_rate));
  KETAPATH_TRY(read_double(r, "pause_spo2_percent", t.pause_spo2));
  KETAPATH_TRY(read_double(r, "stop_spo2_percent", t.stop_spo2));
  KETAPATH_TRY(read_double(r, "cadss_alert_total", t.cadss_alert_total));
  KETAPATH_TRY(read_double(r, "min_observation_minutes", t.min_observation_minutes));
  KETAPATH_TRY(read_double(r, "discharge_systolic_band_mmhg", t.discharge_systolic_band));
  KETAPATH_TRY(read_double(r, "discharge_diastolic_band_mmhg", t.discharge_diastolic_band));
  KETAPATH_TRY(read_double(r, "discharge_heart_rate_band_bpm", t.discharge_heart_rate_band));
  KETAPATH_TRY(r.finish());
  KETAPATH_TRY(validate_thresholds(t));
  return t;
}

core::Result<ClinicCalendar> clinic_calendar_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  ClinicCalendar c;
  c.time_zone = KETAPATH_TRY(r.string("time_zone")).value_or(c.time_zone);
  if (const Json* days = r.child("clinic_days")) {
    if (!days->is_array()) {
      return core::fail(ErrorCode::InvalidData,
                        "{}: expected an array of day names such as "
                        "[\"mon\", \"tue\"]",
                        r.at("clinic_days"));
    }
    std::vector<std::string> names;
    for (const Json& d : *days) {
      if (!d.is_string()) {
        return core::fail(ErrorCode::InvalidData, "{}: expected day names (got {})",
                          r.at("clinic_days"), d.dump());
      }
      names.push_back(d.get<std::string>());
    }
    c.open_days = KETAPATH_TRY(parse_open_days(names, where));
  }
  KETAPATH_TRY(r.finish());
  KETAPATH_TRY(validate_calendar(c));
  return c;
}

core::Result<ResponsePolicy> response_policy_from_json(const Json& j, std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  ResponsePolicy p;
  KETAPATH_TRY(read_double(r, "responder_reduction", p.responder_reduction));
  KETAPATH_TRY(read_double(r, "partial_reduction", p.partial_reduction));
  KETAPATH_TRY(read_int(r, "loading_sessions", p.loading_sessions));
  KETAPATH_TRY(read_int(r, "sustained_ratings", p.stable_ratings));
  KETAPATH_TRY(r.finish());
  if (auto valid = validate_response_policy(p); !valid) {
    return std::unexpected(core::with_context(valid.error(), where));
  }
  return p;
}

core::Result<ConsultationRequest> consultation_request_from_json(const Json& j,
                                                                 std::string_view where) {
  auto r = KETAPATH_TRY(JsonReader::open(j, std::string(where)));
  ConsultationRequest c;
  c.name = KETAPATH_TRY(r.required(r.string("name"), "name"));
  c.phone = KETAPATH_TRY(r.string("phone")).value_or("");
  c.email = KETAPATH_TRY(r.string("email")).value_or("");
  c.preferred_times = KETAPATH_TRY(r.required(r.string("preferred_times"), "preferred_times"));
  c.reason = KETAPATH_TRY(r.required(r.string("reason"), "reason"));
  KETAPATH_TRY(r.finish());
  KETAPATH_TRY(validate_consultation_request(c));
  return c;
}

}  // namespace ketapath::clinic
