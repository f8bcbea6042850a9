#pragma once
// The clinic's use cases over a ClinicStore. Every clinical write validates first (nothing is
// stored on a refusal), then runs as ONE transaction that also appends its audit record (who =
// the acting user, when = the service clock, what, before and after as canonical JSON).
//
// Example:
//   MemoryStore store;
//   ClinicService clinic(store, "dr.lee");
//   clinic.initialize();
//   auto id = clinic.add_patient(patient);
//   auto dose = clinic.calculate_dose({.patient = *id, .route = Route::Iv,
//                                      .dose = core::MilligramsPerKilogram(0.5), .on = today});

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/clearance.h"
#include "clinic/domain/course_templates.h"
#include "clinic/domain/dose.h"
#include "clinic/domain/external_record.h"
#include "clinic/domain/response.h"
#include "clinic/domain/safety.h"
#include "clinic/domain/user.h"
#include "clinic/domain/validation.h"
#include "clinic/service/chart_access_log.h"
#include "clinic/service/ports.h"
#include "clinic/service/report.h"
#include "clinic/service/research_export.h"
#include "clinic/service/sign_in.h"

namespace ketapath::clinic {

using Clock = std::function<Timestamp()>;

/// The system clock in UTC, to the second.
Timestamp system_now();

struct WeightResult {
  std::vector<std::string> warnings;
};

struct AssessmentResult {
  Assessment assessment;
  std::vector<Alert> alerts;          ///< PHQ-9 item 9
  std::vector<std::string> warnings;  ///< the recall-period flag, also kept in assessment.flags
};

/// What ClinicService::import_record stored.
struct ImportResult {
  PatientId patient{};
  std::vector<Assessment> assessments;  ///< the imported ratings (external history)
  std::vector<Alert> alerts;            ///< raised by them (PHQ-9 item 9), as for any rating
  std::vector<std::string> not_imported;
};

struct SessionResult {
  Session session;
  std::vector<Alert> alerts;
  std::vector<std::string> warnings;
};

/// A correction of a signed record (amendment.h): one or more fields of one session, assessment
/// or screening, with the reason.
struct AmendmentRequest {
  AmendedKind kind = AmendedKind::Session;
  std::int64_t record{};
  std::vector<FieldChange> changes;
  std::string reason;
};

/// What an amendment stored and what it changed downstream.
struct AmendmentResult {
  std::vector<Amendment> amendments;  ///< one per changed field
  /// The record as readers now see it: the amended session or assessment, or a screening's
  /// re-evaluated replacement.
  std::optional<Session> session;
  std::optional<Assessment> assessment;
  std::optional<ScreeningRecord> screening;
  std::vector<Alert> alerts;  ///< alerts the amended values raise that were not
                              ///< raised before (stored)
  std::vector<std::string> warnings;
};

/// A screening's choices beyond the clinic's screening policy. `resistance` and
/// `allow_current_depression` are a prescriber's choice (audited with the screening).
struct ScreeningChoices {
  std::optional<ResistanceDefinition> resistance;
  bool allow_current_depression = false;
  std::optional<Date> screened_on;  ///< the visit day when entered later (default today)
};

/// One dose through the dose check (ClinicService::check_dose): the order, and for a recorded
/// session when it was given (counted against the minimum interval).
struct DoseRequest {
  std::string_view use_case = "dose";  ///< prefixes refusals: "dose", "session"
  DoseOrder order;
  std::optional<Timestamp> administered_at;
  bool override_ordered = false;  ///< the soft-limit override comes from a prescriber's dose record
};

/// What the dose check established.
struct DoseCheck {
  Patient patient;
  DrugEntry drug;
  DosingPolicy policy;
  ClearanceBasis clearance;
  DoseCalculation calculation;
};

/// What ClinicService::decide_forecast stored: the decision and, for an acceptance, its course.
struct ForecastDecisionResult {
  ForecastDecision decision;
  std::optional<Course> course;
};

/// Every use case that plans or writes a ketamine dose. Each goes through check_dose (course plan:
/// the clearance part); tests/clinic/cli_test.cpp tries each with each violation, so a new path
/// is covered by adding its name here and its command there.
const std::vector<std::string_view>& dose_writing_use_cases();

class ClinicService {
 public:
  ClinicService(ClinicStore& store, std::string actor, Clock clock = system_now);

