// People and roles (clinic/user.h): the bootstrap, the permission table applied by the service to
// every use case, and that a refusal stores nothing.

#include <gtest/gtest.h>

#include "clinic/service/service.h"
#include "fixtures.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using core::ErrorCode;

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(admin_.initialize()); }

  ClinicService as(const std::string& name) { return admin_.acting_as(name); }

  std::int64_t audit_count() { return store_.audit().verify()->entries; }

  void add_team() {
    ASSERT_TRUE(admin_.add_user("admin.ann", {Role::Admin}));
    ASSERT_TRUE(admin_.add_user("dr.lee", {Role::Prescriber}));
    ASSERT_TRUE(admin_.add_user("nurse.kim", {Role::Nurse}));
    ASSERT_TRUE(admin_.add_user("desk.bo", {Role::FrontDesk}));
    ASSERT_TRUE(admin_.add_user("audit.cy", {Role::Auditor}));
  }

  MemoryStore store_;
  ClinicService admin_{store_, "admin.ann", [] {
                         return kNow;
                       }};
};

TEST_F(AccessTest, EmptyDatabaseRefusesEverythingButTheFirstAdmin) {
  const auto read = admin_.patients();
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::Unauthorized);
  EXPECT_NE(read.error().message.find("no users yet"), std::string::npos) << read.error().message;
  const auto before = audit_count();
  const auto nurse_first = admin_.add_user("nurse.kim", {Role::Nurse});
  ASSERT_FALSE(nurse_first);
  EXPECT_EQ(nurse_first.error().code, ErrorCode::Unauthorized);
  EXPECT_NE(nurse_first.error().message.find("admin role"), std::string::npos);
  EXPECT_EQ(audit_count(), before);

  const auto first = admin_.add_user("admin.ann", {Role::Prescriber, Role::Admin, Role::Admin});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->roles, (std::vector<Role>{Role::Admin, Role::Prescriber}));
  EXPECT_EQ(first->created_by, "admin.ann");
  EXPECT_EQ(audit_count(), before + 1);
  const auto entry = store_.audit().entries(before + 1, 1)->front();
  EXPECT_EQ(entry.record.action, "user.add");
  EXPECT_EQ(entry.record.entity, "user/admin.ann");
  EXPECT_TRUE(admin_.patients());
}

