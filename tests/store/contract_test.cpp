// The storage contract of clinic/ports.h, run unchanged against every ClinicStore: the clinic's
// in-memory fake, SQLite and PostgreSQL. What one store does, all must do.

#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "clinic/json/json.h"
#include "store/harnesses.h"

namespace ketapath::store::testing {
namespace {

using namespace std::chrono_literals;
using clinic::PatientId;
using core::ErrorCode;

clinic::Timestamp at(std::string_view text) {
  return *clinic::parse_timestamp(text);
}

clinic::Date day(std::string_view text) {
  return *clinic::parse_date(text);
}

/// Doubles chosen to catch lossy storage: not representable in decimal at 15 digits, tiny, large.
constexpr double kAwkward = 0.1 + 0.2;  // 0.30000000000000004
constexpr double kTiny = 1e-300;

clinic::Patient sample_patient() {
  clinic::Patient p;
  p.name = "Zoë O'Brien \"test\"; DROP TABLE patients; --";
  p.birth_date = day("1984-02-29");
  p.sex = clinic::Sex::Female;
  p.created_at = at("2026-11-01T08:30:15Z");
  p.weights = {{day("2026-10-01"), core::Kilograms(70.1), false},
               {day("2026-11-01"), core::Kilograms(69.0 + kAwkward), true}};
  p.diagnoses = {{clinic::Disorder::Gad, "F41.1", day("2020-05-05"), true},
                 {clinic::Disorder::SocialAnxiety, "F40.10", day("2021-06-06"), false}};
  clinic::TreatmentTrial ssri;
  ssri.kind = clinic::TreatmentKind::Antidepressant;
  ssri.name = "sertraline";
  ssri.daily_dose = core::Milligrams(150.0);
  ssri.min_therapeutic_daily_dose = core::Milligrams(50.0);
  ssri.started_on = day("2022-01-10");
  ssri.duration_weeks = 12.5 + kTiny;
  ssri.outcome = clinic::TrialOutcome::NonResponse;
  ssri.notes = "line one\nline two";
  clinic::TreatmentTrial cbt;
  cbt.kind = clinic::TreatmentKind::Psychotherapy;
  cbt.name = "CBT";
  cbt.psychotherapy_sessions = 16;
  cbt.duration_weeks = 16;
  cbt.outcome = clinic::TrialOutcome::PartialResponse;
  p.treatment_history = {ssri, cbt};
  return p;
}

clinic::AuditRecord audit_record(std::string_view action, std::string entity) {
  return clinic::AuditRecord{at("2026-11-21T10:00:00Z"), "dr.test", std::string(action),
                             std::move(entity),          "null",    R"({"ok":true})"};
}

/// Equality through the clinic's canonical JSON, which covers every field of each record.
template <class T>
void expect_same(const T& expected, const T& actual) {
  EXPECT_EQ(clinic::canonical(clinic::to_json(expected)),
            clinic::canonical(clinic::to_json(actual)));
}

template <class Harness>
class StoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (Harness::kNeedsPostgres) {
      KETAPATH_REQUIRE_POSTGRES();
    }
    harness_.emplace();
    store_ = harness_->open();
    ASSERT_NE(store_, nullptr);
  }

  void initialise() {
    auto version = store_->initialize();
    ASSERT_TRUE(version) << version.error().message;
  }

  std::unique_ptr<clinic::Transaction> begin() {
    auto tx = store_->begin();
    EXPECT_TRUE(tx) << tx.error().message;
    return tx ? std::move(*tx) : nullptr;
  }

  /// Runs `write` in a transaction with an audit record and commits it.
  template <class Write>
  auto committed(Write write) {
    auto tx = begin();
    auto result = write(*tx);
    EXPECT_TRUE(result) << result.error().message;
    auto audited = tx->append_audit(audit_record("test.write", "test/1"));
    EXPECT_TRUE(audited) << audited.error().message;
    auto done = tx->commit();
    EXPECT_TRUE(done) << done.error().message;
    return result;
  }

  PatientId add_patient(const clinic::Patient& patient = sample_patient()) {
    auto id = committed([&](clinic::Transaction& tx) { return tx.patients().add(patient); });
    return id ? *id : PatientId{};
  }

