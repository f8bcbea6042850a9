// Audit anchors: a point of the chain kept outside the database finds a restored older copy (which
// the head HMAC alone cannot, because the copy carries its own valid head) and a rewritten entry.

#include <gtest/gtest.h>

#include "store/memory/memory_store.h"
#include "clinic/service/service.h"
#include "fixtures.h"

namespace ketapath::clinic {
namespace {

using namespace testing;

TEST(AuditAnchor, ParsesWhatVerifyPrintsAndNamesWhatIsWrong) {
  const std::string hash(64, 'a');
  const auto ok = parse_audit_anchor("12:" + hash);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->sequence, 12);
  EXPECT_EQ(ok->hash, hash);
  for (const std::string bad :
       {"12" + hash, "0:" + hash, "-3:" + hash, "x:" + hash, std::string("12:abc"),
        "12:" + std::string(64, 'A'), "12:" + std::string(129, 'a')}) {
    const auto r = parse_audit_anchor(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, core::ErrorCode::InvalidArgument);
  }
  EXPECT_NE(parse_audit_anchor("12:abc").error().message.find("lowercase hex"), std::string::npos);
}

// Three patients added in the same order at the same clock give the same chain in any store.
struct Clinic {
  MemoryStore store;
  ClinicService service{store, "dr.lee", [] {
                          return kNow;
                        }};

  explicit Clinic(int patients) {
    EXPECT_TRUE(service.initialize());
    add_staff(service);
    for (int i = 0; i < patients; ++i) {
      Patient p = adult_70kg();
      p.id = PatientId(0);
      p.name = "Patient " + std::to_string(i);
      EXPECT_TRUE(service.add_patient(p));
    }
  }
};

TEST(AuditAnchor, RestoredOlderCopyIsFoundOnlyWithTheAnchor) {
  Clinic today(3);
  const auto v = today.service.verify_audit();
  ASSERT_TRUE(v && v->intact);
  const auto anchor = parse_audit_anchor(anchor_text(*v));
  ASSERT_TRUE(anchor) << anchor_text(*v);

  Clinic restored(2);  // the same first writes: an older backup of the same database
  const auto plain = restored.service.verify_audit();
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->intact);  // the known limit of the chain and head on their own
  const auto checked = restored.service.verify_audit(*anchor);
  ASSERT_TRUE(checked);
  EXPECT_FALSE(checked->intact);
  ASSERT_EQ(checked->problems.size(), 1u);
  EXPECT_NE(checked->problems[0].find("removed"), std::string::npos) << checked->problems[0];

  // An anchor inside the restored log still matches: an older anchor proves nothing was lost
  // before it.
  const auto older = restored.service.verify_audit(*parse_audit_anchor(anchor_text(*plain)));
  ASSERT_TRUE(older);
  EXPECT_TRUE(older->intact);
  const auto same = today.service.verify_audit(*anchor);
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->intact);
}

TEST(AuditAnchor, RewrittenEntryIsFound) {
  Clinic a(2);
  const auto anchor = parse_audit_anchor(anchor_text(*a.service.verify_audit()));
  ASSERT_TRUE(anchor);
  Clinic b(1);  // same first entry, then a different second write
  Patient other = adult_70kg();
  other.id = PatientId(0);
  other.name = "Someone Else";
  ASSERT_TRUE(b.service.add_patient(other));
  const auto v = b.service.verify_audit(*anchor);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->intact);
  ASSERT_EQ(v->problems.size(), 1u);
  EXPECT_NE(v->problems[0].find("rewritten"), std::string::npos) << v->problems[0];
}

}  // namespace
}  // namespace ketapath::clinic
