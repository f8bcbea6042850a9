#include "clinic/service/service.h"

#include "clinic/domain/dose_calculator.h"
#include "clinic/domain/screen.h"
#include "clinic/json/json.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr std::string_view kDosingPolicy = "dosing_policy";
constexpr std::string_view kSafetyThresholds = "safety_thresholds";
constexpr std::string_view kScreeningPolicy = "screening_policy";
constexpr std::string_view kClinicCalendar = "clinic_calendar";
constexpr std::string_view kResponsePolicy = "response_policy";
constexpr std::string_view kMedicationSafety = "medication_safety";

std::string entity(std::string_view kind, std::int64_t id) {
  return fmt::format("{}/{}", kind, id);
}

}  // namespace

Timestamp system_now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

ClinicService::ClinicService(ClinicStore& store, std::string actor, Clock clock)
    : store_(store), actor_(std::move(actor)), clock_(std::move(clock)) {
  KETAPATH_ASSERT(static_cast<bool>(clock_), "a clock is required");
}

AuditRecord ClinicService::audit_record(std::string action, std::string what, std::string before,
                                        std::string after) const {
  return AuditRecord{clock_(),          actor_,          std::move(action), std::move(what),
                     std::move(before), std::move(after)};
}

core::Result<int> ClinicService::initialize() {
  if (actor_.empty()) {
    return core::fail(ErrorCode::InvalidArgument, "clinic: the acting user must not be empty");
  }
  const int version = KETAPATH_TRY(store_.initialize());
  auto tx = KETAPATH_TRY(store_.begin());
  if (!KETAPATH_TRY(tx->users().list()).empty()) {
    KETAPATH_TRY(authorize(*tx, Permission::Configure));
  }
  Json seeded = Json::object();
  auto existing = tx->drugs().find_by_name("ketamine");
  if (!existing && existing.error().code != ErrorCode::NotFound) {
    return std::unexpected(existing.error());
  }
  if (!existing) {
    DrugEntry entry = default_ketamine_entry();
    entry.id = KETAPATH_TRY(tx->drugs().save(entry));
    seeded["drug"] = to_json(entry);
  }
  const std::pair<std::string_view, Json> defaults[] = {
      {kDosingPolicy, to_json(DosingPolicy{})},
      {kSafetyThresholds, to_json(SafetyThresholds{})},
      {kScreeningPolicy, to_json(ScreeningPolicy{})},
      {kClinicCalendar, to_json(ClinicCalendar{})},
      {kResponsePolicy, to_json(ResponsePolicy{})},
      {kMedicationSafety, to_json(MedicationSafetyPolicy{})},
  };
  for (const auto& [key, value] : defaults) {
    if (!KETAPATH_TRY(tx->settings().get(key))) {
      KETAPATH_TRY(tx->settings().put(key, canonical(value)));
      seeded[std::string(key)] = value;
    }
  }
  // Custody (custody.h): on for a new clinic; a clinic that already has patients keeps recording
  // sessions without a lot until an admin turns it on, after receiving its stock (docs/clinic.md).
  if (!KETAPATH_TRY(tx->settings().get("custody_policy"))) {
    const CustodyPolicy custody{.require_lot = KETAPATH_TRY(tx->patients().list()).empty()};
    KETAPATH_TRY(tx->settings().put("custody_policy", canonical(to_json(custody))));
    seeded["custody_policy"] = to_json(custody);
  }
  if (!seeded.empty()) {
    KETAPATH_TRY(
        tx->append_audit(audit_record("clinic.initialize", "clinic", "null", canonical(seeded))));
    KETAPATH_TRY(tx->commit());
  }
  return version;
}

core::Result<PatientId> ClinicService::add_patient(Patient p) {
  const Timestamp now = clock_();
  KETAPATH_TRY(validate_patient(p, day_of(now), limits_));
  p.created_at = now;
  auto tx = KETAPATH_TRY(store_.begin());
  const User user = KETAPATH_TRY(authorize(*tx, Permission::RegisterPatient));
  // Registering is front-desk work, but a diagnosis and a treatment history decide eligibility:
  // given with the registration, they need the roles that record them on their own.
  if (!p.diagnoses.empty()) {
    if (auto ok = check_permission(user, Permission::Diagnose); !ok) {
      return std::unexpected(core::with_context(ok.error(), "patient add: a diagnosis"));
    }
  }
  if (!p.treatment_history.empty()) {
    if (auto ok = check_permission(user, Permission::RecordObservation); !ok) {
      return std::unexpected(core::with_context(ok.error(), "patient add: a treatment history"));
    }
  }
  p.id = KETAPATH_TRY(tx->patients().add(p));
  KETAPATH_TRY(tx->append_audit(
      audit_record("patient.add", entity("patient", p.id.value()), "null", canonical(to_json(p)))));
  KETAPATH_TRY(tx->commit());
  return p.id;
}

