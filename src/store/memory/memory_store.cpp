#include "store/memory/memory_store.h"

#include <algorithm>

namespace ketapath::clinic {

struct MemoryStore::State {
  std::map<std::int64_t, Patient> patients;
  std::map<std::int64_t, ScreeningRecord> screenings;
  std::map<std::int64_t, DrugEntry> drugs;
  std::map<std::int64_t, DoseRecord> doses;
  std::map<std::int64_t, Course> courses;
  std::map<std::int64_t, Session> sessions;
  std::map<std::int64_t, Alert> alerts;
  std::map<std::int64_t, Assessment> assessments;
  std::map<std::int64_t, CareTeamMember> care_team;
  std::map<std::string, std::string, std::less<>> settings;
  std::map<std::string, User, std::less<>> users;
  std::map<std::int64_t, Consent> consents;
  std::map<std::int64_t, Clearance> clearances;
  std::map<std::string, Credential, std::less<>> credentials;
  std::map<std::string, SignInSession, std::less<>> sign_in_sessions;
  std::map<std::string, SetupToken, std::less<>> setup_tokens;
  std::map<std::int64_t, ConsultationRequest> consultations;
  std::vector<ChartAccess> chart_accesses;
  std::map<std::int64_t, StockLot> stock_lots;
  std::map<std::int64_t, CustodyEntry> custody_entries;
  std::map<std::int64_t, OrderCheck> order_checks;
  std::map<std::int64_t, ForecastDecision> forecast_decisions;
  std::map<std::int64_t, Amendment> amendments;
  std::vector<AuditEntry> audit;
  std::int64_t next_id = 1;            // one counter is enough: ids only need to be unique per kind
  std::int64_t next_custody_id = 1;    // custody's own, so stock leaves the other ids as they were
  std::int64_t next_amendment_id = 1;  // likewise for amendments
};

namespace {

using core::ErrorCode;
using State = MemoryStore::State;

template <class Map>
auto find_or_fail(Map& map, std::int64_t id, const char* what)
    -> core::Result<typename Map::mapped_type*> {
  const auto it = map.find(id);
  if (it == map.end()) {
    return core::fail(ErrorCode::NotFound, "{} {} not found", what, id);
  }
  return &it->second;
}

std::string fnv1a(std::string_view data) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

std::string entry_hash(const std::string& previous, const AuditRecord& r) {
  return fnv1a(fmt::format("{}|{}|{}|{}|{}|{}|{}", previous, format_timestamp(r.at), r.actor,
                           r.action, r.entity, r.before_json, r.after_json));
}

struct Context {
  State& s;
  bool wrote = false;
};

class Patients final : public PatientRepository {
 public:
  explicit Patients(Context& c) : c_(c) {}

  core::Result<PatientId> add(const Patient& p) override {
    Patient copy = p;
    copy.id = PatientId(c_.s.next_id++);
    c_.s.patients[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<Patient> get(PatientId id) override {
    return *KETAPATH_TRY(find_or_fail(c_.s.patients, id.value(), "patient"));
  }

  core::Result<std::vector<Patient>> list() override {
    std::vector<Patient> out;
    for (const auto& [id, p] : c_.s.patients) {
      out.push_back(p);
    }
    return out;
  }

  core::Status add_weight(PatientId id, const WeightRecord& w) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, id.value(), "patient"))->weights.push_back(w);
    c_.wrote = true;
    return {};
  }

  core::Status add_diagnosis(PatientId id, const Diagnosis& d) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, id.value(), "patient"))->diagnoses.push_back(d);
    c_.wrote = true;
    return {};
  }

  core::Status add_treatment_trial(PatientId id, const TreatmentTrial& t) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, id.value(), "patient"))
        ->treatment_history.push_back(t);
    c_.wrote = true;
    return {};
  }

  core::Status add_medication_entry(PatientId id, const MedicationEntry& m) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, id.value(), "patient"))->medications.push_back(m);
    c_.wrote = true;
    return {};
  }

 private:
  Context& c_;
};

// Shared shape of the per-patient record repositories.
template <class Record, class Id, class Base>
class PerPatient : public Base {
 public:
  PerPatient(Context& c, std::map<std::int64_t, Record>& map, const char* what)
      : c_(c), map_(map), what_(what) {}

