// The chart-access log at the service level (clinic/service/chart_access_log.h): immediate and
// grouped recording, refused reads not recorded, the query is the overseers'.

#include <gtest/gtest.h>

#include "clinic/service/chart_access_log.h"
#include "clinic/service/service.h"
#include "fixtures.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using core::ErrorCode;

class ChartAccessService : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(clinic_.initialize());
    add_staff(clinic_);
    ASSERT_TRUE(clinic_.add_user("desk.bo", {Role::FrontDesk}));
    ASSERT_TRUE(clinic_.add_user("audit.cy", {Role::Auditor}));
    Patient p = adult_70kg();
    p.id = PatientId(0);
    patient_ = *clinic_.add_patient(p);
  }

  std::int64_t audit_count() { return store_.audit().verify()->entries; }

  MemoryStore store_;
  ClinicService clinic_{store_, "test.user", [] {
                          return kNow;
                        }};
  PatientId patient_{};
};

TEST_F(ChartAccessService, ImmediateRecordsEachReadGroupedWaitsForAFlush) {
  clinic_.set_chart_access_log(
      std::make_shared<ChartAccessLog>(store_, ChartAccessLog::Mode::Immediate));
  auto auditor = clinic_.acting_as("audit.cy");
  const auto before = audit_count();
  ASSERT_TRUE(clinic_.patient(patient_));
  ASSERT_TRUE(clinic_.sessions(patient_));
  EXPECT_EQ(audit_count(), before + 2);
  EXPECT_FALSE(clinic_.acting_as("desk.bo").patient(patient_));  // refused: nothing recorded
  EXPECT_FALSE(clinic_.patient(PatientId(999)));                 // not found: nothing recorded
  EXPECT_EQ(audit_count(), before + 2);
  const auto reads = auditor.chart_accesses({});
  ASSERT_TRUE(reads) << reads.error().message;
  ASSERT_EQ(reads->size(), 2u);
  EXPECT_EQ((*reads)[0].user, "test.user");
  EXPECT_EQ((*reads)[0].patient, patient_);
  EXPECT_EQ(clinic_.acting_as("desk.bo").chart_accesses({}).error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(clinic_.acting_as("nurse.kim").chart_accesses({}).error().code,
            ErrorCode::Unauthorized);

  auto grouped = std::make_shared<ChartAccessLog>(store_, ChartAccessLog::Mode::Grouped, 100);
  clinic_.set_chart_access_log(grouped);
  const auto mid = audit_count();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(clinic_.report_data(patient_));
  }
  EXPECT_EQ(audit_count(), mid);
  EXPECT_GE(grouped->pending(), 10u * 8u);
  ASSERT_TRUE(grouped->flush(kNow));
  EXPECT_EQ(audit_count(), mid + 1);
  EXPECT_EQ(grouped->pending(), 0u);
  ChartAccessQuery only;
  only.patient = patient_;
  only.limit = 5;
  EXPECT_EQ(auditor.chart_accesses(only)->size(), 5u);
}

TEST_F(ChartAccessService, AFullBufferThatCannotBeWrittenRefusesTheRead) {
  auto grouped = std::make_shared<ChartAccessLog>(store_, ChartAccessLog::Mode::Grouped, 1);
  clinic_.set_chart_access_log(grouped);
  // The buffer holds 16 x batch reads that could not be written; then reads are refused.
  for (int i = 0; i < 16; ++i) {
    ASSERT_TRUE(clinic_.patient(patient_));
  }
  const auto refused = clinic_.patient(patient_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::Storage);
  ASSERT_TRUE(grouped->flush(kNow));
  EXPECT_TRUE(clinic_.patient(patient_));
}

}  // namespace
}  // namespace ketapath::clinic