  /// Reopens a persistent store (a new connection), so reads come from disk, not a cache.
  void reopen() {
    if constexpr (Harness::kPersistent) {
      store_.reset();
      store_ = harness_->open();
      ASSERT_NE(store_, nullptr);
    }
  }

  std::optional<Harness> harness_;
  std::unique_ptr<clinic::ClinicStore> store_;
};

using Harnesses = ::testing::Types<MemoryHarness, SqliteHarness, PostgresHarness>;

class HarnessNames {
 public:
  template <class T>
  static std::string GetName(int) {
    if (std::is_same_v<T, MemoryHarness>)
      return "Memory";
    if (std::is_same_v<T, SqliteHarness>)
      return "Sqlite";
    return "Postgres";
  }
};

TYPED_TEST_SUITE(StoreContract, Harnesses, HarnessNames);

TYPED_TEST(StoreContract, RefusesWorkBeforeInitialisation) {
  auto tx = this->store_->begin();
  ASSERT_FALSE(tx);
  EXPECT_EQ(tx.error().code, ErrorCode::Storage);
  EXPECT_NE(tx.error().message.find("ketapath clinic init"), std::string::npos)
      << tx.error().message;
}

TYPED_TEST(StoreContract, InitialisationIsIdempotent) {
  auto first = this->store_->initialize();
  ASSERT_TRUE(first) << first.error().message;
  auto second = this->store_->initialize();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*first, *second);
  EXPECT_GE(*first, 1);
}

TYPED_TEST(StoreContract, PatientRoundTripsExactly) {
  this->initialise();
  const auto original = sample_patient();
  const auto id = this->add_patient(original);
  ASSERT_GT(id.value(), 0);
  this->reopen();
  auto tx = this->begin();
  auto stored = tx->patients().get(id);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->id, id);
  auto expected = original;
  expected.id = id;
  expect_same(expected, *stored);
  // Bit-for-bit doubles, not just close ones.
  ASSERT_EQ(stored->weights.size(), 2u);
  const double weight = stored->weights[1].weight.value();
  const double wanted = original.weights[1].weight.value();
  EXPECT_EQ(std::memcmp(&weight, &wanted, sizeof weight), 0);
  EXPECT_EQ(stored->treatment_history[0].duration_weeks, 12.5 + kTiny);
  EXPECT_FALSE(stored->treatment_history[1].daily_dose.has_value());
  EXPECT_EQ(stored->name, original.name);
}

TYPED_TEST(StoreContract, IdsIncreaseAndListIsOrderedById) {
  this->initialise();
  auto a = sample_patient();
  a.name = "A";
  auto b = sample_patient();
  b.name = "B";
  const auto first = this->add_patient(a);
  const auto second = this->add_patient(b);
  EXPECT_GT(first.value(), 0);
  EXPECT_GT(second.value(), first.value());
  auto tx = this->begin();
  auto all = tx->patients().list();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "A");
  EXPECT_EQ((*all)[1].name, "B");
  EXPECT_EQ((*all)[1].weights.size(), 2u);
}

TYPED_TEST(StoreContract, AppendsToPatientListsInOrder) {
  this->initialise();
  const auto id = this->add_patient();
  this->committed([&](clinic::Transaction& tx) {
    return tx.patients().add_weight(id, {day("2026-11-20"), core::Kilograms(68.25), false});
  });
  this->committed([&](clinic::Transaction& tx) {
    return tx.patients().add_diagnosis(
        id, {clinic::Disorder::Panic, "F41.0", day("2026-01-01"), false});
  });
  clinic::TreatmentTrial trial;
  trial.name = "pregabalin";
  trial.kind = clinic::TreatmentKind::OtherMedication;
  this->committed(
      [&](clinic::Transaction& tx) { return tx.patients().add_treatment_trial(id, trial); });
  this->reopen();
  auto tx = this->begin();
  auto p = tx->patients().get(id);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->weights.size(), 3u);
  EXPECT_EQ(p->weights.back().weight.value(), 68.25);
  ASSERT_EQ(p->diagnoses.size(), 3u);
  EXPECT_EQ(p->diagnoses.back().icd10, "F41.0");
  ASSERT_EQ(p->treatment_history.size(), 3u);
  EXPECT_EQ(p->treatment_history.back().name, "pregabalin");
}

