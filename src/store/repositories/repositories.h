#pragma once
// Internal: the SQL implementations of the clinic's repository ports. One set per transaction;
// each works on the transaction's connection and marks it written on every change.

#include "clinic/service/ports.h"
#include "store/repositories/common.h"

namespace ketapath::store::repositories {

class SqlPatients final : public clinic::PatientRepository {
 public:
  explicit SqlPatients(TransactionState& state) : state_(state) {}

  core::Result<clinic::PatientId> add(const clinic::Patient& patient) override;
  core::Result<clinic::Patient> get(clinic::PatientId id) override;
  core::Result<std::vector<clinic::Patient>> list() override;
  core::Status add_weight(clinic::PatientId id, const clinic::WeightRecord& weight) override;
  core::Status add_diagnosis(clinic::PatientId id, const clinic::Diagnosis& diagnosis) override;
  core::Status add_treatment_trial(clinic::PatientId id,
                                   const clinic::TreatmentTrial& trial) override;
  core::Status add_medication_entry(clinic::PatientId id,
                                    const clinic::MedicationEntry& entry) override;

 private:
  core::Result<clinic::Patient> load(const sql::Row& row);
  TransactionState& state_;
};

class SqlScreenings final : public clinic::ScreeningRepository {
 public:
  explicit SqlScreenings(TransactionState& state) : state_(state) {}

  core::Result<clinic::ScreeningId> add(const clinic::ScreeningRecord& record) override;
  core::Result<clinic::ScreeningRecord> get(clinic::ScreeningId id) override;
  core::Result<std::vector<clinic::ScreeningRecord>> list_for_patient(
      clinic::PatientId patient) override;

 private:
  TransactionState& state_;
};

class SqlDrugs final : public clinic::DrugLibraryRepository {
 public:
  explicit SqlDrugs(TransactionState& state) : state_(state) {}

  core::Result<clinic::DrugId> save(const clinic::DrugEntry& entry) override;
  core::Result<clinic::DrugEntry> get(clinic::DrugId id) override;
  core::Result<clinic::DrugEntry> find_by_name(std::string_view name) override;
  core::Result<std::vector<clinic::DrugEntry>> list() override;

 private:
  core::Result<clinic::DrugEntry> load(const sql::Row& row);
  TransactionState& state_;
};

class SqlDoses final : public clinic::DoseRepository {
 public:
  explicit SqlDoses(TransactionState& state) : state_(state) {}

  core::Result<clinic::DoseRecordId> add(const clinic::DoseRecord& record) override;
  core::Result<clinic::DoseRecord> get(clinic::DoseRecordId id) override;
  core::Result<std::vector<clinic::DoseRecord>> list_for_patient(
      clinic::PatientId patient) override;
  core::Status link_session(clinic::DoseRecordId dose, clinic::SessionId session) override;
  core::Status set_order(clinic::DoseRecordId dose, const clinic::OrderTerms& order) override;

 private:
  TransactionState& state_;
};

class SqlOrderChecks final : public clinic::OrderCheckRepository {
 public:
  explicit SqlOrderChecks(TransactionState& state) : state_(state) {}

  core::Result<clinic::OrderCheckId> add(const clinic::OrderCheck& check) override;
  core::Result<clinic::OrderCheck> get(clinic::OrderCheckId id) override;
  core::Result<std::vector<clinic::OrderCheck>> list_for_order(clinic::DoseRecordId order) override;
  core::Status link_session(clinic::OrderCheckId check, clinic::SessionId session) override;

 private:
  TransactionState& state_;
};

class SqlCourses final : public clinic::CourseRepository {
 public:
  explicit SqlCourses(TransactionState& state) : state_(state) {}

  core::Result<clinic::CourseId> add(const clinic::Course& course) override;
  core::Result<clinic::Course> get(clinic::CourseId id) override;
  core::Result<std::vector<clinic::Course>> list_for_patient(clinic::PatientId patient) override;
  core::Status update_planned_session(clinic::CourseId course,
                                      const clinic::PlannedSession& session) override;
  core::Status set_status(clinic::CourseId course, clinic::CourseStatus status,
                          std::string_view reason) override;

 private:
  core::Result<clinic::Course> load(const sql::Row& row);
  TransactionState& state_;
};

class SqlSessions final : public clinic::SessionRepository {
 public:
  explicit SqlSessions(TransactionState& state) : state_(state) {}

  core::Result<clinic::SessionId> add(const clinic::Session& session) override;
  core::Result<clinic::Session> get(clinic::SessionId id) override;
  core::Result<std::vector<clinic::Session>> list_for_patient(clinic::PatientId patient) override;

 private:
  core::Result<clinic::Session> load(const sql::Row& row);
  TransactionState& state_;
};

class SqlAlerts final : public clinic::AlertRepository {
 public:
  explicit SqlAlerts(TransactionState& state) : state_(state) {}

  core::Result<clinic::AlertId> add(const clinic::Alert& alert) override;
  core::Result<clinic::Alert> get(clinic::AlertId id) override;
  core::Result<std::vector<clinic::Alert>> list_for_patient(clinic::PatientId patient) override;
  core::Result<std::vector<clinic::Alert>> list_open() override;
  core::Status acknowledge(clinic::AlertId id, std::string_view by, clinic::Timestamp at,
                           std::string_view note) override;

 private:
  TransactionState& state_;
};

class SqlAssessments final : public clinic::AssessmentRepository {
 public:
  explicit SqlAssessments(TransactionState& state) : state_(state) {}

  core::Result<clinic::AssessmentId> add(const clinic::Assessment& assessment) override;
  core::Result<clinic::Assessment> get(clinic::AssessmentId id) override;
  core::Result<std::vector<clinic::Assessment>> list_for_patient(
      clinic::PatientId patient) override;