  core::Result<Id> add(const Record& r) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, r.patient.value(), "patient"));
    Record copy = r;
    copy.id = Id(c_.s.next_id++);
    if constexpr (requires { copy.amendments; }) {
      copy.amendments.clear();  // read-side only, as in SQL
    }
    map_[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<Record> get(Id id) override {
    Record r = *KETAPATH_TRY(find_or_fail(map_, id.value(), what_));
    KETAPATH_TRY(on_read(r));
    return r;
  }

  core::Result<std::vector<Record>> list_for_patient(PatientId patient) override {
    std::vector<Record> out;
    for (const auto& [id, r] : map_) {
      if (r.patient == patient) {
        out.push_back(r);
        KETAPATH_TRY(on_read(out.back()));
      }
    }
    return out;
  }

 protected:
  /// The record as readers see it: amendments applied (amendment.h), as the SQL store does.
  core::Status on_read(Record& r) {
    if constexpr (std::is_same_v<Record, Session> || std::is_same_v<Record, Assessment>) {
      constexpr AmendedKind kind =
          std::is_same_v<Record, Session> ? AmendedKind::Session : AmendedKind::Assessment;
      std::vector<Amendment> of;
      for (const auto& [id, a] : c_.s.amendments) {
        if (a.kind == kind && a.record == r.id.value()) {
          of.push_back(a);
        }
      }
      return apply_amendments(r, of);
    } else if constexpr (std::is_same_v<Record, ScreeningRecord>) {
      if (r.amends) {
        for (const auto& [id, a] : c_.s.amendments) {
          if (a.kind == AmendedKind::Screening && a.replacement == r.id) {
            r.amendments.push_back(a);
          }
        }
      }
    }
    return {};
  }

  Context& c_;
  std::map<std::int64_t, Record>& map_;
  const char* what_;
};

using Screenings = PerPatient<ScreeningRecord, ScreeningId, ScreeningRepository>;

class Doses final : public PerPatient<DoseRecord, DoseRecordId, DoseRepository> {
 public:
  using PerPatient::PerPatient;

  core::Status link_session(DoseRecordId dose, SessionId session) override {
    DoseRecord* d = KETAPATH_TRY(find_or_fail(map_, dose.value(), "dose record"));
    KETAPATH_TRY(find_or_fail(c_.s.sessions, session.value(), "session"));
    d->session = session;
    c_.wrote = true;
    return {};
  }

  core::Status set_order(DoseRecordId dose, const OrderTerms& order) override {
    KETAPATH_TRY(find_or_fail(map_, dose.value(), "dose record"))->order = order;
    c_.wrote = true;
    return {};
  }
};

class OrderChecks final : public OrderCheckRepository {
 public:
  explicit OrderChecks(Context& c) : c_(c) {}

