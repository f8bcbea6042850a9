// Consultation requests at the service level (clinic/domain/consultation.h): the form's rules,
// the queue's states and roles, and that turning a request into a patient is one transaction.

#include <gtest/gtest.h>

#include "clinic/json/json.h"
#include "clinic/service/service.h"
#include "fixtures.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic {
namespace {

using namespace testing;
using core::ErrorCode;

ConsultationRequest request() {
  ConsultationRequest r;
  r.name = "Ana Example";
  r.phone = "+49 (761) 123-4567";
  r.preferred_times = "mornings";
  r.reason = "constant worry";
  return r;
}

TEST(ConsultationRules, ContactAndTextAreChecked) {
  EXPECT_TRUE(validate_consultation_request(request()));
  ConsultationRequest r = request();
  r.phone.clear();
  EXPECT_EQ(validate_consultation_request(r).error().code, ErrorCode::Validation);
  r.email = "ana@example.org";
  EXPECT_TRUE(validate_consultation_request(r));
  for (const char* bad : {"ana", "ana@", "@example.org", "ana@example", "a b@example.org",
                          "ana@@example.org", "ana@example..org", "ana@.org", "ana@example.o"}) {
    r.email = bad;
    const auto refused = validate_consultation_request(r);
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("email"), std::string::npos) << bad;
  }
  r = request();
  for (const char* bad : {"12345", "phone me", "+49 761 12345678901234567890", "١٢٣٤٥٦٧"}) {
    r.phone = bad;
    EXPECT_FALSE(validate_consultation_request(r)) << bad;
  }
  r = request();
  r.reason = std::string(1000, 'x');
  EXPECT_TRUE(validate_consultation_request(r));
  r.reason += "x";
  EXPECT_EQ(validate_consultation_request(r).error().code, ErrorCode::Validation);
}

TEST(ConsultationRules, FinalStatesStayFinal) {
  using S = ConsultationStatus;
  EXPECT_TRUE(check_consultation_transition(S::New, S::Contacted));
  EXPECT_TRUE(check_consultation_transition(S::Contacted, S::Scheduled));
  EXPECT_TRUE(check_consultation_transition(S::Scheduled, S::Declined));
  EXPECT_EQ(check_consultation_transition(S::Declined, S::Contacted).error().code,
            ErrorCode::Conflict);
  EXPECT_EQ(check_consultation_transition(S::Converted, S::Declined).error().code,
            ErrorCode::Conflict);
  EXPECT_EQ(check_consultation_transition(S::Contacted, S::Contacted).error().code,
            ErrorCode::Conflict);
  EXPECT_EQ(check_consultation_transition(S::New, S::Converted).error().code,
            ErrorCode::InvalidArgument);
  for (const S s : {S::New, S::Contacted, S::Scheduled, S::Declined, S::Converted}) {
    EXPECT_EQ(*parse_consultation_status(to_string(s)), s);
  }
  EXPECT_FALSE(parse_consultation_status("lost"));
}

TEST(ConsultationRules, TheFormReaderTakesOnlyTheFormsFields) {
  const Json ok = {{"name", "Ana"}, {"email", "a@b.de"}, {"preferred_times", "x"}, {"reason", "y"}};
  EXPECT_TRUE(consultation_request_from_json(ok, "body"));
  Json extra = ok;
  extra["reference"] = "CR-0000-0000-0000";
  const auto refused = consultation_request_from_json(extra, "body");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::InvalidData);
  EXPECT_NE(refused.error().message.find("body: unknown key \"reference\""), std::string::npos);
}

class ConsultationService : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(clinic_.initialize());
    add_staff(clinic_);
    ASSERT_TRUE(clinic_.add_user("desk.bo", {Role::FrontDesk}));
    ASSERT_TRUE(clinic_.add_user("audit.cy", {Role::Auditor}));
  }

  std::int64_t audit_count() { return store_.audit().verify()->entries; }

  MemoryStore store_;
  ClinicService clinic_{store_, "test.user", [] {
                          return kNow;
                        }};
};

