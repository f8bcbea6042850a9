#pragma once
// Synthetic demo data: patients with weights, diagnoses and failed antidepressant trials, a
// screening, an IV loading course, the sessions already due (vitals, pre-dose GAD-7 and HAM-A,
// CADSS, a post-dose HAM-A, occasional adverse events), follow-up GAD-7s 24 h and 7 days after the
// last loading infusion, and, for patients whose response the clinic's rule supports, a weekly
// maintenance course after the loading course completed. The stories a clinic must handle are
// included: patient 2 has a severe adverse event (alerts raised and acknowledged), patient 3 does
// not respond and is not put on maintenance, patient 4 answers PHQ-9 item 9 above 0 at a
// follow-up (urgent alert, acknowledged with the suicide risk assessment). All written through
// ClinicService, so every record is validated and audited. Deterministic: core::RandomStream
// keyed by (seed, patient index, Stream::Clinic). Names are invented.

#include <cstdint>
#include <string>
#include <vector>

#include "clinic/service/service.h"

namespace ketapath::clinic {

/// The demo's staff, created by fill_demo when absent.
inline constexpr const char* kDemoPrescriber = "demo.prescriber";
inline constexpr const char* kDemoNurse = "demo.nurse";

struct DemoSummary {
  std::vector<PatientId> patients;
  int courses = 0;
  int sessions = 0;
  int alerts = 0;
  int assessments = 0;
  int maintenance = 0;               ///< maintenance courses planned after a supported response
  std::vector<std::string> stories;  ///< one line per notable event, for the CLI
};

/// Creates the demo's users when absent (the acting user of `admin` becomes the first admin of a
/// database without users, else must be an admin), then fills the (initialised) database with
/// `patients` synthetic patients whose courses started 4 weeks before the service clock's today.
/// Errors: any refusal from the service (none expected), InvalidArgument for patients outside
/// 1-500.
core::Result<DemoSummary> fill_demo(ClinicService& admin, std::uint64_t seed, int patients);

}  // namespace ketapath::clinic