  /// Creates or migrates the schema and seeds the default ketamine library entry and settings
  /// when absent (audited). Returns the schema version. Once users exist, only an admin may.
  core::Result<int> initialize();

  /// The same store and clock acting as another user (e.g. the demo's nurse and prescriber).
  ClinicService acting_as(std::string actor) const;

  // People and roles (user.h). Every use case below checks the acting user first: it must be an
  // existing, enabled user holding the permission (Unauthorized otherwise, nothing stored). The
  // first user of a database can be added by anyone, and must be given the admin role.
  core::Result<User> add_user(std::string name, std::vector<Role> roles);
  /// Enables or disables a user (admin). Conflict when already so; refusing to disable the last
  /// enabled admin.
  core::Result<User> set_user_enabled(std::string_view name, bool enabled);
  core::Result<std::vector<User>> users();
  /// The acting user, checked for the permission (for work outside the service, e.g. `grant`).
  core::Result<User> authorize(Permission permission);

  // Sign-in (sign_in.h), for the HTTP server. Secrets are returned once and stored as hashes.
  /// A one-time token with which `user` chooses a password (printed once by the CLI, valid for
  /// SignInPolicy::setup_token_valid). An admin's use case, except while no user has a password
  /// yet: then anyone with the database may issue the first admin's token (the bootstrap).
  core::Result<std::string> issue_setup_token(std::string_view user);
  /// Spends the token and sets its user's password (password_problem() rules: Validation);
  /// Unauthorized for an unknown, used or expired token. Audited under the token's user.
  core::Result<User> redeem_setup_token(std::string_view token, std::string_view password);
  /// Checks the password (Unauthorized with one message for every refusal), counts failures
  /// (slow-down and lockout, audited) and opens a session (audited "auth.sign_in").
  core::Result<SignIn> sign_in(std::string_view user, std::string_view password,
                               std::string_view client);
  /// The signed-in user of a session id; Unauthorized when unknown, signed out, idle too long,
  /// past its absolute expiry, or the user is disabled. Writes last-seen at most once a minute.
  core::Result<User> resume(std::string_view session_id);
  /// Revokes the session server-side (audited "auth.sign_out").
  core::Status sign_out(std::string_view session_id);

  SignInPolicy& sign_in_policy() { return sign_in_policy_; }

  // Patients.
  core::Result<PatientId> add_patient(Patient patient);
  core::Result<Patient> patient(PatientId id);
  core::Result<std::vector<Patient>> patients();
  core::Result<WeightResult> add_weight(PatientId id, const WeightRecord& weight);
  core::Status add_diagnosis(PatientId id, const Diagnosis& diagnosis);
  core::Status add_treatment_trials(PatientId id, const std::vector<TreatmentTrial>& trials);
  /// The medication log (medication.h): a start, a stop (of a medication on the list that day)
  /// or a reconciliation at a visit (with a note of what was checked). Nurse or prescriber
  /// (RecordObservation); audited as patient.medication.<action>. Returns the interaction
  /// warnings of the list after the entry (docs/clinic.md "Medications and interactions").
  core::Result<std::vector<std::string>> record_medication(PatientId id, MedicationEntry entry);
  /// Creates a patient with a history from another system (external_record.h): demographics,
  /// diagnoses and weights as `add_patient` validates them, ratings as `record_assessment` does
  /// (items complete and in range, not in the future, not before birth; no one-year window:
  /// history may be older) stored as follow-up assessments noted "external history", their
  /// PHQ-9 item 9 alerts raised. Needs the roles of each part (register; diagnose; record
  /// observations; record ratings). ONE transaction, one audit entry "patient.import": any
  /// refusal (naming the part's source) stores nothing.
  core::Result<ImportResult> import_record(ExternalRecord record);

  /// The de-identified research CSV across all patients (research_export.h), subjects in a
  /// random order. Admin only (Permission::ExportResearch); audited "research.export" with the
  /// number of subjects and rows, in the transaction that read them.
  core::Result<ResearchCsv> research_export();

  /// Corrects a signed record by amendment (docs/clinic.md "Amendments"): the stored row keeps
  /// the original, readers see the amended values and the amendments beside them. Sessions and
  /// assessments need RecordSession, screenings RecordObservation; a screening is re-evaluated
  /// into a new screening that amends it (the gate reads that one; a clearance of the original
  /// does not carry over). Alerts the amended values raise are raised. ONE transaction, audited
  /// "<kind>.amend" with the record before and after: any refusal stores nothing.
  core::Result<AmendmentResult> amend(AmendmentRequest request);
  /// The patient's amendments, oldest first (ReadClinical).
  core::Result<std::vector<Amendment>> amendments(PatientId id);

