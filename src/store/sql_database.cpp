#include "store/sql_database.h"

#include "store/audit_chain.h"
#include "store/migrations.h"
#include "store/repositories/repositories.h"
#include "store/row_evidence.h"

namespace ketapath::store {
namespace {

using core::ErrorCode;

/// One unit of work: a database transaction plus the repositories working inside it. On the
/// database's one connection, or (`lease`) on a pooled read connection it gives back at the end.
class SqlTransaction final : public clinic::Transaction {
 public:
  SqlTransaction(SqlDatabase& database, sql::Connection& connection, sql::Transaction transaction,
                 bool read_only, std::unique_ptr<sql::Connection> lease = nullptr)
      : database_(database),
        lease_(std::move(lease)),
        connection_(connection),
        transaction_(std::move(transaction)),
        tracker_(connection),
        state_{&tracker_},
        patients_(state_),
        screenings_(state_),
        drugs_(state_),
        doses_(state_),
        courses_(state_),
        sessions_(state_),
        alerts_(state_),
        assessments_(state_),
        care_team_(state_),
        settings_(state_),
        users_(state_),
        clearances_(state_),
        sign_ins_(state_),
        consultations_(state_),
        chart_accesses_(state_),
        custody_(state_),
        order_checks_(state_),
        forecast_decisions_(state_),
        amendments_(state_) {
    state_.read_only = read_only;
    if (!lease_) {
      database_.transaction_open_ = true;
    }
  }

  ~SqlTransaction() override {
    transaction_.reset();  // rolls back unless committed
    if (lease_) {
      database_.release_read_connection(std::move(lease_));
    } else {
      database_.transaction_open_ = false;
    }
  }

  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;

  clinic::PatientRepository& patients() override { return patients_; }

  clinic::ScreeningRepository& screenings() override { return screenings_; }

  clinic::DrugLibraryRepository& drugs() override { return drugs_; }

  clinic::DoseRepository& doses() override { return doses_; }

  clinic::CourseRepository& courses() override { return courses_; }

  clinic::SessionRepository& sessions() override { return sessions_; }

  clinic::AlertRepository& alerts() override { return alerts_; }

  clinic::AssessmentRepository& assessments() override { return assessments_; }

  clinic::CareTeamRepository& care_team() override { return care_team_; }

  clinic::SettingsRepository& settings() override { return settings_; }

  clinic::UserRepository& users() override { return users_; }

  clinic::ClearanceRepository& clearances() override { return clearances_; }

  clinic::SignInRepository& sign_ins() override { return sign_ins_; }

  clinic::ConsultationRepository& consultations() override { return consultations_; }

  clinic::ChartAccessRepository& chart_accesses() override { return chart_accesses_; }

  clinic::CustodyRepository& custody() override { return custody_; }

  clinic::OrderCheckRepository& order_checks() override { return order_checks_; }

  clinic::ForecastDecisionRepository& forecast_decisions() override { return forecast_decisions_; }

  clinic::AmendmentRepository& amendments() override { return amendments_; }

  core::Status append_audit(const clinic::AuditRecord& record) override {
    KETAPATH_TRY(state_.usable());
    if (state_.read_only) {
      return core::fail(
          ErrorCode::Internal,
          "store: an audit entry in a read-only transaction (begin_read) was refused");
    }
    if (record.actor.empty() || record.action.empty() || record.entity.empty()) {
      return core::fail(ErrorCode::Validation,
                        "audit: actor, action and entity must not be empty (got actor \"{}\", "
                        "action \"{}\", entity \"{}\")",
                        record.actor, record.action, record.entity);
    }
    const ClinicKey* key = KETAPATH_TRY(database_.key());
    // The rows written since the previous entry, as they stand now, go into this entry.
    const auto states = KETAPATH_TRY(tracker_.states(tracker_.take()));
    KETAPATH_TRY(audit::append(connection_, *key, record, evidence::encode(states),
                               database_.verified_head_));
    state_.audited = true;
    return {};
  }