TEST_F(ConsultationService, SubmittedByAnyoneWorkedByTheFrontDesk) {
  auto anonymous = clinic_.acting_as("anonymous");
  const auto before = audit_count();
  ConsultationRequest r = request();
  r.status = ConsultationStatus::Converted;  // ignored: a new request is new
  r.reference = "CR-CHOSEN";
  const auto stored = anonymous.submit_consultation_request(r);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->status, ConsultationStatus::New);
  EXPECT_NE(stored->reference, "CR-CHOSEN");
  EXPECT_EQ(audit_count(), before + 1);
  EXPECT_EQ(store_.audit().entries(before + 1, 1)->front().record.actor, "anonymous");

  ConsultationRequest bad = request();
  bad.name = "";
  EXPECT_EQ(anonymous.submit_consultation_request(bad).error().code, ErrorCode::Validation);
  EXPECT_EQ(audit_count(), before + 1);

  // Reading: everyone; changing: front desk, nurse, prescriber; never the auditor or a stranger.
  EXPECT_EQ(clinic_.acting_as("audit.cy").consultation_requests()->size(), 1u);
  EXPECT_EQ(anonymous.consultation_requests().error().code, ErrorCode::Unauthorized);
  EXPECT_EQ(clinic_.acting_as("audit.cy")
                .set_consultation_status(stored->id, ConsultationStatus::Declined)
                .error()
                .code,
            ErrorCode::Unauthorized);
  EXPECT_EQ(
      anonymous.set_consultation_status(stored->id, ConsultationStatus::Declined).error().code,
      ErrorCode::Unauthorized);
  auto desk = clinic_.acting_as("desk.bo");
  const auto marked =
      desk.set_consultation_status(stored->id, ConsultationStatus::Scheduled, "Tue 10:00");
  ASSERT_TRUE(marked) << marked.error().message;
  EXPECT_EQ(marked->updated_by, "desk.bo");
  EXPECT_EQ(marked->note, "Tue 10:00");
  EXPECT_EQ(desk.consultation_requests(ConsultationStatus::New)->size(), 0u);
  EXPECT_EQ(desk.consultation_requests(ConsultationStatus::Scheduled)->size(), 1u);
}

TEST_F(ConsultationService, ConvertingIsOneTransactionWithDemographicsOnly) {
  const auto stored = clinic_.acting_as("anonymous").submit_consultation_request(request());
  ASSERT_TRUE(stored);
  auto desk = clinic_.acting_as("desk.bo");
  const auto before = audit_count();
  Patient p;
  p.birth_date = day("1990-05-06");
  p.sex = Sex::Female;
  Patient with_weight = p;
  with_weight.weights.push_back({kToday, core::Kilograms(60.0), false});
  EXPECT_EQ(desk.convert_consultation_request(stored->id, with_weight).error().code,
            ErrorCode::InvalidArgument);
  Patient unborn = p;
  unborn.birth_date = kToday + std::chrono::days(3);
  EXPECT_EQ(desk.convert_consultation_request(stored->id, unborn).error().code,
            ErrorCode::Validation);
  EXPECT_EQ(audit_count(), before);
  EXPECT_TRUE(clinic_.patients()->empty());
  const auto converted = desk.convert_consultation_request(stored->id, p);
  ASSERT_TRUE(converted) << converted.error().message;
  EXPECT_EQ(converted->status, ConsultationStatus::Converted);
  ASSERT_TRUE(converted->patient);
  const auto patient = clinic_.patient(*converted->patient);
  ASSERT_TRUE(patient);
  EXPECT_EQ(patient->name, "Ana Example");
  EXPECT_EQ(audit_count(), before + 2);
  EXPECT_EQ(desk.convert_consultation_request(stored->id, p).error().code, ErrorCode::Conflict);
  EXPECT_EQ(audit_count(), before + 2);
}

}  // namespace
}  // namespace ketapath::clinic
