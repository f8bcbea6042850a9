#pragma once
// The patient's current medications (issue 15 item 5): an append-only log of starts, stops and
// reconciliations (a nurse or prescriber goes through the list with the patient at a visit),
// from which the list on any day is derived; and the sourced interaction table that warns at
// ordering and in the session (docs/clinic.md "Medications and interactions").
//
// Example:
//   for (const auto& w : interaction_warnings(active_medications(patient.medications, today)))
//     fmt::print("{}\n", w.text);

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

enum class MedicationAction { Start, Stop, Reconcile };  ///< "start", "stop", "reconcile"

/// One entry of a patient's medication log.
struct MedicationEntry {
  MedicationAction action = MedicationAction::Start;
  std::string name{};       ///< generic name ("lorazepam"); start and stop
  std::string dose{};       ///< "1 mg" (start)
  std::string frequency{};  ///< "at night", "twice daily" (start)
  Date on{};              ///< started, stopped or reconciled on
  std::string note{};       ///< reconcile: what was checked ("no changes", "stopped ibuprofen")
  Timestamp recorded_at{};
  std::string recorded_by{};
};

std::string_view to_string(MedicationAction action);
core::Result<MedicationAction> parse_medication_action(std::string_view text);

/// A medication taken on a day: its start entry (the latest start of the name not stopped since).
struct ActiveMedication {
  std::string name{};
  std::string dose{};
  std::string frequency{};
  Date started_on{};
};

/// The medications taken on `on` (started on or before it and not stopped on or before it),
/// by name; a name started twice without a stop counts once (the later start).
std::vector<ActiveMedication> active_medications(const std::vector<MedicationEntry>& log, Date on);

/// The latest reconciliation on or before `on`.
std::optional<Date> last_reconciled(const std::vector<MedicationEntry>& log, Date on);

/// Checks an entry against the log before it (`today` bounds the date): a name (1-100 characters)
/// for start and stop, dose and frequency at most 100, a note at most 500 (required to
/// reconcile); a stop names a medication active on its day. Validation naming the field.
core::Status validate_medication_entry(const MedicationEntry& entry,
                                       const std::vector<MedicationEntry>& log, Date today);

/// One class of the interaction table.
struct InteractionClass {
  std::string_view name;                  ///< "benzodiazepine"
  std::string_view effect;                ///< what it does with ketamine
  std::string_view advice;                ///< what to consider
  std::string_view source;                ///< citation (docs/clinic.md lists them)
  std::vector<std::string_view> members;  ///< generic names, lowercase
};

/// The table (docs/clinic.md): benzodiazepines and lamotrigine (a weaker response), stimulants,
/// MAO inhibitors and other pressor drugs (a larger blood-pressure rise), opioids and other
/// sedatives (more sedation and respiratory depression), strong CYP3A4 inhibitors (higher levels).
const std::vector<InteractionClass>& interaction_table();

struct InteractionWarning {
  std::string medication{};
  std::string_view interaction;  ///< the class name
  std::string text{};              ///< the whole warning, with its source
};

/// The warnings for the medications taken (matched by generic name, case-insensitive; a name
/// like "lorazepam 1 mg" or "Ativan (lorazepam)" matches by word).
std::vector<InteractionWarning> interaction_warnings(const std::vector<ActiveMedication>& active);

/// What a dose path warns on the treatment day `on`: each interaction of the list that day, and a
/// list never reconciled or not reconciled that day (issue 15: reconciled at each visit).
std::vector<std::string> medication_warnings(const std::vector<MedicationEntry>& log, Date on);

}  // namespace ketapath::clinic