TYPED_TEST(StoreContract, UnknownIdsAreNotFound) {
  this->initialise();
  auto tx = this->begin();
  const PatientId missing(4242);
  auto expect_not_found = [](const auto& result, std::string_view what) {
    ASSERT_FALSE(result) << what;
    EXPECT_EQ(result.error().code, ErrorCode::NotFound) << what << ": " << result.error().message;
  };
  expect_not_found(tx->patients().get(missing), "patients.get");
  expect_not_found(tx->patients().add_weight(missing, {}), "patients.add_weight");
  expect_not_found(tx->patients().add_diagnosis(missing, {}), "patients.add_diagnosis");
  clinic::ScreeningRecord screening;
  screening.patient = missing;
  expect_not_found(tx->screenings().add(screening), "screenings.add");
  expect_not_found(tx->screenings().get(clinic::ScreeningId(7)), "screenings.get");
  clinic::DoseRecord dose;
  dose.patient = missing;
  expect_not_found(tx->doses().add(dose), "doses.add");
  expect_not_found(tx->doses().get(clinic::DoseRecordId(7)), "doses.get");
  expect_not_found(tx->doses().link_session(clinic::DoseRecordId(7), clinic::SessionId(7)),
                   "doses.link_session");
  clinic::Course course;
  course.patient = missing;
  expect_not_found(tx->courses().add(course), "courses.add");
  expect_not_found(tx->courses().get(clinic::CourseId(7)), "courses.get");
  expect_not_found(tx->courses().set_status(clinic::CourseId(7), clinic::CourseStatus::Stopped),
                   "courses.set_status");
  clinic::Session session;
  session.patient = missing;
  expect_not_found(tx->sessions().add(session), "sessions.add");
  expect_not_found(tx->sessions().get(clinic::SessionId(7)), "sessions.get");
  expect_not_found(
      tx->alerts().acknowledge(clinic::AlertId(7), "nurse", at("2026-11-03T10:00:00Z"), "checked"),
      "alerts.acknowledge");
  expect_not_found(tx->alerts().get(clinic::AlertId(7)), "alerts.get");
  expect_not_found(tx->drugs().get(clinic::DrugId(7)), "drugs.get");
  expect_not_found(tx->drugs().find_by_name("propofol"), "drugs.find_by_name");
  auto screenings = tx->screenings().list_for_patient(missing);
  ASSERT_TRUE(screenings);
  EXPECT_TRUE(screenings->empty());
}

TYPED_TEST(StoreContract, DroppedTransactionLeavesNothing) {
  this->initialise();
  {
    auto tx = this->begin();
    ASSERT_TRUE(tx->patients().add(sample_patient()));
    ASSERT_TRUE(tx->append_audit(audit_record("patient.add", "patient/1")));
  }  // no commit: rolled back
  this->reopen();
  auto tx = this->begin();
  auto all = tx->patients().list();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
  tx.reset();  // one transaction at a time: close it before reading the audit log
  auto entries = this->store_->audit().entries(1, 10);
  ASSERT_TRUE(entries) << entries.error().message;
  EXPECT_TRUE(entries->empty());
}

TYPED_TEST(StoreContract, WriteWithoutAuditRecordIsRefusedAndRolledBack) {
  this->initialise();
  {
    auto tx = this->begin();
    ASSERT_TRUE(tx->patients().add(sample_patient()));
    auto done = tx->commit();
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, ErrorCode::Internal);
  }
  auto tx = this->begin();
  auto all = tx->patients().list();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TYPED_TEST(StoreContract, DrugLibrarySaveReplaceAndConflict) {
  this->initialise();
  auto entry = clinic::default_ketamine_entry();
  auto id = this->committed([&](clinic::Transaction& tx) { return tx.drugs().save(entry); });
  ASSERT_TRUE(id);
  entry.id = *id;
  {
    auto tx = this->begin();
    auto stored = tx->drugs().find_by_name("ketamine");
    ASSERT_TRUE(stored) << stored.error().message;
    expect_same(entry, *stored);
  }
  entry.advisory = "changed";
  entry.limits.pop_back();
  auto replaced = this->committed([&](clinic::Transaction& tx) { return tx.drugs().save(entry); });
  ASSERT_TRUE(replaced);
  EXPECT_EQ(*replaced, *id);
  this->reopen();
  auto tx = this->begin();
  auto stored = tx->drugs().get(*id);
  ASSERT_TRUE(stored);
  expect_same(entry, *stored);
  auto duplicate = clinic::default_ketamine_entry();
  auto clash = tx->drugs().save(duplicate);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::Conflict) << clash.error().message;
}

