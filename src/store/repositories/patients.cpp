#include "clinic/domain/patient.h"
#include "store/repositories/repositories.h"

namespace ketapath::store::repositories {
namespace {

using clinic::PatientId;

core::Status insert_weight(sql::Connection& c, std::int64_t patient, std::int64_t position,
                           const clinic::WeightRecord& w) {
  return c.execute(
      "INSERT INTO patient_weights (patient_id, position, measured_on, weight_kg, estimated) "
      "VALUES ($1, $2, $3, $4, $5)",
      {sql::integer(patient), sql::integer(position), date(w.measured_on),
       sql::real(w.weight.value()), boolean(w.estimated)});
}

core::Status insert_diagnosis(sql::Connection& c, std::int64_t patient, std::int64_t position,
                              const clinic::Diagnosis& d) {
  return c.execute(
      "INSERT INTO patient_diagnoses (patient_id, position, disorder, icd10, diagnosed_on, "
      "is_primary) VALUES ($1, $2, $3, $4, $5, $6)",
      {sql::integer(patient), sql::integer(position), sql::text(clinic::to_string(d.disorder)),
       sql::text(d.icd10), date(d.diagnosed_on), boolean(d.primary)});
}

core::Status insert_trial(sql::Connection& c, std::int64_t patient, std::int64_t position,
                          const clinic::TreatmentTrial& t) {
  auto mg = [](const std::optional<core::Milligrams>& v) {
    return v ? sql::real(v->value()) : sql::null();
  };
  return c.execute(
      "INSERT INTO patient_treatment_trials (patient_id, position, kind, name, daily_dose_mg, "
      "min_therapeutic_daily_dose_mg, started_on, duration_weeks, psychotherapy_sessions, "
      "outcome, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      {sql::integer(patient), sql::integer(position), sql::text(clinic::to_string(t.kind)),
       sql::text(t.name), mg(t.daily_dose), mg(t.min_therapeutic_daily_dose),
       t.started_on ? date(*t.started_on) : sql::null(), sql::real(t.duration_weeks),
       sql::integer(t.psychotherapy_sessions), sql::text(clinic::to_string(t.outcome)),
       sql::text(t.notes)});
}

core::Status insert_medication(sql::Connection& c, std::int64_t patient, std::int64_t position,
                               const clinic::MedicationEntry& m) {
  return c.execute(
      "INSERT INTO patient_medications (patient_id, position, action, name, dose, frequency, "
      "on_date, note, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {sql::integer(patient), sql::integer(position), sql::text(clinic::to_string(m.action)),
       sql::text(m.name), sql::text(m.dose), sql::text(m.frequency), date(m.on), sql::text(m.note),
       timestamp(m.recorded_at), sql::text(m.recorded_by)});
}

/// The next free position in a patient's child list.
core::Result<std::int64_t> next_position(sql::Connection& c, std::string_view table,
                                         std::int64_t patient) {
  auto row = KETAPATH_TRY(c.query_one(
      fmt::format("SELECT COALESCE(MAX(position), 0) + 1 FROM {} WHERE patient_id = $1", table),
      {sql::integer(patient)}, {sql::Type::Integer}));
  return row->integer(0);
}

constexpr std::string_view kSelectPatient =
    "SELECT id, name, birth_date, sex, created_at FROM patients";

}  // namespace

core::Result<PatientId> SqlPatients::add(const clinic::Patient& patient) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  auto row = KETAPATH_TRY(c.query_one(
      "INSERT INTO patients (name, birth_date, sex, created_at) VALUES ($1, $2, $3, $4) "
      "RETURNING id",
      {sql::text(patient.name), date(patient.birth_date), sql::text(pd::sex_name(patient.sex)),
       timestamp(patient.created_at)},
      {sql::Type::Integer}));
  const std::int64_t id = row->integer(0);
  std::int64_t position = 0;
  for (const auto& weight : patient.weights) {
    KETAPATH_TRY(insert_weight(c, id, ++position, weight));
  }
  position = 0;
  for (const auto& diagnosis : patient.diagnoses) {
    KETAPATH_TRY(insert_diagnosis(c, id, ++position, diagnosis));
  }
  position = 0;
  for (const auto& trial : patient.treatment_history) {
    KETAPATH_TRY(insert_trial(c, id, ++position, trial));
  }
  position = 0;
  for (const auto& medication : patient.medications) {
    KETAPATH_TRY(insert_medication(c, id, ++position, medication));
  }
  return PatientId(id);
}