  // Screening, always under the clinic's screening policy (an admin's setting) plus the
  // prescriber's choices; the input's own policy is ignored.
  core::Result<ScreeningRecord> screen(PatientId id, const ScreeningInput& input,
                                       const ScreeningChoices& choices = {});
  /// The same evaluation under the same policy and choices, not stored (id 0): for forms.
  core::Result<ScreeningRecord> preview_screening(PatientId id, const ScreeningInput& input,
                                                  const ScreeningChoices& choices = {});
  core::Result<std::vector<ScreeningRecord>> screenings(PatientId id);

  // The clearance gate (clearance.h): consent and a prescriber's clearance, both audited.
  core::Result<Consent> record_consent(PatientId id, Date consented_on, std::string form_version,
                                       std::string witness);
  core::Result<std::vector<Consent>> consents(PatientId id);
  /// A prescriber clears a needs_review screening (reason required). Refused for eligible
  /// (Conflict), not_eligible or any unknown answer (Validation); a second clearance: Conflict.
  core::Result<Clearance> clear_screening(ScreeningId id, std::string reason);
  /// Whether the patient may be given ketamine on `day`, and why (Validation naming the reason).
  core::Result<ClearanceBasis> clearance(PatientId id, Date day);
  /// The work list's warnings: patients with a session planned whose clearance has lapsed or
  /// expires within the policy's warning days.
  core::Result<std::vector<std::string>> clearance_warnings();

  /// Checks and records a ketamine dose order (the DoseRecord is the document): clearance, the
  /// drug library, weight recency, volume and the minimum interval (check_dose); refusals store
  /// nothing. A prescriber's use case.
  core::Result<DoseRecord> calculate_dose(const DoseOrder& order);
  /// The same calculation and checks, not stored (id 0): for forms and `dose --preview`.
  core::Result<DoseRecord> preview_dose(const DoseOrder& order);
  core::Result<std::vector<DoseRecord>> doses(PatientId id);

  // Orders, double checks and checklist waivers (issue 15 items 2-4; service_orders.cpp,
  // docs/clinic.md "Order, double check and pre-dose checklist"). The order is the dose record
  // calculate_dose stores, with its validity (DoseOrder::valid_until or ::course).
  /// A prescriber discontinues an active order (reason required; audited "order.discontinue").
  /// Conflict when it is already discontinued or is not an order.
  core::Result<DoseRecord> discontinue_order(DoseRecordId id, std::string reason);
  /// A second user's independent double check of an order for the treatment day `day`: the
  /// weight and the dose as the checker finds them (nurse or prescriber; audited
  /// "order.double_check"). The reply holds only the checker's own entry: the comparison with
  /// the administration happens when the session is recorded, which must cite it.
  core::Result<OrderCheck> record_double_check(DoseRecordId order, Date day, core::Kilograms weight,
                                               core::Milligrams dose);
  /// A prescriber waives one pre-dose checklist item of an order's administration on `day`, with
  /// the reason (required; audited "checklist.waive"). A positive pregnancy test cannot be waived
  /// (refused when the session is recorded).
  core::Result<OrderCheck> waive_checklist_item(DoseRecordId order, Date day, ChecklistItem item,
                                                std::string reason);
  /// The order's double checks and waivers, oldest first. A double check's weight and dose are
  /// left out (null): the administering nurse enters hers without seeing the checker's.
  core::Result<std::vector<OrderCheck>> order_checks(DoseRecordId order);

  // Courses. Planned days are the clinic's days (setting clinic_calendar): a template day on
  // which the clinic is closed moves to the next clinic day, and Course::messages says so. One
  // active course per patient: another is a Conflict unless options.allow_overlap_reason, and
  // one whose days (course_days) overlap another active course's is always a Conflict.
  core::Result<Course> plan_course(PatientId id, CourseProtocol protocol, Date start,
                                   const CoursePlanOptions& options, std::string notes = "");
  core::Result<Course> course(CourseId id);
  core::Result<std::vector<Course>> courses(PatientId id);
  /// Ends an active course. Without a reason, every planned session must be done, skipped or
  /// missed (Validation naming the ones still planned); with a reason, the still-planned ones
  /// are cancelled ("completed early: REASON"). Conflict unless the course is active.
  core::Result<Course> complete_course(CourseId id, std::string reason = "");
  /// Cancels an active course (reason required): its planned sessions become cancelled.
  core::Result<Course> cancel_course(CourseId id, std::string reason);
  /// Moves one planned session to `to` (not in the past; the next clinic day when the clinic is
  /// closed that day, said in Course::messages); reason required. Conflict when the move takes
  /// the course into the days of another active course of the patient.
  core::Result<Course> reschedule_session(CourseId id, int number, Date to, std::string reason);
  /// Leaves one planned session out (reason required); the course completes when nothing
  /// planned remains.
  core::Result<Course> skip_session(CourseId id, int number, std::string reason);