TYPED_TEST(StoreContract, DrugSaveOfUnknownIdIsNotFound) {
  this->initialise();
  auto entry = clinic::default_ketamine_entry();
  entry.id = clinic::DrugId(99);
  auto tx = this->begin();
  auto saved = tx->drugs().save(entry);
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, ErrorCode::NotFound);
}

TYPED_TEST(StoreContract, ScreeningRoundTrips) {
  this->initialise();
  const auto patient = this->add_patient();
  clinic::ScreeningRecord record;
  record.patient = patient;
  record.performed_at = at("2026-11-02T09:00:00Z");
  record.performed_by = "dr.who";
  record.input.gad.worry_duration_months = 18;
  record.input.gad.restlessness = true;
  record.input.contraindications.current_depression = true;
  record.input.policy.resistance = clinic::ResistanceDefinition::Consensus2024;
  record.input.policy.min_trial_weeks = 8.0 + kAwkward;
  record.result.eligibility = clinic::Eligibility::NeedsReview;
  record.result.failed_adequate_trials = 2;
  record.result.reasons = {"current depression: protocol excludes", "ünïcode reason"};
  auto id = this->committed([&](clinic::Transaction& tx) { return tx.screenings().add(record); });
  ASSERT_TRUE(id);
  record.id = *id;
  this->reopen();
  auto tx = this->begin();
  auto stored = tx->screenings().get(*id);
  ASSERT_TRUE(stored) << stored.error().message;
  expect_same(record, *stored);
  auto list = tx->screenings().list_for_patient(patient);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
}

clinic::Session sample_session(PatientId patient) {
  clinic::Session s;
  s.patient = patient;
  s.route = clinic::Route::Iv;
  s.dose_per_kg = core::MilligramsPerKilogram(0.5);
  s.dose = core::Milligrams(35.05);
  s.started_at = at("2026-11-03T10:00:00Z");
  s.ended_at = at("2026-11-03T12:00:00Z");
  clinic::VitalSigns before;
  before.measured_at = at("2026-11-03T09:55:00Z");
  before.phase = clinic::Phase::Before;
  before.systolic = core::MillimetresOfMercury(128);
  before.diastolic = core::MillimetresOfMercury(82);
  before.heart_rate = core::BeatsPerMinute(71);
  before.spo2_percent = 98.5;
  clinic::VitalSigns during;
  during.measured_at = at("2026-11-03T10:20:00Z");
  during.phase = clinic::Phase::During;
  during.systolic = core::MillimetresOfMercury(141);
  s.vitals = {before, during};
  clinic::ScaleRating gad7;
  gad7.scale = clinic::Scale::Gad7;
  gad7.rated_at = at("2026-11-03T09:50:00Z");
  gad7.items = {3, 2, 2, 1, 0, 3, 2};
  gad7.total = 13;
  gad7.rater = "self";
  s.ratings = {gad7};
  s.adverse_events = {
      {at("2026-11-03T10:30:00Z"), "nausea", clinic::Severity::Mild, "ondansetron 4 mg IV", true}};
  clinic::DischargeReadiness discharge;
  discharge.assessed_at = at("2026-11-03T12:00:00Z");
  discharge.alert_and_oriented = true;
  discharge.vitals_near_baseline = true;
  discharge.ambulating_steadily = true;
  discharge.escort_present = true;
  discharge.ready = true;
  discharge.assessed_by = "nurse.a";
  s.discharge = discharge;
  s.notes = "uneventful";
  s.recorded_by = "nurse.a";
  s.recorded_at = at("2026-11-03T12:05:00Z");
  return s;
}