 private:
  core::Result<clinic::Assessment> load(const sql::Row& row);
  TransactionState& state_;
};

class SqlCareTeam final : public clinic::CareTeamRepository {
 public:
  explicit SqlCareTeam(TransactionState& state) : state_(state) {}

  core::Result<clinic::CareTeamId> add(const clinic::CareTeamMember& member) override;
  core::Result<std::vector<clinic::CareTeamMember>> list_for_patient(
      clinic::PatientId patient) override;

 private:
  TransactionState& state_;
};

class SqlSettings final : public clinic::SettingsRepository {
 public:
  explicit SqlSettings(TransactionState& state) : state_(state) {}

  core::Result<std::optional<std::string>> get(std::string_view key) override;
  core::Status put(std::string_view key, std::string_view json) override;

 private:
  TransactionState& state_;
};

class SqlClearances final : public clinic::ClearanceRepository {
 public:
  explicit SqlClearances(TransactionState& state) : state_(state) {}

  core::Result<clinic::ConsentId> add_consent(const clinic::Consent& consent) override;
  core::Result<std::vector<clinic::Consent>> consents(clinic::PatientId patient) override;
  core::Result<clinic::ClearanceId> add_clearance(const clinic::Clearance& clearance) override;
  core::Result<std::vector<clinic::Clearance>> clearances(clinic::PatientId patient) override;

 private:
  TransactionState& state_;
};

class SqlUsers final : public clinic::UserRepository {
 public:
  explicit SqlUsers(TransactionState& state) : state_(state) {}

  core::Status add(const clinic::User& user) override;
  core::Result<clinic::User> get(std::string_view name) override;
  core::Result<std::vector<clinic::User>> list() override;
  core::Status update(const clinic::User& user) override;

 private:
  TransactionState& state_;
};

class SqlSignIns final : public clinic::SignInRepository {
 public:
  explicit SqlSignIns(TransactionState& state) : state_(state) {}

  core::Result<std::optional<clinic::Credential>> credential(std::string_view user) override;
  core::Status put_credential(const clinic::Credential& credential) override;
  core::Result<bool> any_password() override;
  core::Status add_session(const clinic::SignInSession& session) override;
  core::Result<std::optional<clinic::SignInSession>> session(std::string_view id_hash) override;
  core::Status update_session(const clinic::SignInSession& session) override;
  core::Status add_setup_token(const clinic::SetupToken& token) override;
  core::Result<std::optional<clinic::SetupToken>> setup_token(std::string_view token_hash) override;
  core::Status update_setup_token(const clinic::SetupToken& token) override;

 private:
  TransactionState& state_;
};

class SqlCustody final : public clinic::CustodyRepository {
 public:
  explicit SqlCustody(TransactionState& state) : state_(state) {}

  core::Result<clinic::StockLotId> add_lot(const clinic::StockLot& lot) override;
  core::Result<clinic::StockLot> lot(clinic::StockLotId id) override;
  core::Result<clinic::StockLot> lock_lot(clinic::StockLotId id) override;
  core::Result<std::vector<clinic::StockLot>> lots() override;
  core::Result<clinic::CustodyEntryId> add_entry(const clinic::CustodyEntry& entry) override;
  core::Result<clinic::Micrograms> balance(clinic::StockLotId lot) override;
  core::Result<std::vector<clinic::CustodyEntry>> entries() override;

 private:
  core::Result<clinic::StockLot> get(clinic::StockLotId id, bool lock);
  TransactionState& state_;
};

class SqlConsultations final : public clinic::ConsultationRepository {
 public:
  explicit SqlConsultations(TransactionState& state) : state_(state) {}

  core::Result<clinic::ConsultationRequestId> add(
      const clinic::ConsultationRequest& request) override;
  core::Result<clinic::ConsultationRequest> get(clinic::ConsultationRequestId id) override;
  core::Result<std::vector<clinic::ConsultationRequest>> list(
      std::optional<clinic::ConsultationStatus> status, std::int64_t limit) override;
  core::Status update(const clinic::ConsultationRequest& request) override;

 private:
  TransactionState& state_;
};

class SqlChartAccesses final : public clinic::ChartAccessRepository {
 public:
  explicit SqlChartAccesses(TransactionState& state) : state_(state) {}

  core::Status add(const clinic::ChartAccess& access) override;
  core::Result<std::vector<clinic::ChartAccess>> list(
      const clinic::ChartAccessQuery& query) override;

 private:
  TransactionState& state_;
};

class SqlAmendments final : public clinic::AmendmentRepository {
 public:
  explicit SqlAmendments(TransactionState& state) : state_(state) {}

  core::Result<clinic::AmendmentId> add(const clinic::Amendment& amendment) override;
  core::Result<std::vector<clinic::Amendment>> list_for_patient(clinic::PatientId patient) override;

 private:
  TransactionState& state_;
};

/// The amendments of one record, in id order (the read path of sessions, assessments and
/// screenings): `column` is "record_id" (the amended record) or "replacement_id" (an amending
/// screening).
core::Result<std::vector<clinic::Amendment>> amendments_of(sql::Connection& c,
                                                           clinic::AmendedKind kind,
                                                           std::string_view column,
                                                           std::int64_t id);

class SqlForecastDecisions final : public clinic::ForecastDecisionRepository {
 public:
  explicit SqlForecastDecisions(TransactionState& state) : state_(state) {}

  core::Result<clinic::ForecastDecisionId> add(const clinic::ForecastDecision& decision) override;
  core::Result<std::vector<clinic::ForecastDecision>> list_for_patient(
      clinic::PatientId patient) override;

 private:
  TransactionState& state_;
};

}  // namespace ketapath::store::repositories
