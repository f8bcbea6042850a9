#pragma once
// Event resolution: the ONE place where NM-TRAN dose semantics are applied. From a subject's
// records and the model's dose modifiers it produces the ordered list of concrete events every
// solver executes: bioavailability F<n> (default 1), lag ALAG<n> (default 0), fixed and modelled
// rates and durations (RATE > 0, -1 with R<n>, -2 with D<n>), ADDL/II expansion, EVID 3/4 resets,
// steady state (SS 1/2, bolus, infusion including duration > II, and the constant infusion),
// cancellation of pending doses by resets, and the order of events at the same time.
//
// Ordering rule (docs/pk-solvers.md): explicit records are processed in file order. An implied
// event (an ADDL dose, a lagged dose entering, an infusion ending) at the same time as an explicit
// record happens BEFORE that record, as NONMEM does (an observation at the time of an ADDL dose
// sees the dose). Implied events at the same time keep the order of the records that created them.
// An EVID 3/4 record or an SS=1 dose cancels everything still pending from earlier records.

#include <cstddef>
#include <span>
#include <vector>

#include "core/error.h"
#include "pk/event_timeline.h"
#include "pk/model.h"
#include "pk/structure.h"

namespace ketapath::pk {

enum class EventAction : std::uint8_t {
  Reset,        ///< all amounts, CE and running infusions to zero
  SteadyState,  ///< set (SS=1) or add (SS=2) the steady state of a regimen
  Bolus,        ///< amount enters a compartment
  RateChange,   ///< a zero-order input starts (rate > 0) or stops (rate < 0)
  Output,       ///< an output row: an observation record or an extra time
};

/// A regimen at steady state, as seen at the record time.
struct SteadyStateRegimen {
  bool superpose = false;          ///< SS=2: add to the current state; SS=1: replace it
  bool constant_infusion = false;  ///< AMT=0, RATE>0, II=0: infusion running since -infinity
  int compartment = 0;             ///< 0-based
  double amount = 0.0;             ///< mg entering per bolus dose (F applied); 0 for infusions
  double rate = 0.0;               ///< mg/h for infusions
  double duration = 0.0;           ///< h, infusion duration (may exceed the interval)
  double interval = 0.0;           ///< h, II
  double phase = 0.0;              ///< h since the last implied dose entered (II - ALAG)
};

struct Event {
  double time = 0.0;  ///< h
  EventAction action = EventAction::Output;
  int compartment = 0;           ///< 0-based, Bolus and RateChange
  double amount = 0.0;           ///< mg, Bolus
  double rate = 0.0;             ///< mg/h, RateChange (negative: stop)
  std::size_t record_index = 0;  ///< source record; kGridRow for extra output times
  /// The record whose data govern the interval that ends at this event (NONMEM's rule for
  /// time-varying data: next observation carried backward): the first record in file order, in
  /// the same EVID 3/4 epoch, whose time is >= this event's; past the epoch's last record, that
  /// record. A model whose parameters change from record to record (a user model with a
  /// time-varying covariate) advances to this event with this record's parameters.
  std::size_t interval_record = 0;
  SteadyStateRegimen regimen;  ///< SteadyState
};

/// Resolves one subject's records into events in processing order. `extra_times` are output
/// times without records, each placed just before the first record whose time exceeds it. Errors
/// (InvalidData) name the record: "line 7: CMT: model two_cmt has no compartment 3 (got 3)".
/// `per_record`, when not empty, holds each record's own parameter values (one per record): a
/// dose's modifiers F, ALAG, R and D are then taken from its record, as NONMEM evaluates $PK at
/// every record; otherwise every dose uses `parameters`.
core::Result<std::vector<Event>> resolve_events(const ModelStructure& structure,
                                                const ParameterValues& parameters,
                                                const SubjectTimeline& subject,
                                                std::span<const core::Hours> extra_times = {},
                                                std::span<const ParameterValues> per_record = {});

}  // namespace ketapath::pk
