#pragma once
// A FHIR R4 Bundle read into a patient's external history (issue 14 item 4; docs/fhir.md
// "Import"): the one Patient (name, birthDate, gender), its Conditions (ICD-10-CM), body-weight
// Observations (LOINC 29463-7) and score Observations (GAD-7 70274-6, PHQ-9 44261-6, the
// project's CodeSystem for the others) with their item answers (the QuestionnaireResponse the
// Observation is derivedFrom). Everything else a Bundle may hold (Encounters, administrations,
// other vital signs, care plans, consents, adverse events, alerts) is listed as not imported.
//
// Pure: reads a parsed JSON value (clinic::parse_json bounds the file's size and depth) and
// returns values; ClinicService::import_record validates and stores them in one transaction.
// Every refusal names `where` (the file), the entry (index and Type/id), the element and the
// value: "b.json: entry[4] Observation/w-1: valueQuantity.code: must be kg, g or [lb_av] (UCUM)
// (got "stone")". Structure (not a Bundle, a wrong JSON type) is InvalidData; content the
// clinic cannot take (a code, unit or status it does not know) is Validation.

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clinic/domain/external_record.h"
#include "core/error.h"

namespace ketapath::clinic {

/// At most this many entries in a Bundle to import.
inline constexpr std::size_t kMaxFhirImportEntries = 20000;

core::Result<ExternalRecord> external_record_from_fhir(const nlohmann::json& bundle,
                                                       std::string_view where);

/// Extensions the export writes so that a round trip keeps what FHIR has no element for.
inline constexpr const char* kPrimaryDiagnosisExtension =
    "https://fhir.ketapath.org/StructureDefinition/primary-diagnosis";
inline constexpr const char* kEstimatedWeightExtension =
    "https://fhir.ketapath.org/StructureDefinition/weight-estimated";

}  // namespace ketapath::clinic
