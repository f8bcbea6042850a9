#pragma once
// The one event timeline. The NM-TRAN reader (io) and dosing protocols (protocol) both build a
// SubjectTimeline of records; pk::resolve_events (pk/resolve.h) turns records plus the model's dose
// modifiers (F, ALAG, R, D) into concrete events, the only place bioavailability, lag, modelled
// rate/duration and ADDL expansion are applied. Every solver consumes only resolved events.
//
// Times are hours and amounts milligrams by convention: an NM-TRAN data set is read in its own
// units, which Ketapath calls h and mg (so CP comes out in the data's amount per volume unit).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/units.h"

namespace ketapath::pk {

/// What a record does. NONMEM EVID codes appear only in io's import/export mapping.
enum class RecordKind : std::uint8_t {
  Observation,   ///< EVID 0
  Dose,          ///< EVID 1
  Other,         ///< EVID 2: no dose; covariates may change; output if asked
  Reset,         ///< EVID 3: all compartments to zero, infusions stop
  ResetAndDose,  ///< EVID 4: reset, then dose
};

/// How a dose enters its compartment.
enum class RateKind : std::uint8_t {
  Bolus,             ///< RATE = 0
  Fixed,             ///< RATE > 0: zero-order at `rate` (duration = amount / rate)
  ModelledRate,      ///< RATE = -1: rate from the model parameter R<cmt>
  ModelledDuration,  ///< RATE = -2: duration from the model parameter D<cmt>
};

/// Steady-state dosing flag (NONMEM SS).
enum class SteadyState : std::uint8_t {
  None,       ///< SS = 0
  Reset,      ///< SS = 1: state reset to the steady state of this regimen
  Superpose,  ///< SS = 2: steady state added to the current state
};

struct DoseSpec {
  core::Milligrams amount{0.0};
  /// NONMEM compartment number (1-based); 0 means the model's default dose compartment.
  int compartment = 0;
  RateKind rate_kind = RateKind::Bolus;
  /// For RateKind::Fixed. With amount 0, SS = 1 and interval 0 this is the steady-state constant
  /// infusion at this rate.
  core::MilligramsPerHour rate{0.0};
  /// II: interval between repeated doses (ADDL) or of the steady-state regimen.
  core::Hours interval{0.0};
  /// ADDL: number of additional doses at `interval` after this one.
  int additional = 0;
  SteadyState steady_state = SteadyState::None;

  bool operator==(const DoseSpec&) const = default;
};

struct Record {
  core::Hours time{0.0};
  RecordKind kind = RecordKind::Observation;
  DoseSpec dose;  ///< meaningful for Dose and ResetAndDose
  /// NONMEM CMT on observation records (0 = central); kept for output.
  int observed_compartment = 0;
  /// Position of the record in its source (a file's physical line, header = 1), for messages.
  std::size_t source_line = 0;
  /// Values of the timeline's covariate columns on this record (empty where the data set has
  /// "." or nothing: missing is never a number).
  std::vector<std::optional<double>> covariates;

  bool operator==(const Record&) const = default;
};

/// All records of one subject, in source order (times never decrease except after a reset).
struct SubjectTimeline {
  std::string id;  ///< ID as written in the source
  std::vector<Record> records;
  std::vector<std::string> covariate_names;
};

}  // namespace ketapath::pk
