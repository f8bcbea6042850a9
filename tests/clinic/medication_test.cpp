// The medication log and its interactions (issue 15 item 5): the list on a day derived from
// starts and stops, each class of the interaction table warns (matched by word, case ignored),
// the dose paths carry the warnings and the reconciliation reminder, a stop of a medication not
// on the list and a blank reconciliation are refused with nothing stored, and only nurses and
// prescribers record.

#include "clinic/domain/medication.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "clinic/service/service.h"
#include "core/text.h"
#include "fixtures.h"
#include "service_fixture.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using core::ErrorCode;
using std::chrono::days;

MedicationEntry start(std::string name, Date on, std::string dose = "1 mg") {
  return {.action = MedicationAction::Start,
          .name = std::move(name),
          .dose = std::move(dose),
          .frequency = "daily",
          .on = on};
}

TEST(Medication, TheListOnADay) {
  const std::vector<MedicationEntry> log = {
      start("Lorazepam", kToday - days(30)),
      start("sertraline", kToday - days(60), "100 mg"),
      {.action = MedicationAction::Stop, .name = "lorazepam", .on = kToday - days(5)},
      start("sertraline", kToday - days(10), "150 mg")};
  const auto before = active_medications(log, kToday - days(20));
  ASSERT_EQ(before.size(), 2U);
  const auto now = active_medications(log, kToday);
  ASSERT_EQ(now.size(), 1U);
  EXPECT_EQ(now[0].name, "sertraline");
  EXPECT_EQ(now[0].dose, "150 mg") << "a later start of the same name replaces the earlier";
  EXPECT_TRUE(active_medications(log, kToday - days(90)).empty());
}

TEST(Medication, EveryInteractionClassWarns) {
  for (const auto& c : interaction_table()) {
    ASSERT_FALSE(c.members.empty()) << c.name;
    ASSERT_FALSE(c.source.empty()) << c.name;
    for (const auto member : c.members) {
      // A brand with the generic name in brackets, in any case, still matches by word.
      const std::string written = "Brand (" + core::ascii_upper(member) + ") 5 mg";
      const auto w = interaction_warnings({{.name = written, .dose = "5 mg"}});
      ASSERT_FALSE(w.empty()) << member;
      EXPECT_TRUE(std::ranges::any_of(w, [&](const auto& x) { return x.interaction == c.name; }))
          << member;
      EXPECT_NE(w.front().text.find(c.source), std::string::npos);
    }
  }
  EXPECT_TRUE(interaction_warnings({{.name = "sertraline"}, {.name = "levothyroxine"}}).empty());
  // Not a substring match: "codeine" is not inside "decodeine-free"...
  EXPECT_TRUE(interaction_warnings({{.name = "paracetamol"}}).empty());
  const auto classes = [](std::string_view name) {
    std::vector<std::string_view> out;
    for (const auto& w : interaction_warnings({{.name = std::string(name)}})) {
      out.push_back(w.interaction);
    }
    return out;
  };
  EXPECT_EQ(classes("clonazepam"), std::vector<std::string_view>{"benzodiazepine"});
  EXPECT_EQ(classes("lamotrigine"), std::vector<std::string_view>{"lamotrigine"});
  EXPECT_EQ(classes("methylphenidate"), std::vector<std::string_view>{"stimulant"});
  EXPECT_EQ(classes("phenelzine"), std::vector<std::string_view>{"MAO inhibitor"});
  EXPECT_EQ(classes("pseudoephedrine"), std::vector<std::string_view>{"pressor"});
  EXPECT_EQ(classes("oxycodone"), std::vector<std::string_view>{"opioid or other sedative"});
  EXPECT_EQ(classes("clarithromycin"), std::vector<std::string_view>{"strong CYP3A4 inhibitor"});
}

class MedicationService : public ClinicWithPatient {
 protected:
  void SetUp() override {
    ClinicWithPatient::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    ASSERT_TRUE(clinic_.add_user("desk", {Role::FrontDesk}));
  }

  std::vector<std::string> dose_warnings() {
    DoseOrder order;
    order.patient = patient_;
    order.route = Route::Iv;
    order.dose = core::MilligramsPerKilogram(0.5);
    order.on = kToday;
    const auto d = clinic_.preview_dose(order);
    EXPECT_TRUE(d) << d.error().message;
    return d ? d->calculation.warnings : std::vector<std::string>{};
  }

  static bool has(const std::vector<std::string>& warnings, std::string_view text) {
    return std::ranges::any_of(warnings,
                               [&](const auto& w) { return w.find(text) != std::string::npos; });
  }
};

TEST_F(MedicationService, DosePathsWarnOfInteractionsAndAnUnreconciledList) {
  EXPECT_TRUE(has(dose_warnings(), "never been reconciled"));
  const auto w = clinic_.record_medication(patient_, start("lorazepam", kToday - days(3)));
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_TRUE(has(*w, "interaction with benzodiazepine: lorazepam (1 mg, daily)"));
  ASSERT_TRUE(clinic_.record_medication(
      patient_,
      {.action = MedicationAction::Reconcile, .on = kToday - days(1), .note = "as listed"}));
  auto warnings = dose_warnings();
  EXPECT_TRUE(has(warnings, "interaction with benzodiazepine"));
  EXPECT_TRUE(has(warnings, "last reconciled on 2026-11-19"));
  ASSERT_TRUE(clinic_.record_medication(
      patient_, {.action = MedicationAction::Stop, .name = "LORAZEPAM", .on = kToday}));
  ASSERT_TRUE(clinic_.record_medication(
      patient_,
      {.action = MedicationAction::Reconcile, .on = kToday, .note = "stopped lorazepam"}));
  warnings = dose_warnings();
  EXPECT_FALSE(has(warnings, "interaction"));
  EXPECT_FALSE(has(warnings, "reconcil"));
}

TEST_F(MedicationService, RefusalsStoreNothing) {
  const auto before = audit_count();
  const auto stop = clinic_.record_medication(
      patient_, {.action = MedicationAction::Stop, .name = "diazepam", .on = kToday});
  ASSERT_FALSE(stop);
  EXPECT_EQ(stop.error().code, ErrorCode::Validation);
  EXPECT_NE(stop.error().message.find("not on the patient's list"), std::string::npos);
  EXPECT_EQ(clinic_
                .record_medication(
                    patient_, {.action = MedicationAction::Reconcile, .on = kToday, .note = " "})
                .error()
                .code,
            ErrorCode::Validation);
  EXPECT_EQ(clinic_.record_medication(patient_, start("", kToday)).error().code,
            ErrorCode::Validation);
  EXPECT_EQ(clinic_.record_medication(patient_, start("lorazepam", kToday + days(1))).error().code,
            ErrorCode::Validation);
  EXPECT_EQ(clinic_.acting_as("desk")
                .record_medication(patient_, start("lorazepam", kToday))
                .error()
                .code,
            ErrorCode::Unauthorized);
  EXPECT_EQ(clinic_.record_medication(PatientId(999), start("lorazepam", kToday)).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(audit_count(), before);
  EXPECT_TRUE(clinic_.patient(patient_)->medications.empty());
  ASSERT_TRUE(clinic_.record_medication(patient_, start("lorazepam", kToday)));
  EXPECT_EQ(audit_count(), before + 1);
  EXPECT_EQ(clinic_.patient(patient_)->medications.size(), 1U);
  EXPECT_EQ(clinic_.patient(patient_)->medications[0].recorded_by, "dr.lee");
}

}  // namespace
}  // namespace ketapath::clinic