  /// A prescriber's decision on a model-informed maintenance recommendation (forecast.h
  /// accept_forecast / reject_forecast, which recompute the forecast first): ONE transaction
  /// audited "forecast.accept" or "forecast.reject" (decision and basis). Accepted: `course` (its
  /// sessions laid out by the caller from the forecast's dates) goes through course plan's gates
  /// (check_course_plan) and the minimum dose interval at day resolution (after the latest recorded
  /// session and between its days), is stored (audited "course.plan") and named by the decision.
  /// Rejected: a reason is required, no course. Permission::OrderDose; refusals store nothing.
  core::Result<ForecastDecisionResult> decide_forecast(ForecastDecision decision,
                                                       std::optional<Course> course);
  /// The patient's forecast decisions, oldest first.
  core::Result<std::vector<ForecastDecision>> forecast_decisions(PatientId id);

  /// Validates and records a session with its vitals, ratings, adverse events and discharge,
  /// raises the safety alerts of its vitals, marks the planned course session done and links the
  /// dose record: all in one transaction. A missing dose_mg is taken from the dose record, else
  /// from the latest weight; a given dose_mg must match weight x mg/kg within 5%.
  core::Result<SessionResult> record_session(Session session);
  /// The same validation, dose check and alert evaluation, not stored (ids 0): for forms.
  core::Result<SessionResult> preview_session(Session session);
  core::Result<std::vector<Session>> sessions(PatientId id);

  /// Records a rating outside a session (a follow-up) with the same validation as a session
  /// rating (all items, in range; total recomputed), rated_at not in the future; links it to the
  /// latest session started at or before it (hours since that dose), classifies it trough or
  /// acute, flags a GAD-7/PHQ-9/LSAS rated < 24 h after a dose, and raises the PHQ-9 item 9
  /// alert: one audited transaction ("assessment.record").
  core::Result<AssessmentResult> record_assessment(Assessment assessment);
  core::Result<std::vector<Assessment>> assessments(PatientId id);

  /// Adds the patient's psychiatrist or PCP (validated; audited "care_team.add").
  core::Result<CareTeamMember> add_care_team_member(CareTeamMember member);
  core::Result<std::vector<CareTeamMember>> care_team(PatientId id);

  core::Result<std::vector<Alert>> alerts(PatientId id);
  /// Unacknowledged alerts of every patient, oldest first: the clinic's work list.
  core::Result<std::vector<Alert>> open_alerts();
  /// The day schedule: every active course's sessions still planned on `day`, all patients,
  /// ordered by patient name, then patient id, course and number. A work list like the open
  /// alerts (needs ReadClinical: it shows doses), so it is not a read of one patient's chart.
  core::Result<std::vector<ScheduledSession>> day_schedule(Date day);
  /// Acknowledges an alert with the clinician's note of what was done (required, at most 2,000
  /// characters), as the acting user at the service clock; audited in the same transaction.
  /// NotFound for an unknown alert; Conflict when it is already acknowledged (the first
  /// acknowledgement stands; add to the record with a new session note instead).
  core::Result<Alert> acknowledge_alert(AlertId id, std::string note);
  core::Result<ResponseSummary> response(PatientId id, Scale scale);
  /// Every outcome scale's trough and acute response (sessions and follow-ups) and the one
  /// combined recommendation with proposed dates (response.h plan_response).
  core::Result<ResponsePlan> response_plan(PatientId id);
  /// Everything the letter to the care team shows (report.h render_report), read as the acting
  /// user, who signs it, at the service clock.
  core::Result<ReportData> report_data(PatientId id);

