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

struct DemoSummary {
  std::vector<PatientId> patients;
  int courses = 0;
  int sessions = 0;
  int alerts = 0;
};

/// Fills the (initialised) database behind `service` with `patients` synthetic patients whose
/// courses started 4 weeks before the service clock's today. Errors: any refusal from the service
/// (none expected), InvalidArgument for patients outside 1-500.
core::Result<DemoSummary> fill_demo(ClinicService& service, std::uint64_t seed, int patients);

}  // namespace ketapath::clinic