TYPED_TEST(StoreContract, CourseDoseAndSessionRoundTripAndLink) {
  this->initialise();
  const auto patient = this->add_patient();

  clinic::Course course;
  course.patient = patient;
  course.protocol = clinic::CourseProtocol::IvLoading;
  course.start = day("2026-11-03");
  course.created_at = at("2026-11-02T15:00:00Z");
  course.created_by = "dr.who";
  for (int n = 1; n <= 3; ++n) {
    clinic::PlannedSession p;
    p.number = n;
    p.planned_on = course.start + std::chrono::days(2 * (n - 1));
    p.dose = core::MilligramsPerKilogram(0.5);
    p.duration = core::Minutes(40);
    course.sessions.push_back(p);
  }
  auto course_id =
      this->committed([&](clinic::Transaction& tx) { return tx.courses().add(course); });
  ASSERT_TRUE(course_id);
  course.id = *course_id;

  clinic::DoseRecord dose;
  dose.patient = patient;
  dose.route = clinic::Route::Iv;
  dose.drug = "ketamine";
  dose.calculation.weight = core::Kilograms(70.1);
  dose.calculation.weight_measured_on = day("2026-11-01");
  dose.calculation.dose_per_kg = core::MilligramsPerKilogram(0.5);
  dose.calculation.dose = core::Milligrams(35.05);
  dose.calculation.concentration = core::MilligramsPerMillilitre(1);
  dose.calculation.volume = core::Millilitres(35.05);
  dose.calculation.duration = core::Minutes(40);
  dose.calculation.rate = core::MillilitresPerHour(52.575);
  dose.calculation.dose_rate_mg_per_kg_per_h = 0.75;
  dose.calculation.limit = clinic::LimitLevel::None;
  dose.calculation.arithmetic = {"70.1 kg x 0.5 mg/kg = 35.05 mg", "35.05 mg / 1 mg/mL = 35.05 mL"};
  dose.calculated_at = at("2026-11-03T09:45:00Z");
  dose.calculated_by = "dr.who";
  auto dose_id = this->committed([&](clinic::Transaction& tx) { return tx.doses().add(dose); });
  ASSERT_TRUE(dose_id);
  dose.id = *dose_id;

  auto session = sample_session(patient);
  session.course = *course_id;
  session.course_session_number = 1;
  session.dose_record = *dose_id;
  auto session_id =
      this->committed([&](clinic::Transaction& tx) { return tx.sessions().add(session); });
  ASSERT_TRUE(session_id);
  session.id = *session_id;

  auto planned = course.sessions[0];
  planned.status = clinic::PlannedStatus::Done;
  planned.actual_on = day("2026-11-03");
  planned.session = *session_id;
  ASSERT_TRUE(this->committed([&](clinic::Transaction& tx) -> core::Status {
    KETAPATH_TRY(tx.courses().update_planned_session(*course_id, planned));
    KETAPATH_TRY(tx.doses().link_session(*dose_id, *session_id));
    return tx.courses().set_status(*course_id, clinic::CourseStatus::Completed);
  }));
  course.sessions[0] = planned;
  course.status = clinic::CourseStatus::Completed;
  dose.session = *session_id;

  this->reopen();
  auto tx = this->begin();
  auto stored_course = tx->courses().get(*course_id);
  ASSERT_TRUE(stored_course) << stored_course.error().message;
  expect_same(course, *stored_course);
  auto stored_dose = tx->doses().get(*dose_id);
  ASSERT_TRUE(stored_dose) << stored_dose.error().message;
  expect_same(dose, *stored_dose);
  auto stored_session = tx->sessions().get(*session_id);
  ASSERT_TRUE(stored_session) << stored_session.error().message;
  expect_same(session, *stored_session);

  clinic::PlannedSession unknown;
  unknown.number = 99;
  auto missing = tx->courses().update_planned_session(*course_id, unknown);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TYPED_TEST(StoreContract, SessionsAreListedByStartTime) {
  this->initialise();
  const auto patient = this->add_patient();
  auto late = sample_session(patient);
  late.started_at = at("2026-11-10T10:00:00Z");
  auto early = sample_session(patient);
  early.started_at = at("2026-11-03T10:00:00Z");
  ASSERT_TRUE(this->committed([&](clinic::Transaction& tx) { return tx.sessions().add(late); }));
  ASSERT_TRUE(this->committed([&](clinic::Transaction& tx) { return tx.sessions().add(early); }));
  auto tx = this->begin();
  auto sessions = tx->sessions().list_for_patient(patient);
  ASSERT_TRUE(sessions);
  ASSERT_EQ(sessions->size(), 2u);
  EXPECT_EQ((*sessions)[0].started_at, early.started_at);
  EXPECT_EQ((*sessions)[1].started_at, late.started_at);
}

// Amendments (clinic/domain/amendment.h): the stored row keeps the original, every read applies
// the amendments in order and lists them; an amending screening names what it amends.
TYPED_TEST(StoreContract, AmendmentsApplyOnReadAndKeepTheOriginal) {
  this->initialise();
  const auto patient = this->add_patient();
  const auto other = this->add_patient();
  auto session_id = this->committed(
      [&](clinic::Transaction& tx) { return tx.sessions().add(sample_session(patient)); });
  ASSERT_TRUE(session_id);
  const auto amendment = [&](std::string field, std::string original, std::string amended) {
    clinic::Amendment a;
    a.patient = patient;
    a.kind = clinic::AmendedKind::Session;
    a.record = session_id->value();
    a.field = std::move(field);
    a.original = std::move(original);
    a.amended = std::move(amended);
    a.reason = "transcription error: the monitor read 152";
    a.amended_by = "dr.who";
    a.amended_at = at("2026-11-04T08:00:00Z");
    return a;
  };
  ASSERT_TRUE(this->committed([&](clinic::Transaction& tx) {
    return tx.amendments().add(amendment("vitals.2.systolic", "141", "152"));
  }));
  ASSERT_TRUE(this->committed([&](clinic::Transaction& tx) {
    return tx.amendments().add(amendment("vitals.2.systolic", "152", "150"));
  }));
  {  // the record of another patient, or no record: NotFound, nothing stored
    auto tx = this->begin();
    auto foreign = amendment("notes", "uneventful", "x");
    foreign.patient = other;
    EXPECT_EQ(tx->amendments().add(foreign).error().code, ErrorCode::NotFound);
    auto missing = amendment("notes", "uneventful", "x");
    missing.record = 999;
    EXPECT_EQ(tx->amendments().add(missing).error().code, ErrorCode::NotFound);
  }
  this->reopen();
  auto tx = this->begin();
  const auto s = tx->sessions().get(*session_id);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->vitals[1].systolic->value(), 150.0) << "amendments apply in order";
  ASSERT_EQ(s->amendments.size(), 2u);
  EXPECT_EQ(s->amendments[0].original, "141");
  EXPECT_EQ(s->amendments[0].amended_by, "dr.who");
  EXPECT_EQ(s->amendments[0].amended_at, at("2026-11-04T08:00:00Z"));
  EXPECT_EQ(s->amendments[1].amended, "150");
  EXPECT_EQ((*tx->sessions().list_for_patient(patient))[0].vitals[1].systolic->value(), 150.0);
  EXPECT_EQ(tx->amendments().list_for_patient(patient)->size(), 2u);
  EXPECT_TRUE(tx->amendments().list_for_patient(other)->empty());

  // A screening is amended by a replacement that names it.
  clinic::ScreeningRecord original;
  original.patient = patient;
  original.performed_at = at("2026-11-02T09:00:00Z");
  original.performed_by = "dr.who";
  original.result.reasons = {"eligible"};
  tx.reset();
  auto first =
      this->committed([&](clinic::Transaction& t) { return t.screenings().add(original); });
  ASSERT_TRUE(first);
  clinic::ScreeningRecord replacement = original;
  replacement.amends = *first;
  replacement.input.contraindications.psychosis = true;
  auto second = this->committed([&](clinic::Transaction& t) -> core::Result<clinic::ScreeningId> {
    const auto id = KETAPATH_TRY(t.screenings().add(replacement));
    clinic::Amendment a;
    a.patient = patient;
    a.kind = clinic::AmendedKind::Screening;
    a.record = first->value();
    a.field = "contraindications.psychosis";
    a.original = "unknown";
    a.amended = "yes";
    a.reason = "history from the GP letter";
    a.replacement = id;
    a.amended_by = "dr.who";
    a.amended_at = at("2026-11-04T08:00:00Z");
    KETAPATH_TRY(t.amendments().add(a));
    return id;
  });
  ASSERT_TRUE(second);
  this->reopen();
  auto read = this->begin();
  const auto list = read->screenings().list_for_patient(patient);
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_FALSE((*list)[0].amends);
  EXPECT_TRUE((*list)[0].amendments.empty()) << "the original reads as stored";
  EXPECT_EQ((*list)[1].amends, *first);
  ASSERT_EQ((*list)[1].amendments.size(), 1u);
  EXPECT_EQ((*list)[1].amendments[0].field, "contraindications.psychosis");
  EXPECT_EQ((*list)[1].amendments[0].replacement, *second);
}

