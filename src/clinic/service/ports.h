#pragma once
// The storage ports of the clinic: the narrow repository interfaces the clinic services need.
// src/store implements them (SQLite and PostgreSQL); clinic/memory_store.h is an in-memory
// implementation with the same semantics for tests. No SQL, no driver types here.
//
// Unit of work: every access goes through a Transaction from ClinicStore::begin(). A clinical
// write is one transaction: the repository calls, then append_audit() with the record describing
// the write, then commit(). Destroying a transaction without commit() rolls it back (nothing of
// it is visible afterwards). A use case that only reads takes its transaction from
// ClinicStore::begin_read() and need not commit it.
//
// Common contract of every method:
// - Ids are assigned by the store (positive, increasing per kind); an `add` ignores the id in its
//   argument and returns the new one. Nested lists (weights, planned sessions, vitals, ratings,
//   ...) are stored and returned in the order given.
// - An unknown id gives ErrorCode::NotFound ("patient 42 not found"); a driver or disk failure
//   gives ErrorCode::Storage with the driver message; a unique-key clash gives Conflict.
// - Values round-trip exactly: doubles bit-for-bit (store them as REAL/double precision or as
//   shortest round-trip text), strings byte-for-byte, timestamps to the second.
// - Methods do not validate clinical content (the services do) but must not crash on any value.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/alert.h"
#include "clinic/domain/amendment.h"
#include "clinic/domain/assessment.h"
#include "clinic/domain/audit.h"
#include "clinic/domain/care_team.h"
#include "clinic/domain/chart_access.h"
#include "clinic/domain/clearance.h"
#include "clinic/domain/consultation.h"
#include "clinic/domain/course.h"
#include "clinic/domain/custody.h"
#include "clinic/domain/dose.h"
#include "clinic/domain/drug_library.h"
#include "clinic/domain/forecast_decision.h"
#include "clinic/domain/ids.h"
#include "clinic/domain/patient.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/session.h"
#include "clinic/domain/user.h"
#include "clinic/service/sign_in.h"
#include "core/error.h"

