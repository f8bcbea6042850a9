// Consultation requests (consultation.h): the public form's rules and the queue's states.

#include "clinic/domain/consultation.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/name_table.h"
#include "core/text.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

constexpr core::NameTable<ConsultationStatus, 5> kStatus{
    {{ConsultationStatus::New, "new"},
     {ConsultationStatus::Contacted, "contacted"},
     {ConsultationStatus::Scheduled, "scheduled"},
     {ConsultationStatus::Declined, "declined"},
     {ConsultationStatus::Converted, "converted"}}};

core::Status check_phone(std::string_view phone) {
  KETAPATH_TRY(core::check_required_text("consultation request: phone", phone,
                                         kMaxConsultationPhone, false));
  int digits = 0;
  for (const char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (std::string_view("+()-./ ").find(c) == std::string_view::npos) {
      return core::fail(ErrorCode::Validation,
                        "consultation request: phone: only digits, spaces and + ( ) - . / are "
                        "allowed (found '{}')",
                        (static_cast<unsigned char>(c) < 0x80) ? std::string(1, c) : "non-ASCII");
    }
  }
  if (digits < 6 || digits > 20) {
    return core::fail(ErrorCode::Validation,
                      "consultation request: phone: must have 6-20 digits (got {})", digits);
  }
  return {};
}

core::Status check_email(std::string_view email) {
  KETAPATH_TRY(core::check_required_text("consultation request: email", email,
                                         kMaxConsultationEmail, false));
  const std::size_t at = email.find('@');
  const bool one_at =
      at != std::string_view::npos && email.find('@', at + 1) == std::string_view::npos;
  const std::string_view local = one_at ? email.substr(0, at) : std::string_view{};
  const std::string_view domain = one_at ? email.substr(at + 1) : std::string_view{};
  const bool printable = std::all_of(email.begin(), email.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  const std::size_t dot = domain.rfind('.');
  if (!one_at || !printable || local.empty() || local.size() > 64 ||
      dot == std::string_view::npos || dot == 0 || dot + 3 > domain.size() ||
      domain.find("..") != std::string_view::npos) {
    return core::fail(ErrorCode::Validation,
                      "consultation request: email: must look like name@example.org (ASCII, no "
                      "spaces, one @, a dotted domain)");
  }
  return {};
}

}  // namespace

core::Status validate_consultation_request(const ConsultationRequest& r) {
  KETAPATH_TRY(
      core::check_required_text("consultation request: name", r.name, kMaxConsultationName, false));
  if (r.phone.empty() && r.email.empty()) {
    return core::fail(ErrorCode::Validation,
                      "consultation request: give a phone number or an e-mail address (or both) "
                      "so the clinic can reach you");
  }
  if (!r.phone.empty()) {
    KETAPATH_TRY(check_phone(r.phone));
  }
  if (!r.email.empty()) {
    KETAPATH_TRY(check_email(r.email));
  }
  KETAPATH_TRY(core::check_required_text("consultation request: preferred_times", r.preferred_times,
                                         kMaxConsultationTimes, true));
  KETAPATH_TRY(core::check_required_text("consultation request: reason", r.reason,
                                         kMaxConsultationReason, true));
  return {};
}

core::Status check_consultation_transition(ConsultationStatus from, ConsultationStatus to) {
  const bool final_state =
      from == ConsultationStatus::Declined || from == ConsultationStatus::Converted;
  const bool settable = to == ConsultationStatus::Contacted ||
                        to == ConsultationStatus::Scheduled || to == ConsultationStatus::Declined;
  if (!settable) {
    return core::fail(ErrorCode::InvalidArgument,
                      "consultation request: status: may be set to contacted, scheduled or "
                      "declined (got {}; converted is turning it into a patient)",
                      to_string(to));
  }
  if (final_state || from == to) {
    return core::fail(ErrorCode::Conflict,
                      "consultation request: is already {} and cannot become {}", to_string(from),
                      to_string(to));
  }
  return {};
}

std::string_view to_string(ConsultationStatus status) {
  return core::name_of(kStatus, status);
}

core::Result<ConsultationStatus> parse_consultation_status(std::string_view text) {
  return core::value_of(kStatus, text, "consultation request status");
}

}  // namespace ketapath::clinic