TYPED_TEST(StoreContract, AlertsAndSettings) {
  this->initialise();
  const auto patient = this->add_patient();
  clinic::Alert alert;
  alert.patient = patient;
  alert.raised_at = at("2026-11-03T10:20:00Z");
  alert.level = clinic::AlertLevel::Pause;
  alert.measure = "systolic_bp";
  alert.value = 185;
  alert.unit = "mmHg";
  alert.threshold = 180;
  alert.message = "systolic BP 185 mmHg > pause threshold 180 mmHg during infusion";
  auto id = this->committed([&](clinic::Transaction& tx) { return tx.alerts().add(alert); });
  ASSERT_TRUE(id);
  clinic::Alert urgent = alert;  // stays open
  urgent.level = clinic::AlertLevel::Urgent;
  urgent.measure = "phq9_item9";
  urgent.value = 1;
  urgent.unit = "points";
  urgent.threshold = 0;
  urgent.message = "urgent: PHQ-9 item 9 answered 1 > 0";
  auto urgent_id =
      this->committed([&](clinic::Transaction& tx) { return tx.alerts().add(urgent); });
  ASSERT_TRUE(urgent_id);
  {
    auto tx = this->begin();
    auto open = tx->alerts().list_open();
    ASSERT_TRUE(open);
    ASSERT_EQ(open->size(), 2u);
    EXPECT_EQ(open->front().id, *id);
  }
  ASSERT_TRUE(this->committed([&](clinic::Transaction& tx) {
    return tx.alerts().acknowledge(*id, "nurse.b", at("2026-11-03T10:31:00Z"),
                                   "BP rechecked 150/90 after 10 min, infusion resumed");
  }));
  ASSERT_TRUE(this->committed([&](clinic::Transaction& tx) {
    return tx.settings().put("dosing_policy", R"({"max_weight_age_days":30})");
  }));
  ASSERT_TRUE(this->committed([&](clinic::Transaction& tx) {
    return tx.settings().put("dosing_policy", R"({"max_weight_age_days":14})");
  }));
  this->reopen();
  auto tx = this->begin();
  auto alerts = tx->alerts().list_for_patient(patient);
  ASSERT_TRUE(alerts);
  ASSERT_EQ(alerts->size(), 2u);
  alert.id = *id;
  alert.acknowledged = true;
  alert.acknowledged_by = "nurse.b";
  alert.acknowledged_at = at("2026-11-03T10:31:00Z");
  alert.acknowledgement_note = "BP rechecked 150/90 after 10 min, infusion resumed";
  expect_same(alert, alerts->front());
  urgent.id = *urgent_id;
  expect_same(urgent, (*alerts)[1]);
  auto fetched = tx->alerts().get(*urgent_id);
  ASSERT_TRUE(fetched);
  expect_same(urgent, *fetched);
  auto open = tx->alerts().list_open();
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->front().id, *urgent_id);
  auto policy = tx->settings().get("dosing_policy");
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->value_or(""), R"({"max_weight_age_days":14})");
  auto absent = tx->settings().get("safety_thresholds");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->has_value());
}

