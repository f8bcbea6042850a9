#pragma once
// Synthetic demo data: patients with weights, diagnoses and failed antidepressant trials, a
// screening, an IV loading course and a weekly maintenance course, and the sessions already due
// (vitals, GAD-7, HAM-A, CADSS, occasional adverse events), all written through ClinicService so
// every record is validated and audited. Deterministic: core::RandomStream keyed by (seed,
// patient index, Stream::Clinic). Names are invented.

#include <cstdint>
#include <vector>

#include "clinic/service.h"

namespace ketapath::clinic {

/// The demo's staff, created by fill_demo when absent.
inline constexpr const char* kDemoPrescriber = "demo.prescriber";
inline constexpr const char* kDemoNurse = "demo.nurse";

struct DemoSummary {
  std::vector<PatientId> patients;
  int courses = 0;
  int sessions = 0;
  int alerts = 0;
};

/// Creates the demo's users when absent (the acting user of `admin` becomes the first admin of a
/// database without users, else must be an admin), then fills the (initialised) database with `patients` synthetic patients whose
/// courses started 4 weeks before the service clock's today. Errors: any refusal from the service
/// (none expected), InvalidArgument for patients outside 1-500.
core::Result<DemoSummary> fill_demo(ClinicService& admin, std::uint64_t seed, int patients);

}  // namespace ketapath::clinic