  core::Result<OrderCheckId> add(const OrderCheck& check) override {
    KETAPATH_TRY(find_or_fail(c_.s.doses, check.order.value(), "dose record"));
    KETAPATH_TRY(find_or_fail(c_.s.patients, check.patient.value(), "patient"));
    OrderCheck copy = check;
    copy.id = OrderCheckId(c_.s.next_id++);
    c_.s.order_checks[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<OrderCheck> get(OrderCheckId id) override {
    return *KETAPATH_TRY(find_or_fail(c_.s.order_checks, id.value(), "order check"));
  }

  core::Result<std::vector<OrderCheck>> list_for_order(DoseRecordId order) override {
    std::vector<OrderCheck> out;
    for (const auto& [id, check] : c_.s.order_checks) {
      if (check.order == order) {
        out.push_back(check);
      }
    }
    return out;
  }

  core::Status link_session(OrderCheckId check, SessionId session) override {
    OrderCheck* c = KETAPATH_TRY(find_or_fail(c_.s.order_checks, check.value(), "order check"));
    KETAPATH_TRY(find_or_fail(c_.s.sessions, session.value(), "session"));
    c->session = session;
    c_.wrote = true;
    return {};
  }

 private:
  Context& c_;
};

class Courses final : public PerPatient<Course, CourseId, CourseRepository> {
 public:
  using PerPatient::PerPatient;

  core::Status update_planned_session(CourseId course, const PlannedSession& p) override {
    Course* c = KETAPATH_TRY(find_or_fail(map_, course.value(), "course"));
    for (PlannedSession& existing : c->sessions) {
      if (existing.number == p.number) {
        existing = p;
        c_.wrote = true;
        return {};
      }
    }
    return core::fail(ErrorCode::NotFound, "course {} has no planned session {}", course.value(),
                      p.number);
  }

  core::Status set_status(CourseId course, CourseStatus status, std::string_view reason) override {
    Course* c = KETAPATH_TRY(find_or_fail(map_, course.value(), "course"));
    c->status = status;
    c->status_reason = std::string(reason);
    c_.wrote = true;
    return {};
  }
};

class Sessions final : public PerPatient<Session, SessionId, SessionRepository> {
 public:
  using PerPatient::PerPatient;

  core::Result<SessionId> add(const Session& s) override {
    if (s.course) {
      KETAPATH_TRY(find_or_fail(c_.s.courses, s.course->value(), "course"));
    }
    return PerPatient::add(s);
  }

  core::Result<std::vector<Session>> list_for_patient(PatientId patient) override {
    auto out = KETAPATH_TRY(PerPatient::list_for_patient(patient));
    std::stable_sort(out.begin(), out.end(), [](const Session& a, const Session& b) {
      return a.started_at < b.started_at;
    });
    return out;
  }
};

class Assessments final : public PerPatient<Assessment, AssessmentId, AssessmentRepository> {
 public:
  using PerPatient::PerPatient;

  core::Result<AssessmentId> add(const Assessment& a) override {
    if (a.last_dose_session) {
      KETAPATH_TRY(find_or_fail(c_.s.sessions, a.last_dose_session->value(), "session"));
    }
    return PerPatient::add(a);
  }

  core::Result<std::vector<Assessment>> list_for_patient(PatientId patient) override {
    auto out = KETAPATH_TRY(PerPatient::list_for_patient(patient));
    std::stable_sort(out.begin(), out.end(), [](const Assessment& a, const Assessment& b) {
      return a.rating.rated_at < b.rating.rated_at;
    });
    return out;
  }
};

class CareTeam final : public CareTeamRepository {
 public:
  CareTeam(Context& c) : c_(c) {}

  core::Result<CareTeamId> add(const CareTeamMember& m) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, m.patient.value(), "patient"));
    CareTeamMember copy = m;
    copy.id = CareTeamId(c_.s.next_id++);
    c_.s.care_team[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<std::vector<CareTeamMember>> list_for_patient(PatientId patient) override {
    std::vector<CareTeamMember> out;
    for (const auto& [id, m] : c_.s.care_team) {
      if (m.patient == patient) {
        out.push_back(m);
      }
    }
    return out;
  }

 private:
  Context& c_;
};

class ForecastDecisions final : public ForecastDecisionRepository {
 public:
  explicit ForecastDecisions(Context& c) : c_(c) {}

  core::Result<ForecastDecisionId> add(const ForecastDecision& d) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, d.patient.value(), "patient"));
    if (d.course) {
      KETAPATH_TRY(find_or_fail(c_.s.courses, d.course->value(), "course"));
    }
    ForecastDecision copy = d;
    copy.id = ForecastDecisionId(c_.s.next_id++);
    c_.s.forecast_decisions[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<std::vector<ForecastDecision>> list_for_patient(PatientId patient) override {
    std::vector<ForecastDecision> out;
    for (const auto& [id, d] : c_.s.forecast_decisions) {
      if (d.patient == patient) {
        out.push_back(d);
      }
    }
    return out;
  }

 private:
  Context& c_;
};

class Amendments final : public AmendmentRepository {
 public:
  explicit Amendments(Context& c) : c_(c) {}

