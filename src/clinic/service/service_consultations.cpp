// Consultation requests (clinic/domain/consultation.h): the public form's submission and the
// front desk's queue. Every write is one audited transaction; the submission is audited under
// the acting name the caller gives (the server's "anonymous"), the queue's changes under the
// signed-in user.

#include "clinic/json/json.h"
#include "clinic/service/service.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr std::int64_t kMaxListed = 500;

std::string entity(const ConsultationRequest& r) {
  return fmt::format("consultation_request/{}", r.id.value());
}

/// "CR-" and 12 random hex digits in groups of four, upper case: 48 random bits, so a reference
/// says nothing about how many requests the clinic has and cannot be guessed.
std::string new_reference() {
  const std::string hex = core::ascii_upper(random_token().substr(0, 12));
  return fmt::format("CR-{}-{}-{}", hex.substr(0, 4), hex.substr(4, 4), hex.substr(8, 4));
}

}  // namespace

core::Result<ConsultationRequest> ClinicService::submit_consultation_request(
    ConsultationRequest request) {
  KETAPATH_TRY(validate_consultation_request(request));
  request.reference = new_reference();
  request.received_at = clock_();
  request.status = ConsultationStatus::New;
  request.note.clear();
  request.updated_at.reset();
  request.updated_by.clear();
  request.patient.reset();
  auto tx = KETAPATH_TRY(store_.begin());
  request.id = KETAPATH_TRY(tx->consultations().add(request));
  KETAPATH_TRY(tx->append_audit(
      audit_record("consultation.request", entity(request), "null", canonical(to_json(request)))));
  KETAPATH_TRY(tx->commit());
  return request;
}

core::Result<std::vector<ConsultationRequest>> ClinicService::consultation_requests(
    std::optional<ConsultationStatus> status) {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadDemographics));
  return tx->consultations().list(status, kMaxListed);
}

core::Result<ConsultationRequest> ClinicService::consultation_request(ConsultationRequestId id) {
  auto tx = KETAPATH_TRY(store_.begin_read());
  KETAPATH_TRY(authorize(*tx, Permission::ReadDemographics));
  return tx->consultations().get(id);
}

core::Result<ConsultationRequest> ClinicService::set_consultation_status(ConsultationRequestId id,
                                                                         ConsultationStatus status,
                                                                         std::string note) {
  if (!note.empty()) {
    KETAPATH_TRY(
        core::check_required_text("consultation request: note", note, kMaxConsultationNote, true));
  }
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::HandleConsultations));
  ConsultationRequest r = KETAPATH_TRY(tx->consultations().get(id));
  KETAPATH_TRY(check_consultation_transition(r.status, status));
  const std::string before = canonical(to_json(r));
  r.status = status;
  r.note = std::move(note);
  r.updated_at = clock_();
  r.updated_by = actor_;
  KETAPATH_TRY(tx->consultations().update(r));
  KETAPATH_TRY(tx->append_audit(audit_record(fmt::format("consultation.{}", to_string(status)),
                                             entity(r), before, canonical(to_json(r)))));
  KETAPATH_TRY(tx->commit());
  return r;
}

core::Result<ConsultationRequest> ClinicService::convert_consultation_request(
    ConsultationRequestId id, Patient patient) {
  if (!patient.weights.empty() || !patient.diagnoses.empty() ||
      !patient.treatment_history.empty()) {
    return core::fail(ErrorCode::InvalidArgument,
                      "consultation request: a new patient from a request has demographics only "
                      "(name, birth date, sex); record the rest at the visit");
  }
  const Timestamp now = clock_();
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::HandleConsultations));
  KETAPATH_TRY(authorize(*tx, Permission::RegisterPatient));
  ConsultationRequest r = KETAPATH_TRY(tx->consultations().get(id));
  if (r.status == ConsultationStatus::Declined || r.status == ConsultationStatus::Converted) {
    return core::fail(ErrorCode::Conflict,
                      "consultation request {}: is already {} and cannot become a patient",
                      r.reference, to_string(r.status));
  }
  if (patient.name.empty()) {
    patient.name = r.name;
  }
  KETAPATH_TRY(validate_patient(patient, day_of(now), limits_));
  patient.created_at = now;
  patient.id = KETAPATH_TRY(tx->patients().add(patient));
  KETAPATH_TRY(
      tx->append_audit(audit_record("patient.add", fmt::format("patient/{}", patient.id.value()),
                                    "null", canonical(to_json(patient)))));
  const std::string before = canonical(to_json(r));
  r.status = ConsultationStatus::Converted;
  r.patient = patient.id;
  r.note = fmt::format("registered as patient {}", patient.id.value());
  r.updated_at = now;
  r.updated_by = actor_;
  KETAPATH_TRY(tx->consultations().update(r));
  KETAPATH_TRY(tx->append_audit(
      audit_record("consultation.convert", entity(r), before, canonical(to_json(r)))));
  KETAPATH_TRY(tx->commit());
  return r;
}

}  // namespace ketapath::clinic