  // Consultation requests (consultation.h): the public form and the front desk's queue.
  /// The public form: validates, gives the request a random reference ("CR-XXXX-XXXX-XXXX"),
  /// stores it as new; audited "consultation.request" under the acting name (the server's
  /// "anonymous"; no user or session needed). The caller hands out only the reference.
  core::Result<ConsultationRequest> submit_consultation_request(ConsultationRequest request);
  /// The queue, oldest first (at most 500), only `status` when given. Any enabled user.
  core::Result<std::vector<ConsultationRequest>> consultation_requests(
      std::optional<ConsultationStatus> status = std::nullopt);
  core::Result<ConsultationRequest> consultation_request(ConsultationRequestId id);
  /// Marks a request contacted, scheduled or declined, with an optional note (front_desk, nurse,
  /// prescriber; check_consultation_transition: Conflict from a final state). Audited
  /// "consultation.<status>".
  core::Result<ConsultationRequest> set_consultation_status(ConsultationRequestId id,
                                                            ConsultationStatus status,
                                                            std::string note = "");
  /// Registers the requester as a patient (demographics only; the request's name unless
  /// `patient.name` is given) and marks the request converted, naming the patient: one
  /// transaction, audited "patient.add" and "consultation.convert".
  core::Result<ConsultationRequest> convert_consultation_request(ConsultationRequestId id,
                                                                 Patient patient);

  // Controlled-substance custody of ketamine (custody.h; service_custody.cpp; docs/clinic.md
  // "Controlled-substance custody"). Receipt, waste and count: nurse or prescriber
  // (Permission::HandleStock); the log: prescriber, admin, auditor (ReadCustodyLog). Each write is
  // one audited transaction; a refusal stores nothing.
  /// Receives a new lot: validate_receipt, received by the acting user now; audited
  /// "stock.receive". Conflict when the product already has that lot number.
  core::Result<StockReceived> receive_stock(StockReceipt receipt);
  /// Wastes `amount` of a lot with a reason, witnessed by `witness`: an existing, enabled user
  /// other than the acting one who may handle stock. Audited "stock.waste".
  core::Result<CustodyEntry> waste_stock(StockLotId lot, core::Milligrams amount,
                                         std::string reason, std::string witness);
  /// Records a count of a lot against its ledger balance; a difference needs the investigation
  /// text and adjusts the balance to the count. Audited "stock.count".
  core::Result<CustodyEntry> count_stock(StockLotId lot, core::Milligrams counted,
                                         std::string investigation = "");
  /// Every lot with its balance (ReadClinical).
  core::Result<std::vector<StockBalance>> stock();
  /// The controlled-substance log of [from, to] (clinic days; ReadCustodyLog).
  core::Result<CustodyLog> custody_log(Date from, Date to);
  core::Result<CustodyPolicy> custody_policy();
  core::Status set_custody_policy(const CustodyPolicy& policy);

  // Clinic-editable settings and the drug library.
  core::Result<DosingPolicy> dosing_policy();
  core::Status set_dosing_policy(const DosingPolicy& policy);
  core::Result<SafetyThresholds> safety_thresholds();
  core::Status set_safety_thresholds(const SafetyThresholds& thresholds);
  core::Result<ScreeningPolicy> screening_policy();
  core::Status set_screening_policy(const ScreeningPolicy& policy);
  core::Result<ClinicCalendar> clinic_calendar();
  core::Status set_clinic_calendar(const ClinicCalendar& calendar);
  core::Result<ResponsePolicy> response_policy();
  core::Status set_response_policy(const ResponsePolicy& policy);
  core::Result<MedicationSafetyPolicy> medication_safety();
  core::Status set_medication_safety(const MedicationSafetyPolicy& policy);
  /// The clinic's local day of an instant (clinic_calendar's time zone).
  core::Result<Date> clinic_day(Timestamp at);
  core::Result<DrugEntry> drug(std::string_view name);
  core::Result<std::vector<DrugEntry>> drugs();
  core::Result<DrugId> save_drug(const DrugEntry& entry);

  /// Recomputes the chain and the head HMAC and, given an anchor recorded earlier outside the
  /// database, checks the log still holds that entry unchanged (audit.h AuditAnchor).
  core::Result<AuditVerification> verify_audit(const std::optional<AuditAnchor>& anchor = {});