  core::Result<AmendmentId> add(const Amendment& a) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, a.patient.value(), "patient"));
    KETAPATH_TRY(require_record(a));
    if (a.replacement) {
      KETAPATH_TRY(find_or_fail(c_.s.screenings, a.replacement->value(), "screening"));
    }
    Amendment copy = a;
    copy.id = AmendmentId(c_.s.next_amendment_id++);
    c_.s.amendments[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<std::vector<Amendment>> list_for_patient(PatientId patient) override {
    std::vector<Amendment> out;
    for (const auto& [id, a] : c_.s.amendments) {
      if (a.patient == patient) {
        out.push_back(a);
      }
    }
    return out;
  }

 private:
  core::Status require_record(const Amendment& a) {
    const auto owned = [&](const auto& map) -> core::Status {
      const auto it = map.find(a.record);
      if (it == map.end() || it->second.patient != a.patient) {
        return core::fail(ErrorCode::NotFound, "{} {} of patient {} not found", to_string(a.kind),
                          a.record, a.patient.value());
      }
      return {};
    };
    switch (a.kind) {
      case AmendedKind::Session:
        return owned(c_.s.sessions);
      case AmendedKind::Assessment:
        return owned(c_.s.assessments);
      case AmendedKind::Screening:
        return owned(c_.s.screenings);
    }
    return {};
  }

  Context& c_;
};

class Alerts final : public AlertRepository {
 public:
  explicit Alerts(Context& c) : c_(c) {}

  core::Result<AlertId> add(const Alert& a) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, a.patient.value(), "patient"));
    Alert copy = a;
    copy.id = AlertId(c_.s.next_id++);
    c_.s.alerts[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<std::vector<Alert>> list_for_patient(PatientId patient) override {
    std::vector<Alert> out;
    for (const auto& [id, a] : c_.s.alerts) {
      if (a.patient == patient) {
        out.push_back(a);
      }
    }
    return out;
  }

  core::Result<std::vector<Alert>> list_open() override {
    std::vector<Alert> out;
    for (const auto& [id, a] : c_.s.alerts) {
      if (!a.acknowledged) {
        out.push_back(a);
      }
    }
    return out;
  }

  core::Result<Alert> get(AlertId id) override {
    const Alert* a = KETAPATH_TRY(find_or_fail(c_.s.alerts, id.value(), "alert"));
    return *a;
  }

  core::Status acknowledge(AlertId id, std::string_view by, Timestamp at,
                           std::string_view note) override {
    Alert* a = KETAPATH_TRY(find_or_fail(c_.s.alerts, id.value(), "alert"));
    a->acknowledged = true;
    a->acknowledged_by = std::string(by);
    a->acknowledged_at = at;
    a->acknowledgement_note = std::string(note);
    c_.wrote = true;
    return {};
  }

 private:
  Context& c_;
};

class Drugs final : public DrugLibraryRepository {
 public:
  explicit Drugs(Context& c) : c_(c) {}

