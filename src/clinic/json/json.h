#pragma once
// The clinic's JSON forms: canonical text for the audit log (sorted keys, shortest round-trip
// numbers), `--json` output, settings, and the files the CLI reads (sessions, screenings,
// treatment history, drug library). Units are in the key names (`dose_mg_per_kg`,
// `systolic_mmhg`). Readers are strict: an unknown key, a wrong type or a missing required key is
// an InvalidData error naming the path ("session.json: vitals[2].systolic_mmhg: expected a
// number"); range checks are left to validation.h (Validation errors).

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clinic/domain/alert.h"
#include "clinic/domain/assessment.h"
#include "clinic/domain/calendar.h"
#include "clinic/domain/care_team.h"
#include "clinic/domain/clearance.h"
#include "clinic/domain/consultation.h"
#include "clinic/domain/course.h"
#include "clinic/domain/custody.h"
#include "clinic/domain/dose.h"
#include "clinic/domain/drug_library.h"
#include "clinic/domain/patient.h"
#include "clinic/domain/response.h"
#include "clinic/domain/safety.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/session.h"
#include "clinic/domain/user.h"

namespace ketapath::clinic {

using Json = nlohmann::json;

Json to_json(const WeightRecord& v);
Json to_json(const Diagnosis& v);
Json to_json(const TreatmentTrial& v);
Json to_json(const Patient& v);
Json to_json(const ScreeningInput& v);
Json to_json(const ScreeningPolicy& v);
Json to_json(const ScreeningResult& v);
Json to_json(const Amendment& v);
Json to_json(const MedicationEntry& v);
Json to_json(const ActiveMedication& v);
Json to_json(const ScreeningRecord& v);
Json to_json(const RouteLimits& v);
Json to_json(const DrugEntry& v);
Json to_json(const DosingPolicy& v);
Json to_json(const DoseCalculation& v);
Json to_json(const DoseRecord& v);
Json to_json(const OrderTerms& v);
Json to_json(const PreDoseChecklist& v);
Json to_json(const OrderCheck& v);
Json to_json(const MedicationSafetyPolicy& v);
Json to_json(const PlannedSession& v);
Json to_json(const Course& v);
Json to_json(const ScheduledSession& v);
Json to_json(const VitalSigns& v);
Json to_json(const ScaleRating& v);
Json to_json(const AdverseEvent& v);
Json to_json(const DischargeReadiness& v);
Json to_json(const Session& v);
Json to_json(const Alert& v);
Json to_json(const SafetyThresholds& v);
Json to_json(const ResponseSummary& v);
Json to_json(const User& v);
Json to_json(const ResponsePlan& v);
Json to_json(const Assessment& v);
Json to_json(const ClinicCalendar& v);
Json to_json(const CareTeamMember& v);
Json to_json(const ConsultationRequest& v);
Json to_json(const ResponsePolicy& v);
Json to_json(const Consent& v);
Json to_json(const Clearance& v);
Json to_json(const ClearanceBasis& v);

/// Canonical text: sorted keys, no spaces, shortest round-trip numbers. What the audit stores.
std::string canonical(const Json& j);

/// The one entry point for JSON text from outside (json_parse.cpp). Refuses malformed text
/// (InvalidData "<where>:<line>:<column>: malformed JSON: ..."), text over
/// limits::kMaxJsonFileBytes and nesting deeper than limits::kMaxJsonDepth (LimitExceeded),
/// before building anything.
core::Result<Json> parse_json(std::string_view text, std::string_view where);

/// Reads and parses a JSON file through parse_json, reading no more than the size limit.
/// NotFound when there is no such file, Io when it cannot be read.
core::Result<Json> read_json_file(const std::string& path);

/// A value for an error message, bounded and never recursive: "an object of 3 keys",
/// "an array of 2 values", a string as a short excerpt, a number or boolean as written.
std::string describe_json(const Json& j);

// Readers. `where` prefixes errors (a file name or "settings dosing_policy").
core::Result<Session> session_from_json(const Json& j, std::string_view where);
/// A session's pre-dose checklist (order.h). Unknown answers stay unknown (null); `waivers` is
/// derived when the session is recorded (read back from the store, replaced on input).
core::Result<PreDoseChecklist> checklist_from_json(const Json& j, std::string_view where);
/// An order's validity as stored (DoseRecord::order).
core::Result<OrderTerms> order_terms_from_json(const Json& j, std::string_view where);
/// Setting medication_safety: {"double_check_iv", "double_check_sc", "double_check_im",
/// "min_fasting_hours"}; validated (order.h validate_medication_safety).
core::Result<MedicationSafetyPolicy> medication_safety_from_json(const Json& j,
                                                                 std::string_view where);
/// A session's discharge readiness (the "discharge" object of a session). The derived `ready` and
/// `not_ready_reasons` are never taken from input: safety.h assess_discharge computes them.
core::Result<DischargeReadiness> discharge_from_json(const Json& j, std::string_view where);
core::Result<ScreeningInput> screening_input_from_json(const Json& j, std::string_view where);
/// A screening file from a clinician: the answers only. A `policy` key is refused (InvalidData):
/// the clinic's screening_policy setting applies, with a prescriber's choices (ScreeningChoices).
core::Result<ScreeningInput> screening_answers_from_json(const Json& j, std::string_view where);
core::Result<ScreeningPolicy> screening_policy_from_json(const Json& j, std::string_view where);
core::Result<std::vector<TreatmentTrial>> treatment_history_from_json(const Json& j,
                                                                      std::string_view where);
core::Result<DrugEntry> drug_entry_from_json(const Json& j, std::string_view where);
core::Result<DosingPolicy> dosing_policy_from_json(const Json& j, std::string_view where);
/// A setting given by an administrator (a file, a request body) states every key of the setting's
/// full form (`complete`, its to_json): a key left out is refused, never read as its default, which
/// could loosen a stricter value of the clinic (InvalidData naming the missing keys).
core::Status check_complete_setting(const Json& input, const Json& complete,
                                    std::string_view where);
core::Result<SafetyThresholds> safety_thresholds_from_json(const Json& j, std::string_view where);
/// {"time_zone": "Europe/Berlin", "clinic_days": ["mon", ...]}; validated (calendar.h).
core::Result<ClinicCalendar> clinic_calendar_from_json(const Json& j, std::string_view where);
/// {"responder_reduction", "partial_reduction", "loading_sessions", "sustained_ratings"};
/// validated (response.h validate_response_policy).
core::Result<ResponsePolicy> response_policy_from_json(const Json& j, std::string_view where);

/// The public consultation form: {"name", "phone", "email", "preferred_times", "reason"}, strings
/// only, unknown keys refused (InvalidData naming the path), then validate_consultation_request.
/// Only the form's fields are read: id, reference, status and times are the service's.
core::Result<ConsultationRequest> consultation_request_from_json(const Json& j,
                                                                 std::string_view where);

// Controlled-substance custody (custody.h; json_custody.cpp). Amounts as mg numbers (`*_mg`,
// exact to the microgram).
Json to_json(const StockLot& v);
Json to_json(const CustodyEntry& v);
Json to_json(const CustodyPolicy& v);
Json to_json(const CustodyLog& v);
/// {"require_lot": bool}; every key required.
core::Result<CustodyPolicy> custody_policy_from_json(const Json& j, std::string_view where);
/// A receipt request: {"product", "concentration_mg_per_ml", "lot", "expires_on", "supplier",
/// "vials", "ml_per_vial", optional "received_at"}; unknown keys refused; validated by the
/// service.
core::Result<StockReceipt> stock_receipt_from_json(const Json& j, std::string_view where);

}  // namespace ketapath::clinic
