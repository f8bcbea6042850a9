#include "server/serialized_store.h"

namespace ketapath::server {
namespace {

class LockedTransaction final : public clinic::Transaction {
 public:
  LockedTransaction(std::unique_lock<std::recursive_mutex> lock,
                    std::unique_ptr<clinic::Transaction> inner)
      : lock_(std::move(lock)), inner_(std::move(inner)) {}

  ~LockedTransaction() override { inner_.reset(); }  // roll back before unlocking

  clinic::PatientRepository& patients() override { return inner_->patients(); }

  clinic::ScreeningRepository& screenings() override { return inner_->screenings(); }

  clinic::DrugLibraryRepository& drugs() override { return inner_->drugs(); }

  clinic::DoseRepository& doses() override { return inner_->doses(); }

  clinic::CourseRepository& courses() override { return inner_->courses(); }

  clinic::SessionRepository& sessions() override { return inner_->sessions(); }

  clinic::AlertRepository& alerts() override { return inner_->alerts(); }

  clinic::AssessmentRepository& assessments() override { return inner_->assessments(); }

  clinic::CareTeamRepository& care_team() override { return inner_->care_team(); }

  clinic::ConsultationRepository& consultations() override { return inner_->consultations(); }

  clinic::ChartAccessRepository& chart_accesses() override { return inner_->chart_accesses(); }

  clinic::CustodyRepository& custody() override { return inner_->custody(); }

  clinic::OrderCheckRepository& order_checks() override { return inner_->order_checks(); }

  clinic::ForecastDecisionRepository& forecast_decisions() override {
    return inner_->forecast_decisions();
  }

  clinic::AmendmentRepository& amendments() override { return inner_->amendments(); }

  clinic::SettingsRepository& settings() override { return inner_->settings(); }

  clinic::UserRepository& users() override { return inner_->users(); }

  clinic::ClearanceRepository& clearances() override { return inner_->clearances(); }

  clinic::SignInRepository& sign_ins() override { return inner_->sign_ins(); }

  core::Status append_audit(const clinic::AuditRecord& record) override {
    return inner_->append_audit(record);
  }

  core::Status commit() override { return inner_->commit(); }

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  std::unique_ptr<clinic::Transaction> inner_;
};

}  // namespace

class SerializedStore::Audit final : public clinic::AuditLog {
 public:
  Audit(clinic::AuditLog& inner, std::recursive_mutex& mutex) : inner_(inner), mutex_(mutex) {}

  core::Result<std::vector<clinic::AuditEntry>> entries(std::int64_t from,
                                                        std::int64_t limit) override {
    const std::scoped_lock lock(mutex_);
    return inner_.entries(from, limit);
  }

  core::Result<clinic::AuditVerification> verify() override {
    const std::scoped_lock lock(mutex_);
    return inner_.verify();
  }

 private:
  clinic::AuditLog& inner_;
  std::recursive_mutex& mutex_;
};

SerializedStore::SerializedStore(clinic::ClinicStore& inner, std::size_t read_connections)
    : inner_(inner),
      pooled_(read_connections > 0 && inner.read_concurrently(read_connections)),
      audit_(std::make_unique<Audit>(inner.audit(), mutex_)) {}

SerializedStore::~SerializedStore() = default;

core::Result<int> SerializedStore::initialize() {
  const std::scoped_lock lock(mutex_);
  return inner_.initialize();
}

core::Result<std::unique_ptr<clinic::Transaction>> SerializedStore::begin() {
  std::unique_lock lock(mutex_);
  auto tx = KETAPATH_TRY(inner_.begin());
  return std::make_unique<LockedTransaction>(std::move(lock), std::move(tx));
}

core::Result<std::unique_ptr<clinic::Transaction>> SerializedStore::begin_read() {
  if (pooled_) {
    return inner_.begin_read();  // thread-safe by read_concurrently()'s contract
  }
  std::unique_lock lock(mutex_);
  auto tx = KETAPATH_TRY(inner_.begin_read());
  return std::make_unique<LockedTransaction>(std::move(lock), std::move(tx));
}

bool SerializedStore::read_concurrently(std::size_t connections) {
  (void)connections;  // the pool was sized at construction
  return pooled_;
}

clinic::AuditLog& SerializedStore::audit() {
  return *audit_;
}

}  // namespace ketapath::server