  core::Result<DrugId> save(const DrugEntry& e) override {
    for (const auto& [id, other] : c_.s.drugs) {
      if (other.name == e.name && id != e.id.value()) {
        return core::fail(ErrorCode::Conflict, "drug library: an entry named {} exists", e.name);
      }
    }
    DrugEntry copy = e;
    if (e.id.value() == 0) {
      copy.id = DrugId(c_.s.next_id++);
    } else {
      KETAPATH_TRY(find_or_fail(c_.s.drugs, e.id.value(), "drug"));
    }
    c_.s.drugs[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<DrugEntry> get(DrugId id) override {
    return *KETAPATH_TRY(find_or_fail(c_.s.drugs, id.value(), "drug"));
  }

  core::Result<DrugEntry> find_by_name(std::string_view name) override {
    for (const auto& [id, e] : c_.s.drugs) {
      if (e.name == name) {
        return e;
      }
    }
    return core::fail(ErrorCode::NotFound, "drug {} not found in the drug library", name);
  }

  core::Result<std::vector<DrugEntry>> list() override {
    std::vector<DrugEntry> out;
    for (const auto& [id, e] : c_.s.drugs) {
      out.push_back(e);
    }
    return out;
  }

 private:
  Context& c_;
};

class Settings final : public SettingsRepository {
 public:
  explicit Settings(Context& c) : c_(c) {}

  core::Result<std::optional<std::string>> get(std::string_view key) override {
    const auto it = c_.s.settings.find(key);
    if (it == c_.s.settings.end()) {
      return std::optional<std::string>{};
    }
    return std::optional<std::string>(it->second);
  }

  core::Status put(std::string_view key, std::string_view json) override {
    c_.s.settings[std::string(key)] = std::string(json);
    c_.wrote = true;
    return {};
  }

 private:
  Context& c_;
};

class Users final : public UserRepository {
 public:
  explicit Users(Context& c) : c_(c) {}

  core::Status add(const User& user) override {
    if (c_.s.users.contains(user.name)) {
      return core::fail(ErrorCode::Conflict, "user {} already exists", user.name);
    }
    c_.s.users[user.name] = user;
    c_.wrote = true;
    return {};
  }

  core::Result<User> get(std::string_view name) override {
    const auto it = c_.s.users.find(name);
    if (it == c_.s.users.end()) {
      return core::fail(ErrorCode::NotFound, "user {} not found", name);
    }
    return it->second;
  }

  core::Result<std::vector<User>> list() override {
    std::vector<User> out;
    for (const auto& [name, u] : c_.s.users) {
      out.push_back(u);
    }
    return out;
  }

  core::Status update(const User& user) override {
    const auto it = c_.s.users.find(user.name);
    if (it == c_.s.users.end()) {
      return core::fail(ErrorCode::NotFound, "user {} not found", user.name);
    }
    it->second.roles = user.roles;
    it->second.enabled = user.enabled;
    c_.wrote = true;
    return {};
  }

 private:
  Context& c_;
};

class Clearances final : public ClearanceRepository {
 public:
  explicit Clearances(Context& c) : c_(c) {}

  core::Result<ConsentId> add_consent(const Consent& consent) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, consent.patient.value(), "patient"));
    Consent copy = consent;
    copy.id = ConsentId(c_.s.next_id++);
    c_.s.consents[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<std::vector<Consent>> consents(PatientId patient) override {
    std::vector<Consent> out;
    for (const auto& [id, c] : c_.s.consents) {
      if (c.patient == patient) {
        out.push_back(c);
      }
    }
    return out;
  }

  core::Result<ClearanceId> add_clearance(const Clearance& clearance) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, clearance.patient.value(), "patient"));
    KETAPATH_TRY(find_or_fail(c_.s.screenings, clearance.screening.value(), "screening"));
    Clearance copy = clearance;
    copy.id = ClearanceId(c_.s.next_id++);
    c_.s.clearances[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<std::vector<Clearance>> clearances(PatientId patient) override {
    std::vector<Clearance> out;
    for (const auto& [id, c] : c_.s.clearances) {
      if (c.patient == patient) {
        out.push_back(c);
      }
    }
    return out;
  }

 private:
  Context& c_;
};

class SignIns final : public SignInRepository {
 public:
  explicit SignIns(Context& c) : c_(c) {}

  core::Result<std::optional<Credential>> credential(std::string_view user) override {
    return find(c_.s.credentials, user);
  }

  core::Status put_credential(const Credential& credential) override {
    c_.s.credentials[credential.user] = credential;
    c_.wrote = true;
    return {};
  }

  core::Result<bool> any_password() override {
    return std::any_of(c_.s.credentials.begin(), c_.s.credentials.end(),
                       [](const auto& kv) { return !kv.second.password_hash.empty(); });
  }

  core::Status add_session(const SignInSession& session) override {
    if (c_.s.sign_in_sessions.contains(session.id_hash)) {
      return core::fail(ErrorCode::Conflict, "sign-in session already exists");
    }
    c_.s.sign_in_sessions[session.id_hash] = session;
    c_.wrote = true;
    return {};
  }

  core::Result<std::optional<SignInSession>> session(std::string_view id_hash) override {
    return find(c_.s.sign_in_sessions, id_hash);
  }

  core::Status update_session(const SignInSession& session) override {
    const auto it = c_.s.sign_in_sessions.find(session.id_hash);
    if (it == c_.s.sign_in_sessions.end()) {
      return core::fail(ErrorCode::NotFound, "sign-in session not found");
    }
    it->second.last_seen_at = session.last_seen_at;
    it->second.revoked_at = session.revoked_at;
    c_.wrote = true;
    return {};
  }

  core::Status add_setup_token(const SetupToken& token) override {
    c_.s.setup_tokens[token.token_hash] = token;
    c_.wrote = true;
    return {};
  }

