#pragma once
// A patient's history from another system (issue 14 item 4): demographics, diagnoses, dated
// weights and rating-scale answers, as read from a FHIR R4 Bundle by clinic/fhir/fhir_import.h
// and stored by ClinicService::import_record in ONE transaction (a refusal stores nothing).
//
// Imported ratings are external history: stored as follow-up assessments (shown in the chart
// and the letter, used for response and forecasts), never as doses or sessions given here, so
// no dosing gate applies to them. Each part carries where it came from ("entry[4]
// Observation/weight-1"), so a refusal by the clinic's own validation still names the resource.

#include <string>
#include <vector>

#include "clinic/domain/patient.h"
#include "clinic/domain/scales.h"

namespace ketapath::clinic {

template <class T>
struct Sourced {
  T value;
  std::string source;  ///< "entry[4] Observation/weight-1"
};

struct ExternalRecord {
  std::string origin;  ///< "FHIR Bundle patient-3-export" (kept in the audit and the notes)
  Patient patient;     ///< name, birth date, sex; weights and diagnoses are below
  std::string patient_source;
  std::vector<Sourced<Diagnosis>> diagnoses;
  std::vector<Sourced<WeightRecord>> weights;
  std::vector<Sourced<ScaleRating>> ratings;  ///< items as answered; the total is recomputed
  /// What the source held that is not imported, one line per kind ("2 Encounter (sessions
  /// given elsewhere are not doses given here)"), for the user and the audit.
  std::vector<std::string> not_imported;
};

}  // namespace ketapath::clinic