core::Result<clinic::Patient> SqlPatients::load(const sql::Row& row) {
  auto& c = *state_.connection;
  clinic::Patient patient;
  patient.id = PatientId(row.integer(0));
  patient.name = row.text(1);
  patient.birth_date = KETAPATH_TRY(read_date(row, 2, "patients.birth_date"));
  patient.sex = KETAPATH_TRY(read_enum(row, 3, "patients.sex", clinic::parse_sex));
  patient.created_at = KETAPATH_TRY(read_timestamp(row, 4, "patients.created_at"));
  const std::vector<sql::Value> key = {sql::integer(patient.id.value())};

  auto weights = KETAPATH_TRY(
      c.query("SELECT measured_on, weight_kg, estimated FROM patient_weights WHERE patient_id = $1 "
              "ORDER BY position",
              key, {sql::Type::Text, sql::Type::Real, sql::Type::Integer}));
  for (const auto& w : weights) {
    patient.weights.push_back(
        clinic::WeightRecord{KETAPATH_TRY(read_date(w, 0, "patient_weights.measured_on")),
                             core::Kilograms(w.real(1)), w.integer(2) != 0});
  }
  auto diagnoses = KETAPATH_TRY(
      c.query("SELECT disorder, icd10, diagnosed_on, is_primary FROM patient_diagnoses "
              "WHERE patient_id = $1 ORDER BY position",
              key, {sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Integer}));
  for (const auto& d : diagnoses) {
    patient.diagnoses.push_back(clinic::Diagnosis{
        KETAPATH_TRY(read_enum(d, 0, "patient_diagnoses.disorder", clinic::parse_disorder)),
        d.text(1), KETAPATH_TRY(read_date(d, 2, "patient_diagnoses.diagnosed_on")),
        d.integer(3) != 0});
  }
  auto trials = KETAPATH_TRY(c.query(
      "SELECT kind, name, daily_dose_mg, min_therapeutic_daily_dose_mg, started_on, "
      "duration_weeks, psychotherapy_sessions, outcome, notes FROM patient_treatment_trials "
      "WHERE patient_id = $1 ORDER BY position",
      key,
      {sql::Type::Text, sql::Type::Text, sql::Type::Real, sql::Type::Real, sql::Type::Text,
       sql::Type::Real, sql::Type::Integer, sql::Type::Text, sql::Type::Text}));
  for (const auto& t : trials) {
    clinic::TreatmentTrial trial;
    trial.kind = KETAPATH_TRY(
        read_enum(t, 0, "patient_treatment_trials.kind", clinic::parse_treatment_kind));
    trial.name = t.text(1);
    if (auto v = t.optional_real(2)) {
      trial.daily_dose = core::Milligrams(*v);
    }
    if (auto v = t.optional_real(3)) {
      trial.min_therapeutic_daily_dose = core::Milligrams(*v);
    }
    trial.started_on =
        KETAPATH_TRY(read_optional_date(t, 4, "patient_treatment_trials.started_on"));
    trial.duration_weeks = t.real(5);
    trial.psychotherapy_sessions = static_cast<int>(t.integer(6));
    trial.outcome = KETAPATH_TRY(
        read_enum(t, 7, "patient_treatment_trials.outcome", clinic::parse_trial_outcome));
    trial.notes = t.text(8);
    patient.treatment_history.push_back(std::move(trial));
  }
  auto medications = KETAPATH_TRY(
      c.query("SELECT action, name, dose, frequency, on_date, note, recorded_at, recorded_by "
              "FROM patient_medications WHERE patient_id = $1 ORDER BY position",
              key,
              {sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text,
               sql::Type::Text, sql::Type::Text, sql::Type::Text}));
  for (const auto& m : medications) {
    patient.medications.push_back(clinic::MedicationEntry{
        .action = KETAPATH_TRY(
            read_enum(m, 0, "patient_medications.action", clinic::parse_medication_action)),
        .name = m.text(1),
        .dose = m.text(2),
        .frequency = m.text(3),
        .on = KETAPATH_TRY(read_date(m, 4, "patient_medications.on_date")),
        .note = m.text(5),
        .recorded_at = KETAPATH_TRY(read_timestamp(m, 6, "patient_medications.recorded_at")),
        .recorded_by = m.text(7)});
  }
  return patient;
}

core::Result<clinic::Patient> SqlPatients::get(PatientId id) {
  KETAPATH_TRY(state_.usable());
  auto row = KETAPATH_TRY(state_.connection->query_one(
      fmt::format("{} WHERE id = $1", kSelectPatient), {sql::integer(id.value())},
      {sql::Type::Integer, sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text}));
  if (!row) {
    return core::fail(core::ErrorCode::NotFound, "patient {} not found", id.value());
  }
  return load(*row);
}

core::Result<std::vector<clinic::Patient>> SqlPatients::list() {
  KETAPATH_TRY(state_.usable());
  auto rows = KETAPATH_TRY(state_.connection->query(
      fmt::format("{} ORDER BY id", kSelectPatient), {},
      {sql::Type::Integer, sql::Type::Text, sql::Type::Text, sql::Type::Text, sql::Type::Text}));
  std::vector<clinic::Patient> patients;
  patients.reserve(rows.size());
  for (const auto& row : rows) {
    patients.push_back(KETAPATH_TRY(load(row)));
  }
  return patients;
}

core::Status SqlPatients::add_weight(PatientId id, const clinic::WeightRecord& weight) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", id.value()));
  const auto position = KETAPATH_TRY(next_position(c, "patient_weights", id.value()));
  return insert_weight(c, id.value(), position, weight);
}

core::Status SqlPatients::add_diagnosis(PatientId id, const clinic::Diagnosis& diagnosis) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", id.value()));
  const auto position = KETAPATH_TRY(next_position(c, "patient_diagnoses", id.value()));
  return insert_diagnosis(c, id.value(), position, diagnosis);
}

core::Status SqlPatients::add_treatment_trial(PatientId id, const clinic::TreatmentTrial& trial) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", id.value()));
  const auto position = KETAPATH_TRY(next_position(c, "patient_treatment_trials", id.value()));
  return insert_trial(c, id.value(), position, trial);
}

core::Status SqlPatients::add_medication_entry(PatientId id, const clinic::MedicationEntry& entry) {
  KETAPATH_TRY(state_.for_write());
  auto& c = *state_.connection;
  KETAPATH_TRY(require_row(c, "patients", "patient", id.value()));
  const auto position = KETAPATH_TRY(next_position(c, "patient_medications", id.value()));
  return insert_medication(c, id.value(), position, entry);
}

}  // namespace ketapath::store::repositories
