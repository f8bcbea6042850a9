#include <nlohmann/json.hpp>

#include "clinic/screening.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

using nlohmann::json;

// The screening answers and result are one JSON document each: always read whole, never queried
// field by field (eligibility, the field that is, has its own column). Keys are the C++ member
// names, so the document stays readable in a SQL shell.

json input_to_json(const clinic::ScreeningInput& in) {
  const auto& g = in.gad;
  const auto& c = in.contraindications;
  const auto& p = in.policy;
  return json{{"gad",
               {{"worry_duration_months", g.worry_duration_months},
                {"worry_more_days_than_not", g.worry_more_days_than_not},
                {"worry_hard_to_control", g.worry_hard_to_control},
                {"restlessness", g.restlessness},
                {"easily_fatigued", g.easily_fatigued},
                {"poor_concentration", g.poor_concentration},
                {"irritability", g.irritability},
                {"muscle_tension", g.muscle_tension},
                {"sleep_disturbance", g.sleep_disturbance},
                {"distress_or_impairment", g.distress_or_impairment},
                {"not_better_explained", g.not_better_explained}}},
              {"contraindications",
               {{"uncontrolled_hypertension", c.uncontrolled_hypertension},
                {"aneurysm_or_avm", c.aneurysm_or_avm},
                {"intracranial_bleed_history", c.intracranial_bleed_history},
                {"psychosis", c.psychosis},
                {"pregnancy", c.pregnancy},
                {"active_substance_use_disorder", c.active_substance_use_disorder},
                {"current_depression", c.current_depression},
                {"ischaemic_heart_or_cerebrovascular_disease",
                 c.ischaemic_heart_or_cerebrovascular_disease},
                {"raised_intracranial_pressure", c.raised_intracranial_pressure},
                {"severe_hepatic_impairment", c.severe_hepatic_impairment},
                {"interacting_medication", c.interacting_medication}}},
              {"policy",
               {{"resistance", clinic::to_string(p.resistance)},
                {"min_trial_weeks", p.min_trial_weeks},
                {"min_psychotherapy_sessions", p.min_psychotherapy_sessions},
                {"exclude_current_depression", p.exclude_current_depression},
                {"require_gad", p.require_gad},
                {"min_age_years", p.min_age_years}}}};
}

json result_to_json(const clinic::ScreeningResult& r) {
  return json{{"eligibility", clinic::to_string(r.eligibility)},
              {"gad_criteria_met", r.gad_criteria_met},
              {"gad_symptom_count", r.gad_symptom_count},
              {"treatment_resistant", r.treatment_resistant},
              {"failed_adequate_trials", r.failed_adequate_trials},
              {"failed_adequate_psychotherapy", r.failed_adequate_psychotherapy},
              {"reasons", r.reasons}};
}

core::Result<clinic::ScreeningInput> input_from_json(const std::string& text) {
  clinic::ScreeningInput in;
  try {
    const auto j = json::parse(text);
    const auto& g = j.at("gad");
    in.gad.worry_duration_months = g.at("worry_duration_months").get<int>();
    in.gad.worry_more_days_than_not = g.at("worry_more_days_than_not").get<bool>();
    in.gad.worry_hard_to_control = g.at("worry_hard_to_control").get<bool>();
    in.gad.restlessness = g.at("restlessness").get<bool>();
    in.gad.easily_fatigued = g.at("easily_fatigued").get<bool>();
    in.gad.poor_concentration = g.at("poor_concentration").get<bool>();
    in.gad.irritability = g.at("irritability").get<bool>();
    in.gad.muscle_tension = g.at("muscle_tension").get<bool>();
    in.gad.sleep_disturbance = g.at("sleep_disturbance").get<bool>();
    in.gad.distress_or_impairment = g.at("distress_or_impairment").get<bool>();
    in.gad.not_better_explained = g.at("not_better_explained").get<bool>();
    const auto& c = j.at("contraindications");
    auto& k = in.contraindications;
    k.uncontrolled_hypertension = c.at("uncontrolled_hypertension").get<bool>();
    k.aneurysm_or_avm = c.at("aneurysm_or_avm").get<bool>();
    k.intracranial_bleed_history = c.at("intracranial_bleed_history").get<bool>();
    k.psychosis = c.at("psychosis").get<bool>();
    k.pregnancy = c.at("pregnancy").get<bool>();
    k.active_substance_use_disorder = c.at("active_substance_use_disorder").get<bool>();
    k.current_depression = c.at("current_depression").get<bool>();
    k.ischaemic_heart_or_cerebrovascular_disease =
        c.at("ischaemic_heart_or_cerebrovascular_disease").get<bool>();
    k.raised_intracranial_pressure = c.at("raised_intracranial_pressure").get<bool>();
    k.severe_hepatic_impairment = c.at("severe_hepatic_impairment").get<bool>();
    k.interacting_medication = c.at("interacting_medication").get<bool>();
    const auto& p = j.at("policy");
    auto resistance = clinic::parse_resistance_definition(p.at("resistance").get<std::string>());
    if (!resistance) {
      return std::unexpected(corrupt("screenings.input_json", resistance.error()));
    }
    in.policy.resistance = *resistance;
    in.policy.min_trial_weeks = p.at("min_trial_weeks").get<double>();
    in.policy.min_psychotherapy_sessions = p.at("min_psychotherapy_sessions").get<int>();
    in.policy.exclude_current_depression = p.at("exclude_current_depression").get<bool>();
    in.policy.require_gad = p.at("require_gad").get<bool>();
    in.policy.min_age_years = p.at("min_age_years").get<int>();
  } catch (const json::exception& e) {
    return core::fail(core::ErrorCode::Storage,
                      "store: screenings.input_json: stored value cannot be read back ({})",
                      e.what());
  }
  return in;
}