namespace ketapath::clinic {

class PatientRepository {
 public:
  virtual ~PatientRepository() = default;
  /// Stores the patient with its weights, diagnoses and treatment history.
  virtual core::Result<PatientId> add(const Patient& patient) = 0;
  /// The patient with all nested lists. NotFound for an unknown id.
  virtual core::Result<Patient> get(PatientId id) = 0;
  /// All patients ordered by id, nested lists included.
  virtual core::Result<std::vector<Patient>> list() = 0;
  /// Appends to the patient's lists. NotFound for an unknown patient.
  virtual core::Status add_weight(PatientId id, const WeightRecord& weight) = 0;
  virtual core::Status add_diagnosis(PatientId id, const Diagnosis& diagnosis) = 0;
  virtual core::Status add_treatment_trial(PatientId id, const TreatmentTrial& trial) = 0;
  virtual core::Status add_medication_entry(PatientId id, const MedicationEntry& entry) = 0;
};

class ScreeningRepository {
 public:
  virtual ~ScreeningRepository() = default;
  /// NotFound when record.patient does not exist.
  virtual core::Result<ScreeningId> add(const ScreeningRecord& record) = 0;
  virtual core::Result<ScreeningRecord> get(ScreeningId id) = 0;
  /// The patient's screenings ordered by id (empty for an unknown patient).
  virtual core::Result<std::vector<ScreeningRecord>> list_for_patient(PatientId patient) = 0;
};

class DrugLibraryRepository {
 public:
  virtual ~DrugLibraryRepository() = default;
  /// Inserts (entry.id == 0) or replaces (entry.id > 0, NotFound if absent) an entry with its
  /// route limits. Conflict when another entry has the same name.
  virtual core::Result<DrugId> save(const DrugEntry& entry) = 0;
  virtual core::Result<DrugEntry> get(DrugId id) = 0;
  /// NotFound for an unknown name.
  virtual core::Result<DrugEntry> find_by_name(std::string_view name) = 0;
  /// All entries ordered by id.
  virtual core::Result<std::vector<DrugEntry>> list() = 0;
};

class DoseRepository {
 public:
  virtual ~DoseRepository() = default;
  /// NotFound when record.patient does not exist.
  virtual core::Result<DoseRecordId> add(const DoseRecord& record) = 0;
  virtual core::Result<DoseRecord> get(DoseRecordId id) = 0;
  /// Ordered by id.
  virtual core::Result<std::vector<DoseRecord>> list_for_patient(PatientId patient) = 0;
  /// Links a dose record to the session it was given in. NotFound for either id.
  virtual core::Status link_session(DoseRecordId dose, SessionId session) = 0;
  /// Replaces the order's terms (validity, status, discontinuation). NotFound for an unknown id.
  virtual core::Status set_order(DoseRecordId dose, const OrderTerms& order) = 0;
};

/// Double checks and checklist waivers recorded against an order (order.h OrderCheck).
class OrderCheckRepository {
 public:
  virtual ~OrderCheckRepository() = default;
  /// NotFound when the order (dose record) or the patient does not exist.
  virtual core::Result<OrderCheckId> add(const OrderCheck& check) = 0;
  /// NotFound for an unknown id.
  virtual core::Result<OrderCheck> get(OrderCheckId id) = 0;
  /// The order's checks and waivers, ordered by id.
  virtual core::Result<std::vector<OrderCheck>> list_for_order(DoseRecordId order) = 0;
  /// Marks the check used by the session. NotFound for either id.
  virtual core::Status link_session(OrderCheckId check, SessionId session) = 0;
};

class CourseRepository {
 public:
  virtual ~CourseRepository() = default;
  /// Stores the course with its planned sessions. NotFound when course.patient does not exist.
  virtual core::Result<CourseId> add(const Course& course) = 0;
  virtual core::Result<Course> get(CourseId id) = 0;
  /// Ordered by id.
  virtual core::Result<std::vector<Course>> list_for_patient(PatientId patient) = 0;
  /// Replaces the planned session with the same number. NotFound for an unknown course or number.
  virtual core::Status update_planned_session(CourseId course, const PlannedSession& session) = 0;
  /// Sets the course's status and status_reason ("" when none).
  virtual core::Status set_status(CourseId course, CourseStatus status,
                                  std::string_view reason = "") = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  /// Stores the session with vitals, ratings, adverse events and discharge. NotFound when the
  /// patient (or the course, when set) does not exist.
  virtual core::Result<SessionId> add(const Session& session) = 0;
  virtual core::Result<Session> get(SessionId id) = 0;
  /// Ordered by started_at, then id.
  virtual core::Result<std::vector<Session>> list_for_patient(PatientId patient) = 0;
};

class AlertRepository {
 public:
  virtual ~AlertRepository() = default;
  virtual core::Result<AlertId> add(const Alert& alert) = 0;
  /// NotFound for an unknown id.
  virtual core::Result<Alert> get(AlertId id) = 0;
  /// Ordered by id.
  virtual core::Result<std::vector<Alert>> list_for_patient(PatientId patient) = 0;
  /// Every unacknowledged alert of every patient, ordered by id.
  virtual core::Result<std::vector<Alert>> list_open() = 0;
  /// Marks the alert acknowledged by `by` at `at`, with the clinician's note. NotFound for an
  /// unknown id. The service refuses a second acknowledgement before it gets here.
  virtual core::Status acknowledge(AlertId id, std::string_view by, Timestamp at,
                                   std::string_view note) = 0;
};

/// Ratings outside sessions (follow-ups).
class AssessmentRepository {
 public:
  virtual ~AssessmentRepository() = default;
  /// NotFound when the patient (or last_dose_session, when set) does not exist.
  virtual core::Result<AssessmentId> add(const Assessment& assessment) = 0;
  /// NotFound for an unknown id.
  virtual core::Result<Assessment> get(AssessmentId id) = 0;
  /// Ordered by rated_at, then id.
  virtual core::Result<std::vector<Assessment>> list_for_patient(PatientId patient) = 0;
};

/// The patient's psychiatrist and PCP.
class CareTeamRepository {
 public:
  virtual ~CareTeamRepository() = default;
  /// NotFound when the patient does not exist.
  virtual core::Result<CareTeamId> add(const CareTeamMember& member) = 0;
  /// Ordered by id.
  virtual core::Result<std::vector<CareTeamMember>> list_for_patient(PatientId patient) = 0;
};

/// The front desk's queue of consultation requests (consultation.h).
class ConsultationRepository {
 public:
  virtual ~ConsultationRepository() = default;
  /// Conflict when the reference is taken.
  virtual core::Result<ConsultationRequestId> add(const ConsultationRequest& request) = 0;
  /// NotFound for an unknown id.
  virtual core::Result<ConsultationRequest> get(ConsultationRequestId id) = 0;
  /// Ordered by id (oldest first); only those in `status` when given; at most `limit`.
  virtual core::Result<std::vector<ConsultationRequest>> list(
      std::optional<ConsultationStatus> status, std::int64_t limit) = 0;
  /// Replaces status, note, updated_at, updated_by and patient. NotFound for an unknown id.
  virtual core::Status update(const ConsultationRequest& request) = 0;
};

/// The chart-access log (chart_access.h): appended to, never changed.
class ChartAccessRepository {
 public:
  virtual ~ChartAccessRepository() = default;
  /// NotFound when the patient does not exist.
  virtual core::Status add(const ChartAccess& access) = 0;
  /// Newest first (accessed_at, then id), filtered by the query, at most query.limit.
  virtual core::Result<std::vector<ChartAccess>> list(const ChartAccessQuery& query) = 0;
};

/// Controlled-substance custody (custody.h): stock lots and their ledger, appended to, never
/// changed. A lot's balance is the sum of its entries' changes.
class CustodyRepository {
 public:
  virtual ~CustodyRepository() = default;
  /// Conflict when a lot with the same product and lot number exists.
  virtual core::Result<StockLotId> add_lot(const StockLot& lot) = 0;
  /// NotFound for an unknown id.
  virtual core::Result<StockLot> lot(StockLotId id) = 0;
  /// The lot, locked against other writers until this transaction ends (PostgreSQL: FOR UPDATE;
  /// SQLite's write transaction already holds the database), so a balance read after it and the
  /// entry written on it cannot interleave with another debit. NotFound for an unknown id.
  virtual core::Result<StockLot> lock_lot(StockLotId id) = 0;
  /// Every lot, ordered by id.
  virtual core::Result<std::vector<StockLot>> lots() = 0;
  /// NotFound when the lot (or the session or patient, when set) does not exist.
  virtual core::Result<CustodyEntryId> add_entry(const CustodyEntry& entry) = 0;
  /// The sum of the lot's changes (0 for a lot without entries).
  virtual core::Result<Micrograms> balance(StockLotId lot) = 0;
  /// Every entry, ordered by id (the ledger's order).
  virtual core::Result<std::vector<CustodyEntry>> entries() = 0;
};

/// Decisions on model-informed maintenance recommendations (forecast_decision.h): appended,
/// never changed.
class ForecastDecisionRepository {
 public:
  virtual ~ForecastDecisionRepository() = default;
  /// NotFound when the patient (or the course, when set) does not exist.
  virtual core::Result<ForecastDecisionId> add(const ForecastDecision& decision) = 0;
  /// Ordered by id (oldest first).
  virtual core::Result<std::vector<ForecastDecision>> list_for_patient(PatientId patient) = 0;
};

/// Amendments of signed records (amendment.h): appended, never changed. The session, assessment
/// and screening repositories apply them on every read (a session's amendments in id order,
/// listed in Session::amendments; an amending screening lists the amendments that produced it).
class AmendmentRepository {
 public:
  virtual ~AmendmentRepository() = default;
  /// NotFound when the patient, the amended record (of that patient) or the replacement
  /// screening does not exist.
  virtual core::Result<AmendmentId> add(const Amendment& amendment) = 0;
  /// The patient's amendments, ordered by id.
  virtual core::Result<std::vector<Amendment>> list_for_patient(PatientId patient) = 0;
};

/// Clinic-editable settings as key -> JSON text ("dosing_policy", "safety_thresholds",
/// "screening_policy"); the services own the keys and the JSON shape.
class SettingsRepository {
 public:
  virtual ~SettingsRepository() = default;
  /// Nothing when the key was never set.
  virtual core::Result<std::optional<std::string>> get(std::string_view key) = 0;
  virtual core::Status put(std::string_view key, std::string_view json) = 0;
};

/// The clearance gate's records (clearance.h): informed consent and prescribers' clearances.
class ClearanceRepository {
 public:
  virtual ~ClearanceRepository() = default;
  /// NotFound when the patient does not exist.
  virtual core::Result<ConsentId> add_consent(const Consent& consent) = 0;
  /// Ordered by id (empty for an unknown patient).
  virtual core::Result<std::vector<Consent>> consents(PatientId patient) = 0;
  /// NotFound when the patient or the screening does not exist.
  virtual core::Result<ClearanceId> add_clearance(const Clearance& clearance) = 0;
  /// Ordered by id (empty for an unknown patient).
  virtual core::Result<std::vector<Clearance>> clearances(PatientId patient) = 0;
};

/// The clinic's people (user.h). Names are unique; users are disabled, never deleted.
class UserRepository {
 public:
  virtual ~UserRepository() = default;
  /// Conflict when the name is taken.
  virtual core::Status add(const User& user) = 0;
  /// NotFound for an unknown name.
  virtual core::Result<User> get(std::string_view name) = 0;
  /// Ordered by name.
  virtual core::Result<std::vector<User>> list() = 0;
  /// Replaces roles and enabled of an existing user. NotFound for an unknown name.
  virtual core::Status update(const User& user) = 0;
};

/// One unit of work over all repositories (one database transaction).
class Transaction {
 public:
  virtual ~Transaction() = default;  ///< rolls back unless committed
  virtual PatientRepository& patients() = 0;
  virtual ScreeningRepository& screenings() = 0;
  virtual DrugLibraryRepository& drugs() = 0;
  virtual DoseRepository& doses() = 0;
  virtual CourseRepository& courses() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual AlertRepository& alerts() = 0;
  virtual AssessmentRepository& assessments() = 0;
  virtual CareTeamRepository& care_team() = 0;
  virtual SettingsRepository& settings() = 0;
  virtual UserRepository& users() = 0;
  virtual ClearanceRepository& clearances() = 0;
  /// Passwords, sign-in sessions and setup tokens (sign_in.h).
  virtual SignInRepository& sign_ins() = 0;
  /// The front desk's consultation requests (consultation.h).
  virtual ConsultationRepository& consultations() = 0;
  /// Who read whose chart (chart_access.h).
  virtual ChartAccessRepository& chart_accesses() = 0;
  /// Controlled-substance stock and its ledger (custody.h).
  virtual CustodyRepository& custody() = 0;
  /// Double checks and checklist waivers against orders (order.h).
  virtual OrderCheckRepository& order_checks() = 0;
  /// Accepted and rejected forecast recommendations (forecast_decision.h).
  virtual ForecastDecisionRepository& forecast_decisions() = 0;
  /// Amendments of signed records (amendment.h).
  virtual AmendmentRepository& amendments() = 0;
  /// Appends an audit entry inside this transaction (chained at commit or immediately; either
  /// way it becomes visible only with the commit).
  virtual core::Status append_audit(const AuditRecord& record) = 0;
  /// Makes every write of this transaction durable at once. A transaction that wrote but appended
  /// no audit record is refused (ErrorCode::Internal) and rolled back. After commit() (success or
  /// not) the transaction must not be used again.
  virtual core::Status commit() = 0;
};

/// The audit log as a whole.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  /// Entries with sequence >= from, at most `limit`, in sequence order.
  virtual core::Result<std::vector<AuditEntry>> entries(std::int64_t from, std::int64_t limit) = 0;
  /// Recomputes the chain and the head HMAC. Problems are reported in the value (intact = false),
  /// not as an error; an error means the log could not be read.
  virtual core::Result<AuditVerification> verify() = 0;
};

