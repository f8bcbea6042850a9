#pragma once
// The patient's record in FHIR R4 (http://hl7.org/fhir/R4): one Bundle of type `collection` with
// Patient, Condition (ICD-10-CM, SNOMED CT where known), Consent, CarePlan per course, Encounter
// and MedicationAdministration (RxNorm ketamine ingredient) per session, Observations for vital
// signs (R4 vital-signs profile: BP as panel 85354-9 with 8480-6/8462-4 components, 8867-4,
// SpO2 with 2708-6 and 59408-5, weight 29463-7) and score totals (GAD-7 70274-6, PHQ-9 44261-6;
// HAM-A, LSAS, FQ and CADSS in the project's CodeSystem, included in the Bundle), the item
// answers as QuestionnaireResponse, AdverseEvent, and DetectedIssue for alerts (the
// acknowledgement as its mitigation). Units are UCUM. Every reference is a urn:uuid fullUrl of
// another entry of the same Bundle. docs/fhir.md lists every mapping.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinic/domain/assessment.h"
#include "clinic/domain/clearance.h"
#include "clinic/service/report.h"
#include "clinic/service/service.h"

namespace ketapath::clinic {

/// What the export reads: the letter's data plus consents and follow-up assessments.
struct FhirExportData {
  ReportData record;
  std::vector<Consent> consents;
  std::vector<Assessment> assessments;
};

/// Gathers the export through the use cases (each checks the acting user may read).
core::Result<FhirExportData> fhir_export_data(ClinicService& service, PatientId id);

/// The Bundle (resource order: CodeSystem, Patient, Conditions, Consents, CarePlans, then per
/// session its Encounter, MedicationAdministration, Observations, QuestionnaireResponses,
/// AdverseEvents; then follow-up ratings, weights and DetectedIssues).
nlohmann::ordered_json fhir_bundle(const FhirExportData& data);

/// The same Bundle as the result of the Patient/$everything operation, which FHIR defines as a
/// `searchset`: the Patient entry has search.mode `match`, every other entry `include`; `total`
/// counts the matches (1). Entries, identifiers and references are unchanged.
nlohmann::ordered_json fhir_searchset(nlohmann::ordered_json bundle);

/// The project's CodeSystem for scores without a LOINC code (HAM-A, LSAS, FQ, CADSS totals).
inline constexpr const char* kScoreCodeSystem = "https://fhir.ketapath.org/CodeSystem/scores";

}  // namespace ketapath::clinic
