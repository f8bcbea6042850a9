// ClinicService: the patient's medication log and its interaction warnings (medication.h;
// issue 15 item 5). The warnings also reach every dose path through check_dose.

#include "clinic/json/json.h"
#include "clinic/service/service.h"

namespace ketapath::clinic {

core::Result<std::vector<std::string>> ClinicService::record_medication(PatientId id,
                                                                        MedicationEntry entry) {
  const Timestamp now = clock_();
  entry.recorded_at = now;
  entry.recorded_by = actor_;
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::RecordObservation));
  Patient patient = KETAPATH_TRY(tx->patients().get(id));
  KETAPATH_TRY(validate_medication_entry(entry, patient.medications, day_of(now)));
  if (entry.on < patient.birth_date) {
    return core::fail(core::ErrorCode::Validation,
                      "medication: date {} is before the birth date {}", format_date(entry.on),
                      format_date(patient.birth_date));
  }
  KETAPATH_TRY(tx->patients().add_medication_entry(id, entry));
  const Json after = {{"action", std::string(to_string(entry.action))},
                      {"name", entry.name},
                      {"dose", entry.dose},
                      {"frequency", entry.frequency},
                      {"on", format_date(entry.on)},
                      {"note", entry.note}};
  KETAPATH_TRY(tx->append_audit(
      audit_record(fmt::format("patient.medication.{}", to_string(entry.action)),
                   fmt::format("patient/{}", id.value()), "null", canonical(after))));
  KETAPATH_TRY(tx->commit());
  patient.medications.push_back(entry);
  std::vector<std::string> warnings;
  for (auto& w : interaction_warnings(active_medications(patient.medications, day_of(now)))) {
    warnings.push_back(std::move(w.text));
  }
  return warnings;
}

}  // namespace ketapath::clinic