  /// Backup and restore (store/backup.h does the copying; docs/storage.md "Backup and restore"):
  /// an admin's record in the audit log of a verified backup written to `file` with its anchor
  /// ("clinic.backup"), and of this database restored from `file` and verified against `anchor`
  /// ("clinic.restore"). Unauthorized for anyone else, with nothing stored.
  core::Status record_backup(std::string_view file, std::string_view anchor);
  core::Status record_restore(std::string_view file, std::string_view anchor);

  Timestamp now() const { return clock_(); }

  const std::string& actor() const { return actor_; }

  InputLimits& input_limits() { return limits_; }

  /// Where this service records chart reads (chart_access_log.h), shared by acting_as copies:
  /// the CLI sets an immediate log, the server a grouped one. Without one (tests, the demo)
  /// nothing is recorded.
  void set_chart_access_log(std::shared_ptr<ChartAccessLog> log) { access_log_ = std::move(log); }

  /// Who read whose chart, newest first (admin, auditor: Permission::Oversee).
  core::Result<std::vector<ChartAccess>> chart_accesses(const ChartAccessQuery& query);

 private:
  core::Result<User> authorize(Transaction& tx, Permission permission);
  /// The one dose check of every dose path (dose_writing_use_cases()).
  core::Result<DoseCheck> check_dose(Transaction& tx, const User& user, const DoseRequest& request);
  core::Result<DoseRecord> dose_order(const DoseOrder& order, bool store);
  /// Course plan's gates on `c` inside `tx` (the caller authorized): the patient exists, one
  /// active course unless c.overlap_reason, never over another active course's days, clearance
  /// on `start`, every planned dose and IV duration within the library. `what` prefixes refusals.
  core::Status check_course_plan(Transaction& tx, const Course& c, Date start,
                                 std::string_view what);
  core::Result<ScreeningRecord> screening_of(PatientId id, const ScreeningInput& input,
                                             const ScreeningChoices& choices, bool store);
  core::Result<SessionResult> session_of(Session s, bool store);
  /// The session's draw from its stock lot (service_custody.cpp): checked (lot known, not
  /// expired on `day`, balance enough; a lot required by custody_policy), locked when `store`.
  /// The entry to write once the session has its id; nothing when no lot is named.
  core::Result<std::optional<CustodyEntry>> session_draw(Transaction& tx, const Session& s,
                                                         Date day, bool store);
  /// The gates of an administration beyond check_dose (service_orders.cpp): an active order that
  /// matches the session, the independent double check when the route needs one, the pre-dose
  /// checklist complete or waived. Sets s.checked_by and the checklist's waivers; returns the
  /// checks and waivers the session uses (linked once it is stored).
  core::Result<std::vector<OrderCheckId>> check_administration(
      Transaction& tx, Session& s, const std::optional<DoseRecord>& order, const DoseCheck& check,
      const SafetyThresholds& thresholds);
  /// An order usable on `day` (exists, is an order, active, day inside its validity).
  core::Result<DoseRecord> active_order(Transaction& tx, DoseRecordId id, Date day,
                                        std::string_view what);
  core::Result<DosingPolicy> dosing_policy_in(Transaction& tx);
  core::Result<ClinicCalendar> clinic_calendar_in(Transaction& tx);
  core::Status check_interval(Transaction& tx, const DoseRequest& request, DoseCheck& check);
  core::Result<ClearanceRecords> clearance_records(Transaction& tx, PatientId id);
  AuditRecord audit_record(std::string action, std::string entity, std::string before,
                           std::string after) const;
  core::Result<std::string> setting(std::string_view key);
  core::Status record_copy(std::string action, std::string_view file, std::string_view anchor);
  /// The setting's stored JSON read in `tx` (Storage when missing); the caller authorized.
  core::Result<std::string> setting_in(Transaction& tx, std::string_view key);
  core::Status put_setting(std::string_view key, const std::string& json, std::string action);

  /// Records that the acting user read patient `id`'s `what` (after the read's transaction).
  core::Status note_read(PatientId id, std::string_view what);

  /// Runs a chart read and, when it succeeded, records it.
  template <class Read>
  auto chart_read(PatientId id, std::string_view what, Read read) -> decltype(read()) {
    auto value = read();
    if (value) {
      KETAPATH_TRY(note_read(id, what));
    }
    return value;
  }

  ClinicStore& store_;
  std::shared_ptr<ChartAccessLog> access_log_;
  std::string actor_;
  Clock clock_;
  InputLimits limits_;
  SignInPolicy sign_in_policy_;
};

}  // namespace ketapath::clinic
