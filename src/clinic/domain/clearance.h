#pragma once
// The clearance gate: before ketamine is planned, calculated or given, the patient needs informed
// consent and a current screening that is `eligible`, or `needs_review` and cleared by a
// prescriber. Pure functions over the patient's records; ClinicService applies them on every
// path that plans or writes a dose (docs/clinic.md "Gates").
//
// Example: check_clearance(records, day("2026-11-20"), 90) on a patient screened eligible on
// 2026-11-18 with consent of 2026-11-19 passes; on 2027-02-17 (91 days) it is refused with
// "screening 1 of 2026-11-18 expired on 2027-02-16 ...".

#include <optional>
#include <string>
#include <vector>

#include "clinic/domain/ids.h"
#include "clinic/domain/screening.h"
#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

using ConsentId = core::StrongId<struct ConsentIdTag>;
using ClearanceId = core::StrongId<struct ClearanceIdTag>;

/// Informed consent for ketamine treatment, as signed on paper or in the EHR.
struct Consent {
  ConsentId id{};
  PatientId patient{};
  Date consented_on{};       ///< the day the patient signed
  std::string form_version;  ///< the consent form's version, e.g. "ketamine-iv v3 2026-01"
  std::string witness;       ///< who witnessed the signature
  Timestamp recorded_at{};
  std::string recorded_by;
};

/// A prescriber's documented clearance of a `needs_review` screening.
struct Clearance {
  ClearanceId id{};
  PatientId patient{};
  ScreeningId screening{};
  std::string reason;  ///< the prescriber's reasoning ("BP 150/92 on repeat; cardiology ok")
  Timestamp cleared_at{};
  std::string cleared_by;
};

/// What the gate looks at: the patient's consents, screenings and clearances.
struct ClearanceRecords {
  std::vector<Consent> consents;
  std::vector<ScreeningRecord> screenings;
  std::vector<Clearance> clearances;
};

/// Why a dose on a day is allowed.
struct ClearanceBasis {
  ConsentId consent{};
  ScreeningId screening{};
  Date screened_on{};
  Date valid_until{};  ///< the last day the screening counts
  Eligibility eligibility = Eligibility::Eligible;
  std::optional<ClearanceId> clearance;  ///< for a needs_review screening
};

/// The gate for `day`: the latest consent on or before it, and the latest screening done on or
/// before it, at most `validity_days` old, `eligible` or cleared. Validation error naming the
/// reason otherwise ("what" prefixes the message: "dose", "session", "course plan").
core::Result<ClearanceBasis> check_clearance(const ClearanceRecords& records, Date day,
                                             int validity_days, std::string_view what);

/// Whether a prescriber may clear this screening: it must be `needs_review` and every finding must
/// be a known one the protocol marks reviewable. An exclusion (answered yes) or any answer left
/// unknown blocks: the screening must be repeated with the answers. Validation error naming why.
core::Status check_clearable(const ScreeningRecord& screening);

/// The screening that decides on `day`: the latest done on or before it, an amended screening
/// replaced by its amendment (amendment.h); nullptr when there is none.
const ScreeningRecord* current_screening(const std::vector<ScreeningRecord>& screenings, Date day);

/// The day a screening counts from (screened_on, or the day it was recorded for older rows).
Date screening_day(const ScreeningRecord& screening);

}  // namespace ketapath::clinic