  core::Result<std::optional<SetupToken>> setup_token(std::string_view token_hash) override {
    return find(c_.s.setup_tokens, token_hash);
  }

  core::Status update_setup_token(const SetupToken& token) override {
    const auto it = c_.s.setup_tokens.find(token.token_hash);
    if (it == c_.s.setup_tokens.end()) {
      return core::fail(ErrorCode::NotFound, "setup token not found");
    }
    it->second.used_at = token.used_at;
    c_.wrote = true;
    return {};
  }

 private:
  template <class Map>
  static std::optional<typename Map::mapped_type> find(const Map& map, std::string_view key) {
    const auto it = map.find(key);
    if (it == map.end()) {
      return std::nullopt;
    }
    return it->second;
  }

  Context& c_;
};

class Consultations final : public ConsultationRepository {
 public:
  Consultations(Context& c) : c_(c) {}

  core::Result<ConsultationRequestId> add(const ConsultationRequest& r) override {
    for (const auto& [id, existing] : c_.s.consultations) {
      if (existing.reference == r.reference) {
        return core::fail(ErrorCode::Conflict, "consultation request {} already exists",
                          r.reference);
      }
    }
    ConsultationRequest copy = r;
    copy.id = ConsultationRequestId(c_.s.next_id++);
    c_.s.consultations[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<ConsultationRequest> get(ConsultationRequestId id) override {
    return *KETAPATH_TRY(find_or_fail(c_.s.consultations, id.value(), "consultation request"));
  }

  core::Result<std::vector<ConsultationRequest>> list(std::optional<ConsultationStatus> status,
                                                      std::int64_t limit) override {
    std::vector<ConsultationRequest> out;
    for (const auto& [id, r] : c_.s.consultations) {
      if (static_cast<std::int64_t>(out.size()) >= limit) {
        break;
      }
      if (!status || r.status == *status) {
        out.push_back(r);
      }
    }
    return out;
  }

  core::Status update(const ConsultationRequest& r) override {
    auto* stored =
        KETAPATH_TRY(find_or_fail(c_.s.consultations, r.id.value(), "consultation request"));
    stored->status = r.status;
    stored->note = r.note;
    stored->updated_at = r.updated_at;
    stored->updated_by = r.updated_by;
    stored->patient = r.patient;
    c_.wrote = true;
    return {};
  }

 private:
  Context& c_;
};

class ChartAccesses final : public ChartAccessRepository {
 public:
  ChartAccesses(Context& c) : c_(c) {}

  core::Status add(const ChartAccess& a) override {
    KETAPATH_TRY(find_or_fail(c_.s.patients, a.patient.value(), "patient"));
    ChartAccess copy = a;
    copy.id = c_.s.next_id++;
    c_.s.chart_accesses.push_back(std::move(copy));
    c_.wrote = true;
    return {};
  }

  core::Result<std::vector<ChartAccess>> list(const ChartAccessQuery& q) override {
    std::vector<ChartAccess> out;
    for (auto it = c_.s.chart_accesses.rbegin(); it != c_.s.chart_accesses.rend(); ++it) {
      if (static_cast<std::int64_t>(out.size()) >= q.limit) {
        break;
      }
      if ((q.user && it->user != *q.user) || (q.patient && it->patient != *q.patient) ||
          (q.from && it->at < *q.from) || (q.to && it->at >= *q.to)) {
        continue;
      }
      out.push_back(*it);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const ChartAccess& a, const ChartAccess& b) { return a.at > b.at; });
    return out;
  }

 private:
  Context& c_;
};

class Custody final : public CustodyRepository {
 public:
  Custody(Context& c) : c_(c) {}