TEST_F(AccessTest, OnlyAnAdminAddsUsersAndNamesAreUnique) {
  add_team();
  const auto by_nurse = as("nurse.kim").add_user("x.y", {Role::Nurse});
  ASSERT_FALSE(by_nurse);
  EXPECT_EQ(by_nurse.error().code, ErrorCode::Unauthorized);
  EXPECT_NE(by_nurse.error().message.find("nurse.kim (nurse) may not add or disable users: that "
                                          "needs the role admin"),
            std::string::npos)
      << by_nurse.error().message;
  EXPECT_EQ(admin_.add_user("dr.lee", {Role::Nurse}).error().code, ErrorCode::Conflict);
  EXPECT_EQ(admin_.add_user("Dr Lee", {Role::Nurse}).error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(admin_.add_user("dr.new", {}).error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(admin_.users()->size(), 5u);
}

TEST_F(AccessTest, EachRoleDoesOnlyItsPart) {
  add_team();
  Patient p = adult_70kg();
  p.id = PatientId(0);
  const auto before = audit_count();
  EXPECT_EQ(as("audit.cy").add_patient(p).error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(as("admin.ann").add_patient(p).error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(audit_count(), before);
  // Front desk registers demographics, but not what decides eligibility (review find): a
  // diagnosis needs a prescriber, a treatment history a nurse or prescriber; nothing is stored.
  const auto with_diagnosis = as("desk.bo").add_patient(p);
  ASSERT_FALSE(with_diagnosis);
  EXPECT_EQ(with_diagnosis.error().code, ErrorCode::Unauthorized);
  EXPECT_NE(with_diagnosis.error().message.find("patient add: a diagnosis"), std::string::npos);
  Patient history_only = p;
  history_only.diagnoses.clear();
  EXPECT_EQ(as("desk.bo").add_patient(history_only).error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(audit_count(), before);
  Patient demographics = history_only;
  demographics.treatment_history.clear();
  const auto id = as("desk.bo").add_patient(demographics);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_TRUE(as("dr.lee").add_patient(p));  // a prescriber may give everything at once
  EXPECT_TRUE(as("audit.cy").patient(*id));  // the auditor reads everything
  EXPECT_TRUE(as("audit.cy").verify_audit());
  EXPECT_TRUE(as("audit.cy").users());
  // The front desk sees demographics only: no chart, no clinical list, no settings, no audit.
  const auto chart = as("desk.bo").patient(*id);
  ASSERT_FALSE(chart);
  EXPECT_EQ(chart.error().code, ErrorCode::Unauthorized);
  EXPECT_NE(chart.error().message.find("desk.bo (front_desk) may not read clinical records"),
            std::string::npos)
      << chart.error().message;
  EXPECT_EQ(as("desk.bo").sessions(*id).error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(as("desk.bo").report_data(*id).error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(as("desk.bo").open_alerts().error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(as("desk.bo").dosing_policy().error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(as("desk.bo").verify_audit().error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(as("desk.bo").users().error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(as("nurse.kim").users().error().code, ErrorCode::Unauthorized);
  const auto listed = as("desk.bo").patients();
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  for (const Patient& seen : *listed) {
    EXPECT_FALSE(seen.name.empty());
    EXPECT_TRUE(seen.weights.empty() && seen.diagnoses.empty() && seen.treatment_history.empty())
        << seen.name;
  }
  EXPECT_FALSE(as("nurse.kim").patients()->at(1).diagnoses.empty());  // clinical roles see all
  EXPECT_EQ(as("desk.bo").add_weight(*id, {kToday, core::Kilograms(71.0), false}).error().code,
            ErrorCode::Unauthorized);
  EXPECT_TRUE(as("nurse.kim").add_weight(*id, {kToday, core::Kilograms(71.0), false}));
  EXPECT_EQ(as("nurse.kim").set_dosing_policy(DosingPolicy{}).error().code,
            ErrorCode::Unauthorized);
  EXPECT_EQ(as("dr.lee").save_drug(*admin_.drug("ketamine")).error().code, ErrorCode::Unauthorized);
  EXPECT_TRUE(admin_.save_drug(*admin_.drug("ketamine")));
  const auto ack = as("audit.cy").acknowledge_alert(AlertId(1), "seen");
  EXPECT_EQ(ack.error().code, ErrorCode::Unauthorized);
}

TEST_F(AccessTest, UnknownAndDisabledUsersAreRefused) {
  add_team();
  const auto stranger = as("mallory").patients();
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, ErrorCode::Unauthorized);
  EXPECT_NE(stranger.error().message.find("mallory is not a clinic user"), std::string::npos);

  ASSERT_TRUE(admin_.set_user_enabled("nurse.kim", false));
  EXPECT_EQ(admin_.set_user_enabled("nurse.kim", false).error().code, ErrorCode::Conflict);
  const auto disabled = as("nurse.kim").patients();
  ASSERT_FALSE(disabled);
  EXPECT_NE(disabled.error().message.find("nurse.kim is disabled"), std::string::npos);
  ASSERT_TRUE(admin_.set_user_enabled("nurse.kim", true));
  EXPECT_TRUE(as("nurse.kim").patients());

  const auto last = admin_.set_user_enabled("admin.ann", false);
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code, ErrorCode::Validation);
  EXPECT_NE(last.error().message.find("last enabled admin"), std::string::npos);
}

TEST_F(AccessTest, InitialiseOnceUsersExistNeedsAnAdmin) {
  add_team();
  EXPECT_EQ(as("nurse.kim").initialize().error().code, ErrorCode::Unauthorized);
  EXPECT_TRUE(admin_.initialize());
}

}  // namespace
}  // namespace ketapath::clinic