core::Result<Patient> ClinicService::patient(PatientId id) {
  return chart_read(id, "chart", [&]() -> core::Result<Patient> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    return tx->patients().get(id);
  });
}

core::Result<std::vector<Patient>> ClinicService::patients() {
  auto tx = KETAPATH_TRY(store_.begin_read());
  const User user = KETAPATH_TRY(authorize(*tx, Permission::ReadDemographics));
  std::vector<Patient> all = KETAPATH_TRY(tx->patients().list());
  if (!check_permission(user, Permission::ReadClinical)) {
    for (Patient& p : all) {  // demographics only (the front desk): no clinical detail
      p.weights.clear();
      p.diagnoses.clear();
      p.treatment_history.clear();
    }
  }
  return all;
}

core::Result<WeightResult> ClinicService::add_weight(PatientId id, const WeightRecord& weight) {
  KETAPATH_TRY(validate_weight(weight, day_of(clock_()), limits_));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::RecordObservation));
  const Patient before = KETAPATH_TRY(tx->patients().get(id));
  KETAPATH_TRY(check_date("weight: measured_on", weight.measured_on, before.birth_date,
                          day_of(clock_()), "not before birth, not in the future"));
  WeightResult result{weight_warnings(before, weight)};
  KETAPATH_TRY(tx->patients().add_weight(id, weight));
  KETAPATH_TRY(tx->append_audit(audit_record("patient.weight", entity("patient", id.value()),
                                             "null", canonical(to_json(weight)))));
  KETAPATH_TRY(tx->commit());
  return result;
}

core::Status ClinicService::add_diagnosis(PatientId id, const Diagnosis& diagnosis) {
  KETAPATH_TRY(validate_diagnosis(diagnosis, day_of(clock_())));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Diagnose));
  const Patient patient = KETAPATH_TRY(tx->patients().get(id));
  KETAPATH_TRY(check_date(fmt::format("diagnosis {}: diagnosed_on", diagnosis.icd10),
                          diagnosis.diagnosed_on, patient.birth_date, day_of(clock_()),
                          "not before birth, not in the future"));
  KETAPATH_TRY(tx->patients().add_diagnosis(id, diagnosis));
  KETAPATH_TRY(tx->append_audit(audit_record("patient.diagnosis", entity("patient", id.value()),
                                             "null", canonical(to_json(diagnosis)))));
  return tx->commit();
}

core::Status ClinicService::add_treatment_trials(PatientId id,
                                                 const std::vector<TreatmentTrial>& trials) {
  const Date today = day_of(clock_());
  Json after = Json::array();
  for (std::size_t i = 0; i < trials.size(); ++i) {
    KETAPATH_TRY(
        validate_treatment_trial(trials[i], today, fmt::format("treatment_history[{}]", i)));
    after.push_back(to_json(trials[i]));
  }
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::RecordObservation));
  const Patient patient = KETAPATH_TRY(tx->patients().get(id));
  for (std::size_t i = 0; i < trials.size(); ++i) {
    if (trials[i].started_on) {
      KETAPATH_TRY(check_date(fmt::format("treatment_history[{}]: started_on", i),
                              *trials[i].started_on, patient.birth_date, today,
                              "not before birth, not in the future"));
    }
  }
  for (const TreatmentTrial& t : trials) {
    KETAPATH_TRY(tx->patients().add_treatment_trial(id, t));
  }
  KETAPATH_TRY(tx->append_audit(audit_record(
      "patient.treatment_history", entity("patient", id.value()), "null", canonical(after))));
  return tx->commit();
}

core::Result<ScreeningRecord> ClinicService::screen(PatientId id, const ScreeningInput& input,
                                                    const ScreeningChoices& choices) {
  return screening_of(id, input, choices, true);
}

core::Result<ScreeningRecord> ClinicService::preview_screening(PatientId id,
                                                               const ScreeningInput& input,
                                                               const ScreeningChoices& choices) {
  return screening_of(id, input, choices, false);
}