  core::Result<StockLotId> add_lot(const StockLot& lot) override {
    for (const auto& [id, existing] : c_.s.stock_lots) {
      if (existing.product == lot.product && existing.lot == lot.lot) {
        return core::fail(ErrorCode::Conflict, "stock lot {} of {} already exists (stock lot {})",
                          lot.lot, lot.product, id);
      }
    }
    StockLot copy = lot;
    copy.id = StockLotId(c_.s.next_custody_id++);
    c_.s.stock_lots[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<StockLot> lot(StockLotId id) override {
    return *KETAPATH_TRY(find_or_fail(c_.s.stock_lots, id.value(), "stock lot"));
  }

  core::Result<StockLot> lock_lot(StockLotId id) override { return lot(id); }

  core::Result<std::vector<StockLot>> lots() override {
    std::vector<StockLot> out;
    for (const auto& [id, l] : c_.s.stock_lots) {
      out.push_back(l);
    }
    return out;
  }

  core::Result<CustodyEntryId> add_entry(const CustodyEntry& e) override {
    KETAPATH_TRY(find_or_fail(c_.s.stock_lots, e.lot.value(), "stock lot"));
    if (e.session) {
      KETAPATH_TRY(find_or_fail(c_.s.sessions, e.session->value(), "session"));
    }
    if (e.patient) {
      KETAPATH_TRY(find_or_fail(c_.s.patients, e.patient->value(), "patient"));
    }
    CustodyEntry copy = e;
    copy.id = CustodyEntryId(c_.s.next_custody_id++);
    c_.s.custody_entries[copy.id.value()] = copy;
    c_.wrote = true;
    return copy.id;
  }

  core::Result<Micrograms> balance(StockLotId lot) override {
    Micrograms sum;
    for (const auto& [id, e] : c_.s.custody_entries) {
      if (e.lot == lot) {
        sum += e.change;
      }
    }
    return sum;
  }

  core::Result<std::vector<CustodyEntry>> entries() override {
    std::vector<CustodyEntry> out;
    for (const auto& [id, e] : c_.s.custody_entries) {
      out.push_back(e);
    }
    return out;
  }

 private:
  Context& c_;
};

}  // namespace

class MemoryTransaction final : public Transaction {
 public:
  MemoryTransaction(MemoryStore& store, bool read_only)
      : store_(store),
        read_only_(read_only),
        working_(*store.state_),
        context_{working_},
        patients_(context_),
        screenings_(context_, working_.screenings, "screening"),
        drugs_(context_),
        doses_(context_, working_.doses, "dose record"),
        courses_(context_, working_.courses, "course"),
        sessions_(context_, working_.sessions, "session"),
        alerts_(context_),
        assessments_(context_, working_.assessments, "assessment"),
        care_team_(context_),
        settings_(context_),
        users_(context_),
        clearances_(context_),
        sign_ins_(context_),
        consultations_(context_),
        chart_accesses_(context_),
        custody_(context_),
        order_checks_(context_),
        forecast_decisions_(context_),
        amendments_(context_) {}

  ~MemoryTransaction() override { store_.open_ = false; }

  PatientRepository& patients() override { return patients_; }

  ScreeningRepository& screenings() override { return screenings_; }

  DrugLibraryRepository& drugs() override { return drugs_; }

  DoseRepository& doses() override { return doses_; }

  CourseRepository& courses() override { return courses_; }

  SessionRepository& sessions() override { return sessions_; }

  AlertRepository& alerts() override { return alerts_; }

  AssessmentRepository& assessments() override { return assessments_; }

  CareTeamRepository& care_team() override { return care_team_; }

  SettingsRepository& settings() override { return settings_; }

  UserRepository& users() override { return users_; }

  ClearanceRepository& clearances() override { return clearances_; }

  SignInRepository& sign_ins() override { return sign_ins_; }

  ConsultationRepository& consultations() override { return consultations_; }

  ChartAccessRepository& chart_accesses() override { return chart_accesses_; }

  CustodyRepository& custody() override { return custody_; }

  OrderCheckRepository& order_checks() override { return order_checks_; }

  ForecastDecisionRepository& forecast_decisions() override { return forecast_decisions_; }

  AmendmentRepository& amendments() override { return amendments_; }

  core::Status append_audit(const AuditRecord& record) override {
    if (read_only_) {
      return core::fail(ErrorCode::Internal,
                        "transaction: an audit entry in a read-only transaction (begin_read) is "
                        "refused");
    }
    AuditEntry e;
    e.sequence = static_cast<std::int64_t>(working_.audit.size()) + 1;
    e.record = record;
    e.previous_hash = working_.audit.empty() ? "" : working_.audit.back().hash;
    e.hash = entry_hash(e.previous_hash, record);
    working_.audit.push_back(std::move(e));
    audited_ = true;
    return {};
  }

