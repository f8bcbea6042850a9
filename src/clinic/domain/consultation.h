#pragma once
// Consultation requests: the clinic's public "request a 15-minute consultation" form (issue 11,
// Deliver 6). A prospective patient leaves a name, a phone number or an e-mail address, the times
// that suit them and a short reason; they get back only a reference. The request waits in the
// front desk's queue, where staff mark it contacted, scheduled or declined, or turn it into a
// patient record (demographics only; the clinical work starts at the visit).
//
// Every field is free text from an anonymous stranger: each has a size limit and the one
// free-text rule (core::check_required_text), and a contact must look like a phone number or an
// e-mail address. The stored text is shown to staff verbatim (escaped by whoever renders it).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

using ConsultationRequestId = core::StrongId<struct ConsultationRequestIdTag>;

/// Where a request is in the front desk's queue. `New` on arrival; `Declined` and `Converted`
/// are final. Text forms: "new", "contacted", "scheduled", "declined", "converted".
enum class ConsultationStatus { New, Contacted, Scheduled, Declined, Converted };

// Size limits of the public form (characters; docs/limits.md).
inline constexpr std::size_t kMaxConsultationName = 200;
inline constexpr std::size_t kMaxConsultationPhone = 40;
inline constexpr std::size_t kMaxConsultationEmail = 254;
inline constexpr std::size_t kMaxConsultationTimes = 500;
inline constexpr std::size_t kMaxConsultationReason = 1000;
inline constexpr std::size_t kMaxConsultationNote = 2000;

struct ConsultationRequest {
  ConsultationRequestId id{};  ///< 0 until stored
  std::string reference;       ///< what the requester is given: "CR-XXXX-XXXX-XXXX" (random)
  std::string name;
  std::string phone;  ///< phone or e-mail (or both): at least one
  std::string email;
  std::string preferred_times;  ///< "weekday mornings", free text
  std::string reason;           ///< short
  Timestamp received_at{};
  ConsultationStatus status = ConsultationStatus::New;
  std::string note;  ///< the front desk's note on the last change ("" while new)
  std::optional<Timestamp> updated_at;
  std::string updated_by;            ///< "" while new
  std::optional<PatientId> patient;  ///< the patient record it became (status converted)
};

/// The form's rules: name (one line), preferred times and reason required (check_required_text
/// with the limits above); phone and/or e-mail, at least one: a phone is 6-20 digits with
/// optional + ( ) - . / and spaces; an e-mail is one line "local@domain.tld" without spaces.
/// Validation naming the field ("consultation request: email: ...").
core::Status validate_consultation_request(const ConsultationRequest& request);

/// Whether a request in `from` may move to `to` by a front-desk change (contacted, scheduled,
/// declined; converted only through turning it into a patient). Conflict naming both otherwise.
core::Status check_consultation_transition(ConsultationStatus from, ConsultationStatus to);

std::string_view to_string(ConsultationStatus status);
core::Result<ConsultationStatus> parse_consultation_status(std::string_view text);

}  // namespace ketapath::clinic