/// A clinic database.
class ClinicStore {
 public:
  virtual ~ClinicStore() = default;
  /// Creates the schema or migrates it to the newest version; idempotent. Returns the schema
  /// version. Other calls on a database that was never initialised give ErrorCode::Storage with
  /// a message telling to run `ketapath clinic init`.
  virtual core::Result<int> initialize() = 0;
  /// Starts a unit of work. At most one write transaction is open at a time per process.
  virtual core::Result<std::unique_ptr<Transaction>> begin() = 0;
  /// Starts a unit of work that only reads. Every read in it sees one consistent snapshot, and
  /// that snapshot includes every transaction committed before begin_read() was called (a client
  /// reads its own acknowledged writes). A write through it is refused (ErrorCode::Internal, at
  /// the latest at commit()) and stores nothing. Every use case that does not write uses it.
  virtual core::Result<std::unique_ptr<Transaction>> begin_read() = 0;

  /// Asks the store to serve begin_read() from up to `connections` connections of its own (the
  /// server's read pool, docs/architecture.md "Server"). When it returns true, begin_read() and
  /// the read transactions it returns may be used from any thread, at the same time as each
  /// other and as a write transaction (the caller still runs begin() and the write transactions
  /// one at a time). When it returns false (the in-memory store), the caller must run
  /// begin_read() one at a time with begin() as well. Call it before those threads start. A
  /// thread holds at most one transaction at a time (as without a pool): a second read while
  /// holding one could wait for a connection that never comes back.
  virtual bool read_concurrently(std::size_t connections) {
    (void)connections;
    return false;
  }

  virtual AuditLog& audit() = 0;
};

}  // namespace ketapath::clinic