TYPED_TEST(StoreContract, AuditEntriesChainAndVerify) {
  this->initialise();
  for (int i = 0; i < 3; ++i) {
    this->add_patient();
  }
  this->reopen();
  auto entries = this->store_->audit().entries(1, 100);
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 3u);
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const auto& e = (*entries)[i];
    EXPECT_EQ(e.sequence, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(e.previous_hash, i == 0 ? "" : (*entries)[i - 1].hash);
    EXPECT_FALSE(e.hash.empty());
    EXPECT_EQ(e.record.actor, "dr.test");
    EXPECT_EQ(e.record.after_json, R"({"ok":true})");
    EXPECT_EQ(e.record.at, at("2026-11-21T10:00:00Z"));
  }
  auto tail = this->store_->audit().entries(3, 100);
  ASSERT_TRUE(tail);
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ(tail->front().sequence, 3);
  auto verdict = this->store_->audit().verify();
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_TRUE(verdict->intact);
  EXPECT_EQ(verdict->entries, 3);
  EXPECT_EQ(verdict->head_hash, entries->back().hash);
  EXPECT_TRUE(verdict->problems.empty());
}

TYPED_TEST(StoreContract, OneTransactionAtATime) {
  this->initialise();
  auto first = this->begin();
  auto second = this->store_->begin();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::Conflict) << second.error().message;
  first.reset();
  EXPECT_TRUE(this->store_->begin());
}

