#pragma once
// A clinic on the in-memory store at kNow, acted by dr.lee (admin, prescriber and nurse, custody
// off), with one cleared 70-kg adult: the set-up most service tests start from.

#include <cstdint>

#include <gtest/gtest.h>

#include "clinic/service/service.h"
#include "fixtures.h"
#include "store/memory/memory_store.h"

namespace ketapath::clinic::testing {

class ClinicWithPatient : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(clinic_.initialize());
    add_staff(clinic_);
    Patient p = enrolled();
    p.id = PatientId(0);
    const auto id = clinic_.add_patient(p);
    ASSERT_TRUE(id) << id.error().message;
    patient_ = *id;
    clear_for_treatment(clinic_, patient_);
  }

  /// The patient added and cleared at set-up (a fixture may enrol another).
  [[nodiscard]] virtual Patient enrolled() const { return adult_70kg(); }

  std::int64_t audit_count() { return store_.audit().verify()->entries; }

  MemoryStore store_;
  ClinicService clinic_{store_, "dr.lee", [] {
                          return kNow;
                        }};
  PatientId patient_{};
};

}  // namespace ketapath::clinic::testing