core::Result<ScreeningRecord> ClinicService::screening_of(PatientId id, const ScreeningInput& input,
                                                          const ScreeningChoices& choices,
                                                          bool store) {
  const Timestamp now = clock_();
  const Date today = day_of(now);
  const Date on = choices.screened_on.value_or(today);
  if (on > today || on < today - std::chrono::days(365)) {
    return core::fail(ErrorCode::Validation,
                      "screening: the visit day must lie within the last year, not in the future "
                      "(got {}, today is {})",
                      format_date(on), format_date(today));
  }
  const ScreeningPolicy clinic_policy = KETAPATH_TRY(screening_policy());
  auto tx = KETAPATH_TRY(store_.begin());
  const User user = KETAPATH_TRY(authorize(*tx, Permission::RecordObservation));
  const bool choices_made = choices.resistance.has_value() || choices.allow_current_depression;
  if (choices_made) {
    auto allowed = check_permission(user, Permission::Diagnose);
    if (!allowed) {
      return core::fail(ErrorCode::Unauthorized,
                        "screening: --resistance and --allow-current-depression are a "
                        "prescriber's choice ({})",
                        allowed.error().message);
    }
  }
  const Patient p = KETAPATH_TRY(tx->patients().get(id));
  if (on < p.birth_date) {
    return core::fail(ErrorCode::Validation, "screening: the visit day {} is before birth ({})",
                      format_date(on), format_date(p.birth_date));
  }
  ScreeningRecord record;
  record.patient = id;
  record.performed_at = now;
  record.screened_on = on;
  record.performed_by = actor_;
  record.input = input;
  record.input.policy = clinic_policy;  // never the file's own
  if (choices.resistance) {
    record.input.policy.resistance = *choices.resistance;
  }
  if (choices.allow_current_depression) {
    record.input.policy.exclude_current_depression = false;
  }
  record.result = clinic::screen(p, record.input, on);
  if (!store) {
    return record;  // a preview: evaluated exactly as stored, nothing written (id 0)
  }
  record.id = KETAPATH_TRY(tx->screenings().add(record));
  Json after = to_json(record);
  if (choices_made) {
    after["prescriber_choices"] = {
        {"resistance", choices.resistance ? Json(to_string(*choices.resistance)) : Json(nullptr)},
        {"allow_current_depression", choices.allow_current_depression}};
  }
  KETAPATH_TRY(tx->append_audit(
      audit_record(choices_made ? "screening.add.prescriber_choices" : "screening.add",
                   entity("screening", record.id.value()), "null", canonical(after))));
  KETAPATH_TRY(tx->commit());
  return record;
}

core::Result<std::vector<ScreeningRecord>> ClinicService::screenings(PatientId id) {
  return chart_read(id, "screenings", [&]() -> core::Result<std::vector<ScreeningRecord>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->screenings().list_for_patient(id);
  });
}

core::Result<std::vector<DoseRecord>> ClinicService::doses(PatientId id) {
  return chart_read(id, "doses", [&]() -> core::Result<std::vector<DoseRecord>> {
    auto tx = KETAPATH_TRY(store_.begin_read());
    KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
    KETAPATH_TRY(tx->patients().get(id));
    return tx->doses().list_for_patient(id);
  });
}

core::Result<std::string> ClinicService::setting(std::string_view key) {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
  return setting_in(*tx, key);
}

core::Result<std::string> ClinicService::setting_in(Transaction& tx, std::string_view key) {
  auto value = KETAPATH_TRY(tx.settings().get(key));
  if (!value) {
    return core::fail(ErrorCode::Storage,
                      "clinic setting {} is missing (run `ketapath clinic init`)", key);
  }
  return *value;
}

core::Status ClinicService::put_setting(std::string_view key, const std::string& json,
                                        std::string action) {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Configure));
  const std::string before = KETAPATH_TRY(tx->settings().get(key)).value_or("null");
  KETAPATH_TRY(tx->settings().put(key, json));
  KETAPATH_TRY(tx->append_audit(
      audit_record(std::move(action), fmt::format("setting/{}", key), before, json)));
  return tx->commit();
}

core::Result<DosingPolicy> ClinicService::dosing_policy() {
  const std::string text = KETAPATH_TRY(setting(kDosingPolicy));
  const Json j = KETAPATH_TRY(parse_json(text, "setting dosing_policy"));
  return dosing_policy_from_json(j, "setting dosing_policy");
}

core::Status ClinicService::set_dosing_policy(const DosingPolicy& policy) {
  const Json j = to_json(policy);
  KETAPATH_TRY(dosing_policy_from_json(j, "dosing policy"));  // the same checks as on read
  return put_setting(kDosingPolicy, canonical(j), "setting.dosing_policy");
}

core::Result<SafetyThresholds> ClinicService::safety_thresholds() {
  const std::string text = KETAPATH_TRY(setting(kSafetyThresholds));
  const Json j = KETAPATH_TRY(parse_json(text, "setting safety_thresholds"));
  return safety_thresholds_from_json(j, "setting safety_thresholds");
}