TYPED_TEST(StoreContract, AuditEntriesWithNonPositiveLimitAreEmpty) {
  this->initialise();
  this->add_patient();
  for (const std::int64_t limit : {0, -1}) {
    auto entries = this->store_->audit().entries(1, limit);
    ASSERT_TRUE(entries) << entries.error().message;
    EXPECT_TRUE(entries->empty()) << "limit " << limit;
  }
}

TYPED_TEST(StoreContract, TransactionIsUnusableAfterCommit) {
  this->initialise();
  auto tx = this->begin();
  ASSERT_TRUE(tx->patients().add(sample_patient()));
  ASSERT_TRUE(tx->append_audit(audit_record("patient.add", "patient/1")));
  ASSERT_TRUE(tx->commit());
  auto again = tx->commit();
  EXPECT_FALSE(again);
}

TYPED_TEST(StoreContract, ReadTransactionSeesCommittedWritesAndRefusesWrites) {
  this->initialise();
  const auto id = this->add_patient();
  {
    auto read = this->store_->begin_read();
    ASSERT_TRUE(read) << read.error().message;
    auto stored = (*read)->patients().get(id);
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(stored->name, sample_patient().name);
    // A write through a read transaction is refused, at the latest at commit, and stores nothing.
    auto added = (*read)->patients().add(sample_patient());
    auto audited = (*read)->append_audit(audit_record("patient.add", "patient/2"));
    EXPECT_FALSE(audited);
    if (audited) {
      ADD_FAILURE() << "an audit entry in a read transaction was accepted";
    }
    auto committed = (*read)->commit();
    EXPECT_FALSE(added && committed) << "a write in a read transaction was committed";
    if (!added) {
      EXPECT_EQ(added.error().code, ErrorCode::Internal) << added.error().message;
    }
  }
  this->reopen();
  auto tx = this->begin();
  auto all = tx->patients().list();
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->size(), 1u);
  tx.reset();
  auto entries = this->store_->audit().entries(1, 100);
  ASSERT_TRUE(entries) << entries.error().message;
  for (const auto& e : *entries) {
    EXPECT_NE(e.record.entity, "patient/2");
  }
}

TYPED_TEST(StoreContract, PooledReadsRunBesideAWriteAndSeeOnlyCommittedData) {
  this->initialise();
  const auto first = this->add_patient();
  if (!this->store_->read_concurrently(2)) {
    GTEST_SKIP() << "this store serves reads one at a time with the writes";
  }
  auto write = this->begin();
  auto other = sample_patient();
  other.name = "written, not yet committed";
  ASSERT_TRUE(write->patients().add(other));
  // Two reads while the write is open: neither waits for it, neither sees it.
  auto a = this->store_->begin_read();
  auto b = this->store_->begin_read();
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  for (auto* read : {&*a, &*b}) {
    auto all = (*read)->patients().list();
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ(all->front().id, first);
  }
  ASSERT_TRUE(write->append_audit(audit_record("patient.add", "patient/2")));
  ASSERT_TRUE(write->commit());
  write.reset();
  // `a` keeps its snapshot; a read begun after the commit sees the write.
  auto still = (*a)->patients().list();
  ASSERT_TRUE(still) << still.error().message;
  EXPECT_EQ(still->size(), 1u);
  a->reset();
  b->reset();
  auto after = this->store_->begin_read();
  ASSERT_TRUE(after) << after.error().message;
  auto all = (*after)->patients().list();
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->size(), 2u);
}

}  // namespace
}  // namespace ketapath::store::testing