  core::Status commit() override {
    KETAPATH_TRY(state_.usable());
    state_.finished = true;
    if (state_.wrote && !state_.audited) {
      transaction_.reset();
      return core::fail(ErrorCode::Internal,
                        "store: a clinical write without an audit record was refused and rolled "
                        "back");
    }
    if (tracker_.pending()) {
      transaction_.reset();
      return core::fail(ErrorCode::Internal,
                        "store: rows were written after the last audit entry (their state would "
                        "be recorded nowhere); refused and rolled back");
    }
    auto committed = transaction_->commit();
    transaction_.reset();
    return committed;
  }

 private:
  SqlDatabase& database_;
  std::unique_ptr<sql::Connection> lease_;  ///< a pooled read connection, or null
  sql::Connection& connection_;
  std::optional<sql::Transaction> transaction_;
  evidence::RowTracker tracker_;
  repositories::TransactionState state_;
  repositories::SqlPatients patients_;
  repositories::SqlScreenings screenings_;
  repositories::SqlDrugs drugs_;
  repositories::SqlDoses doses_;
  repositories::SqlCourses courses_;
  repositories::SqlSessions sessions_;
  repositories::SqlAlerts alerts_;
  repositories::SqlAssessments assessments_;
  repositories::SqlCareTeam care_team_;
  repositories::SqlSettings settings_;
  repositories::SqlUsers users_;
  repositories::SqlClearances clearances_;
  repositories::SqlSignIns sign_ins_;
  repositories::SqlConsultations consultations_;
  repositories::SqlChartAccesses chart_accesses_;
  repositories::SqlCustody custody_;
  repositories::SqlOrderChecks order_checks_;
  repositories::SqlForecastDecisions forecast_decisions_;
  repositories::SqlAmendments amendments_;
};

core::Result<int> read_schema_version(sql::Connection& connection) {
  if (!KETAPATH_TRY(connection.table_exists("schema_migrations"))) {
    return 0;
  }
  auto row = KETAPATH_TRY(
      connection.query_one("SELECT MAX(version) FROM schema_migrations", {}, {sql::Type::Integer}));
  return row && !row->is_null(0) ? static_cast<int>(row->integer(0)) : 0;
}

}  // namespace

int supported_schema_version() {
  return latest_schema_version();
}

core::Result<std::unique_ptr<SqlDatabase>> SqlDatabase::open(Backend backend, Connector connector,
                                                             bool connect_now,
                                                             std::filesystem::path key_file,
                                                             std::string description) {
  std::unique_ptr<SqlDatabase> database(
      new SqlDatabase(backend, std::move(connector), std::move(key_file), std::move(description)));
  if (connect_now) {
    KETAPATH_TRY(database->connect(false));
    const int version = KETAPATH_TRY(read_schema_version(*database->connection_));
    if (version > latest_schema_version()) {
      return core::fail(ErrorCode::Storage,
                        "{}: schema version {} is newer than this Ketapath supports ({}); "
                        "upgrade Ketapath",
                        database->description_, version, latest_schema_version());
    }
  }
  return database;
}

core::Status SqlDatabase::connect(bool create) {
  if (connection_) {
    return {};
  }
  connection_ = KETAPATH_TRY(connect_(create ? Purpose::Create : Purpose::Open));
  return {};
}

core::Result<int> SqlDatabase::schema_version() {
  if (!connection_) {
    return 0;  // a SQLite file that does not exist yet
  }
  if (transaction_open_) {
    return core::fail(ErrorCode::Internal, "store: schema_version() inside a transaction");
  }
  return read_schema_version(*connection_);
}

core::Result<const ClinicKey*> SqlDatabase::key() {
  if (!key_) {
    auto loaded = ClinicKey::load(key_file_);
    if (!loaded) {
      return std::unexpected(core::with_context(
          loaded.error(), "the audit log needs the clinic key (docs/storage.md)"));
    }
    key_.emplace(*loaded);
  }
  return &*key_;
}

/// Refuses a connection whose database is not at this Ketapath's schema version (the writer's
/// first use and every pooled read connection).
static core::Status check_schema_is_latest(sql::Connection& connection,
                                           std::string_view description) {
  const int version = KETAPATH_TRY(read_schema_version(connection));
  if (version != latest_schema_version()) {
    return core::fail(ErrorCode::Storage,
                      "{}: database is at schema version {}, this Ketapath needs {}; run "
                      "`ketapath clinic init`",
                      description, version, latest_schema_version());
  }
  return {};
}

core::Result<sql::Connection*> SqlDatabase::ready_connection() {
  if (transaction_open_) {
    return core::fail(ErrorCode::Conflict,
                      "store: a transaction is already open on {} (one at a time per process)",
                      description_);
  }
  if (!connection_) {
    return core::fail(ErrorCode::Storage, "{}: database does not exist; run `ketapath clinic init`",
                      description_);
  }
  if (!schema_checked_) {
    KETAPATH_TRY(check_schema_is_latest(*connection_, description_));
    schema_checked_ = true;
  }
  return connection_.get();
}

core::Result<int> SqlDatabase::initialize() {
  if (transaction_open_) {
    return core::fail(ErrorCode::Internal, "store: initialize() inside a transaction");
  }
  KETAPATH_TRY(connect(true));
  auto& connection = *connection_;
  verified_head_ = {};
  bool has_head = false;
  if (KETAPATH_TRY(connection.table_exists("audit_head"))) {
    auto read = KETAPATH_TRY(sql::Transaction::begin(connection, sql::Transaction::Kind::Read));
    has_head = KETAPATH_TRY(audit::head_exists(connection));
    KETAPATH_TRY(read.commit());
  }
  if (has_head && !key_) {
    std::error_code ec;
    if (!std::filesystem::exists(key_file_, ec)) {
      return core::fail(ErrorCode::NotFound,
                        "clinic key {} is missing but {} already has an audit log; restore the "
                        "key file (a new key cannot vouch for the existing log)",
                        key_file_.string(), description_);
    }
    KETAPATH_TRY(key());
  }
  const int before = KETAPATH_TRY(read_schema_version(connection));
  MigrationStep rebase;
  if (has_head && before < latest_schema_version()) {
    // A migration re-bases the row evidence on what it finds, so it must first find a database
    // that verifies: otherwise it would bless changes made outside Ketapath.
    auto read = KETAPATH_TRY(sql::Transaction::begin(connection, sql::Transaction::Kind::Read));
    const auto report = KETAPATH_TRY(audit::verify(connection, *key_));
    KETAPATH_TRY(read.commit());
    if (!report.intact) {
      return core::fail(ErrorCode::Integrity,
                        "{}: refusing to migrate from schema version {}: the database does not "
                        "verify ({}{}); run `ketapath clinic audit verify`",
                        description_, before, report.problems.front(),
                        report.problems.size() > 1
                            ? fmt::format(", and {} more", report.problems.size() - 1)
                            : "");
    }
    rebase = [this, &connection](const Migration& step) -> core::Status {
      return audit::rebase(connection, *key_, step.version, step.name, verified_head_);
    };
  }
  const int version = KETAPATH_TRY(migrate(connection, rebase));
  auto transaction =
      KETAPATH_TRY(sql::Transaction::begin(connection, sql::Transaction::Kind::Write));
  if (!key_) {
    std::error_code ec;
    if (std::filesystem::exists(key_file_, ec)) {
      KETAPATH_TRY(key());
    } else {
      key_.emplace(KETAPATH_TRY(ClinicKey::create(key_file_)));
    }
  }
  KETAPATH_TRY(audit::create_head(connection, *key_));
  if (!has_head) {
    // A new log: rows the migrations themselves seeded are recorded as its first entry.
    KETAPATH_TRY(audit::rebase(connection, *key_, version, "initial", verified_head_));
  }
  KETAPATH_TRY(transaction.commit());
  schema_checked_ = true;
  return version;
}

core::Result<std::unique_ptr<clinic::Transaction>> SqlDatabase::begin() {
  sql::Connection* connection = KETAPATH_TRY(ready_connection());
  auto transaction =
      KETAPATH_TRY(sql::Transaction::begin(*connection, sql::Transaction::Kind::Write));
  return std::unique_ptr<clinic::Transaction>(
      new SqlTransaction(*this, *connection, std::move(transaction), false));
}

core::Result<std::unique_ptr<clinic::Transaction>> SqlDatabase::begin_read() {
  bool pooled = false;
  {
    const std::scoped_lock lock(pool_.mutex);
    pooled = pool_.limit > 0;
  }
  if (!pooled) {
    sql::Connection* connection = KETAPATH_TRY(ready_connection());
    auto transaction =
        KETAPATH_TRY(sql::Transaction::begin(*connection, sql::Transaction::Kind::Read));
    return std::unique_ptr<clinic::Transaction>(
        new SqlTransaction(*this, *connection, std::move(transaction), true));
  }
  auto lease = KETAPATH_TRY(acquire_read_connection());
  auto transaction = sql::Transaction::begin(*lease, sql::Transaction::Kind::Read);
  if (!transaction) {
    release_read_connection(std::move(lease));
    return std::unexpected(transaction.error());
  }
  sql::Connection& connection = *lease;
  return std::unique_ptr<clinic::Transaction>(
      new SqlTransaction(*this, connection, std::move(*transaction), true, std::move(lease)));
}

bool SqlDatabase::read_concurrently(std::size_t connections) {
  const std::scoped_lock lock(pool_.mutex);
  pool_.limit = connections;
  pool_.returned.notify_all();
  return connections > 0;
}

core::Result<std::unique_ptr<sql::Connection>> SqlDatabase::acquire_read_connection() {
  {
    std::unique_lock lock(pool_.mutex);
    pool_.returned.wait(lock, [&] { return !pool_.idle.empty() || pool_.open < pool_.limit; });
    if (!pool_.idle.empty()) {
      auto connection = std::move(pool_.idle.back());
      pool_.idle.pop_back();
      return connection;
    }
    ++pool_.open;  // reserved: opened below, outside the lock
  }
  auto opened = [&]() -> core::Result<std::unique_ptr<sql::Connection>> {
    auto connection = KETAPATH_TRY(connect_(Purpose::Read));
    KETAPATH_TRY(check_schema_is_latest(*connection, description_));
    return connection;
  }();
  if (!opened) {
    const std::scoped_lock lock(pool_.mutex);
    --pool_.open;
    pool_.returned.notify_one();
  }
  return opened;
}

void SqlDatabase::release_read_connection(std::unique_ptr<sql::Connection> connection) {
  const bool reusable = connection->idle();
  if (!reusable) {
    connection.reset();  // closed outside the lock
  }
  const std::scoped_lock lock(pool_.mutex);
  if (reusable && pool_.open <= pool_.limit) {
    pool_.idle.push_back(std::move(connection));
  } else {
    --pool_.open;
  }
  pool_.returned.notify_one();
}

core::Result<std::vector<clinic::AuditEntry>> SqlAuditLog::entries(std::int64_t from,
                                                                   std::int64_t limit) {
  if (limit <= 0) {
    return std::vector<clinic::AuditEntry>{};  // SQLite would read LIMIT -1 as "no limit"
  }
  sql::Connection* connection = KETAPATH_TRY(database_.ready_connection());
  auto transaction =
      KETAPATH_TRY(sql::Transaction::begin(*connection, sql::Transaction::Kind::Read));
  auto stored = KETAPATH_TRY(audit::read(*connection, from, limit));
  std::vector<clinic::AuditEntry> entries;
  entries.reserve(stored.size());
  for (auto& s : stored) {
    auto at = clinic::parse_timestamp(s.at, "audit_log.at");
    if (!at) {
      return core::fail(ErrorCode::Storage, "audit entry {}: stored time cannot be read back ({})",
                        s.sequence, at.error().message);
    }
    entries.push_back(clinic::AuditEntry{
        s.sequence,
        clinic::AuditRecord{*at, std::move(s.actor), std::move(s.action), std::move(s.entity),
                            std::move(s.before_json), std::move(s.after_json)},
        std::move(s.previous_hash), std::move(s.hash)});
  }
  KETAPATH_TRY(transaction.commit());
  return entries;
}

core::Result<clinic::AuditVerification> SqlAuditLog::verify() {
  sql::Connection* connection = KETAPATH_TRY(database_.ready_connection());
  const ClinicKey* key = KETAPATH_TRY(database_.key());
  // One snapshot for the whole walk, so concurrent appends cannot look like a broken chain.
  auto transaction =
      KETAPATH_TRY(sql::Transaction::begin(*connection, sql::Transaction::Kind::Read));
  auto report = KETAPATH_TRY(audit::verify(*connection, *key));
  KETAPATH_TRY(transaction.commit());
  return report;
}

}  // namespace ketapath::store