core::Result<clinic::ScreeningResult> result_from_json(const std::string& text) {
  clinic::ScreeningResult r;
  try {
    const auto j = json::parse(text);
    auto eligibility = clinic::parse_eligibility(j.at("eligibility").get<std::string>());
    if (!eligibility) {
      return std::unexpected(corrupt("screenings.result_json", eligibility.error()));
    }
    r.eligibility = *eligibility;
    r.gad_criteria_met = j.at("gad_criteria_met").get<bool>();
    r.gad_symptom_count = j.at("gad_symptom_count").get<int>();
    r.treatment_resistant = j.at("treatment_resistant").get<bool>();
    r.failed_adequate_trials = j.at("failed_adequate_trials").get<int>();
    r.failed_adequate_psychotherapy = j.at("failed_adequate_psychotherapy").get<int>();
    r.reasons = j.at("reasons").get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    return core::fail(core::ErrorCode::Storage,
                      "store: screenings.result_json: stored value cannot be read back ({})",
                      e.what());
  }
  return r;
}

constexpr std::string_view kSelect =
    "SELECT id, patient_id, performed_at, performed_by, input_json, result_json FROM screenings";
const std::vector<sql::Type> kColumns = {sql::Type::Integer, sql::Type::Integer, sql::Type::Text,
                                         sql::Type::Text,    sql::Type::Text,    sql::Type::Text};

core::Result<clinic::ScreeningRecord> load(const sql::Row& row) {
  clinic::ScreeningRecord record;
  record.id = clinic::ScreeningId(row.integer(0));
  record.patient = clinic::PatientId(row.integer(1));
  record.performed_at = KETAPATH_TRY(read_timestamp(row, 2, "screenings.performed_at"));
  record.performed_by = row.text(3);
  record.input = KETAPATH_TRY(input_from_json(row.text(4)));
  record.result = KETAPATH_TRY(result_from_json(row.text(5)));
  return record;
}

}  // namespace

core::Result<clinic::ScreeningId> SqlScreenings::add(const clinic::ScreeningRecord& record) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", record.patient.value()));
  std::string input_json;
  std::string result_json;
  try {
    input_json = input_to_json(record.input).dump();
    result_json = result_to_json(record.result).dump();
  } catch (const json::exception& e) {  // invalid UTF-8 in a reason: refused, never altered
    return core::fail(core::ErrorCode::Validation, "screening: cannot store the record ({})",
                      e.what());
  }
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO screenings (patient_id, performed_at, performed_by, eligibility, input_json, "
      "result_json) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      {sql::integer(record.patient.value()), timestamp(record.performed_at),
       sql::text(record.performed_by), sql::text(clinic::to_string(record.result.eligibility)),
       sql::text(input_json), sql::text(result_json)},
      {sql::Type::Integer}));
  return clinic::ScreeningId(row->integer(0));
}

core::Result<clinic::ScreeningRecord> SqlScreenings::get(clinic::ScreeningId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(fmt::format("{} WHERE id = $1", kSelect),
                                                       {sql::integer(id.value())}, kColumns));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "screening {} not found", id.value());
  }
  return load(*row);
}

core::Result<std::vector<clinic::ScreeningRecord>> SqlScreenings::list_for_patient(
    clinic::PatientId patient) {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(
      state_.connection->query(fmt::format("{} WHERE patient_id = $1 ORDER BY id", kSelect),
                               {sql::integer(patient.value())}, kColumns));
  std::vector<clinic::ScreeningRecord> records;
  for (const auto& row : rows) {
    records.push_back(KETAPATH_TRY(load(row)));
  }
  return records;
}

}  // namespace ketapath::store::repositories