core::Status ClinicService::set_safety_thresholds(const SafetyThresholds& thresholds) {
  KETAPATH_TRY(validate_thresholds(thresholds));
  return put_setting(kSafetyThresholds, canonical(to_json(thresholds)),
                     "setting.safety_thresholds");
}

core::Result<ScreeningPolicy> ClinicService::screening_policy() {
  const std::string text = KETAPATH_TRY(setting(kScreeningPolicy));
  const Json j = KETAPATH_TRY(parse_json(text, "setting screening_policy"));
  return screening_policy_from_json(j, "setting screening_policy");
}

core::Status ClinicService::set_screening_policy(const ScreeningPolicy& policy) {
  const Json j = to_json(policy);
  KETAPATH_TRY(screening_policy_from_json(j, "screening policy"));
  return put_setting(kScreeningPolicy, canonical(j), "setting.screening_policy");
}

core::Result<ClinicCalendar> ClinicService::clinic_calendar() {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
  return clinic_calendar_in(*tx);
}

core::Result<ClinicCalendar> ClinicService::clinic_calendar_in(Transaction& tx) {
  const std::string text = KETAPATH_TRY(setting_in(tx, kClinicCalendar));
  const Json j = KETAPATH_TRY(parse_json(text, "setting clinic_calendar"));
  return clinic_calendar_from_json(j, "setting clinic_calendar");
}

core::Status ClinicService::set_clinic_calendar(const ClinicCalendar& calendar) {
  KETAPATH_TRY(validate_calendar(calendar));
  return put_setting(kClinicCalendar, canonical(to_json(calendar)), "setting.clinic_calendar");
}

core::Result<ResponsePolicy> ClinicService::response_policy() {
  const std::string text = KETAPATH_TRY(setting(kResponsePolicy));
  const Json j = KETAPATH_TRY(parse_json(text, "setting response_policy"));
  return response_policy_from_json(j, "setting response_policy");
}

core::Status ClinicService::set_response_policy(const ResponsePolicy& policy) {
  KETAPATH_TRY(validate_response_policy(policy));
  return put_setting(kResponsePolicy, canonical(to_json(policy)), "setting.response_policy");
}

core::Result<MedicationSafetyPolicy> ClinicService::medication_safety() {
  const std::string text = KETAPATH_TRY(setting(kMedicationSafety));
  const Json j = KETAPATH_TRY(parse_json(text, "setting medication_safety"));
  return medication_safety_from_json(j, "setting medication_safety");
}

core::Status ClinicService::set_medication_safety(const MedicationSafetyPolicy& policy) {
  KETAPATH_TRY(validate_medication_safety(policy));
  return put_setting(kMedicationSafety, canonical(to_json(policy)), "setting.medication_safety");
}

core::Result<Date> ClinicService::clinic_day(Timestamp at) {
  return local_day(at, KETAPATH_TRY(clinic_calendar()));
}

core::Result<DrugEntry> ClinicService::drug(std::string_view name) {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
  return tx->drugs().find_by_name(name);
}

core::Result<std::vector<DrugEntry>> ClinicService::drugs() {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadClinical));
  return tx->drugs().list();
}

core::Result<DrugId> ClinicService::save_drug(const DrugEntry& entry) {
  KETAPATH_TRY(validate_drug_entry(entry));
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Configure));
  std::string before = "null";
  DrugEntry stored = entry;
  if (auto existing = tx->drugs().find_by_name(entry.name)) {
    before = canonical(to_json(*existing));
    stored.id = existing->id;
  }
  stored.id = KETAPATH_TRY(tx->drugs().save(stored));
  KETAPATH_TRY(tx->append_audit(audit_record("drug.save", entity("drug", stored.id.value()), before,
                                             canonical(to_json(stored)))));
  KETAPATH_TRY(tx->commit());
  return stored.id;
}

core::Result<AuditVerification> ClinicService::verify_audit(
    const std::optional<AuditAnchor>& anchor) {
  KETAPATH_TRY(authorize(Permission::VerifyAudit));
  AuditVerification v = KETAPATH_TRY(store_.audit().verify());
  if (anchor) {
    std::optional<std::string> hash;
    const auto entries = KETAPATH_TRY(store_.audit().entries(anchor->sequence, 1));
    if (!entries.empty() && entries.front().sequence == anchor->sequence) {
      hash = entries.front().hash;
    }
    check_anchor(v, *anchor, hash);
  }
  return v;
}

}  // namespace ketapath::clinic