  core::Status commit() override {
    if (done_) {
      return core::fail(ErrorCode::Internal, "transaction: already committed or failed");
    }
    done_ = true;
    if (read_only_ && context_.wrote) {
      return core::fail(ErrorCode::Internal,
                        "transaction: a write in a read-only transaction (begin_read) is refused");
    }
    if (context_.wrote && !audited_) {
      return core::fail(ErrorCode::Internal,
                        "transaction: a clinical write without an audit record is refused");
    }
    if (store_.fail_next_commit_) {
      store_.fail_next_commit_ = false;
      return core::fail(ErrorCode::Storage, "memory store: injected commit failure");
    }
    *store_.state_ = std::move(working_);
    return {};
  }

 private:
  MemoryStore& store_;
  bool read_only_;
  State working_;
  Context context_;
  Patients patients_;
  Screenings screenings_;
  Drugs drugs_;
  Doses doses_;
  Courses courses_;
  Sessions sessions_;
  Alerts alerts_;
  Assessments assessments_;
  CareTeam care_team_;
  Settings settings_;
  Users users_;
  Clearances clearances_;
  SignIns sign_ins_;
  Consultations consultations_;
  ChartAccesses chart_accesses_;
  Custody custody_;
  OrderChecks order_checks_;
  ForecastDecisions forecast_decisions_;
  Amendments amendments_;
  bool audited_ = false;
  bool done_ = false;
};

class MemoryAuditLog final : public AuditLog {
 public:
  explicit MemoryAuditLog(MemoryStore& store) : store_(store) {}

  core::Result<std::vector<AuditEntry>> entries(std::int64_t from, std::int64_t limit) override {
    std::vector<AuditEntry> out;
    for (const AuditEntry& e : store_.state_->audit) {
      if (e.sequence >= from && static_cast<std::int64_t>(out.size()) < limit) {
        out.push_back(e);
      }
    }
    return out;
  }

  core::Result<AuditVerification> verify() override {
    AuditVerification v;
    std::string previous;
    std::int64_t expected = 1;
    for (const AuditEntry& e : store_.state_->audit) {
      if (e.sequence != expected) {
        v.problems.push_back(fmt::format("entry {}: expected sequence {}", e.sequence, expected));
      }
      if (e.previous_hash != previous || e.hash != entry_hash(previous, e.record)) {
        v.problems.push_back(fmt::format("entry {}: hash mismatch", e.sequence));
      }
      previous = e.hash;
      v.last_sequence = e.sequence;
      ++expected;
      ++v.entries;
    }
    v.head_hash = previous;
    v.intact = v.problems.empty();
    return v;
  }

 private:
  MemoryStore& store_;
};

MemoryStore::MemoryStore()
    : state_(std::make_unique<State>()), audit_(std::make_unique<MemoryAuditLog>(*this)) {}

MemoryStore::~MemoryStore() = default;

core::Result<int> MemoryStore::initialize() {
  initialized_ = true;
  return 1;
}

core::Result<std::unique_ptr<Transaction>> MemoryStore::begin() {
  return open_transaction(false);
}

core::Result<std::unique_ptr<Transaction>> MemoryStore::begin_read() {
  return open_transaction(true);
}

core::Result<std::unique_ptr<Transaction>> MemoryStore::open_transaction(bool read_only) {
  if (!initialized_) {
    return core::fail(ErrorCode::Storage,
                      "memory store: database not initialised (run `ketapath clinic init`)");
  }
  if (open_) {
    return core::fail(ErrorCode::Conflict, "memory store: another transaction is open");
  }
  open_ = true;
  return std::unique_ptr<Transaction>(std::make_unique<MemoryTransaction>(*this, read_only));
}

AuditLog& MemoryStore::audit() {
  return *audit_;
}

void MemoryStore::tamper_audit(std::int64_t sequence, std::string after_json) {
  for (AuditEntry& e : state_->audit) {
    if (e.sequence == sequence) {
      e.record.after_json = std::move(after_json);
    }
  }
}

}  // namespace ketapath::clinic
