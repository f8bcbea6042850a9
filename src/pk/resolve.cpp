#include "pk/resolve.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "core/check.h"
#include "pk/simulate.h"

namespace ketapath::pk {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Processing order: epoch (segments between resets / SS=1 doses), time, class, the creating
// record's position, then position within that record.
enum Class : int { kEpochStart = 0, kImplied = 1, kExplicit = 2 };

struct Keyed {
  Event event;
  int epoch = 0;
  int klass = kExplicit;
  std::size_t order = 0;  // 2*record+1 for a record's events, 2*record for grid rows before it
  std::size_t sub = 0;
};

bool is_reset(const Record& r) {
  return r.kind == RecordKind::Reset || r.kind == RecordKind::ResetAndDose;
}

bool is_dose(const Record& r) {
  return r.kind == RecordKind::Dose || r.kind == RecordKind::ResetAndDose;
}

core::Error record_error(const Record& r, std::string message) {
  return core::Error{core::ErrorCode::InvalidData,
                     fmt::format("line {}: {}", r.source_line, message)};
}

// A record item outside its range: check_range's message in the record's context,
// "line 7: AMT must be >= 0 (got -5)" (InvalidData, like every record error).
core::Status check_item(const Record& r, std::string_view item, double value,
                        const core::Range& range) {
  if (auto in_range = core::check_range(item, value, "", range); !in_range) {
    return std::unexpected(record_error(r, std::move(in_range.error().message)));
  }
  return {};
}

class Resolver {
 public:
  Resolver(const ModelStructure& s, const ParameterValues& p, const SubjectTimeline& subject,
           std::span<const ParameterValues> per_record)
      : s_(s), p_(p), subject_(subject), per_record_(per_record) {}

  core::Status run(std::span<const core::Hours> extra_times);
  std::vector<Event> take();

 private:
  core::Status dose(std::size_t index, const Record& r, int epoch);

  void push(const Event& e, int epoch, int klass, std::size_t index, std::size_t sub) {
    keyed_.push_back({e, epoch, klass, 2 * index + 1, sub});
  }

  // The record's own dose (k = 0) and its ADDL repetitions.
  void emit_doses(std::size_t index, int epoch, int compartment, double start, double interval,
                  int additional, double amount, double rate, double duration, bool lagged);

  const ModelStructure& s_;
  // The interval record of every event (Event::interval_record), after sorting.
  void assign_interval_records(std::vector<Event>& events) const;

  const ParameterValues& p_;
  const SubjectTimeline& subject_;
  std::span<const ParameterValues> per_record_;
  std::vector<Keyed> keyed_;
  std::vector<int> record_epoch_;
  std::vector<double> epoch_end_;  // implied events later than this are cancelled
};

core::Status Resolver::run(std::span<const core::Hours> extra_times) {
  const auto& records = subject_.records;
  // Most records make one or two events (a dose, an infusion's end) and each extra time one.
  keyed_.reserve(2 * records.size() + extra_times.size());
  // Epochs and time order.
  std::vector<double> epoch_start{-kInfinity};
  std::vector<double> epoch_last{-kInfinity};
  int epoch = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    const double t = r.time.value();
    if (!std::isfinite(t)) {
      return std::unexpected(
          record_error(r, fmt::format("TIME: must be a finite number (got {})", t)));
    }
    const bool starts_epoch =
        is_reset(r) || (is_dose(r) && r.dose.steady_state == SteadyState::Reset);
    if (i > 0 && !is_reset(r) && t < records[i - 1].time.value()) {
      return std::unexpected(record_error(
          r, fmt::format("TIME: time goes backwards without an EVID 3 or 4 reset (got {} after {})",
                         t, records[i - 1].time.value())));
    }
    if (starts_epoch) {
      ++epoch;
      epoch_start.push_back(t);
      epoch_last.push_back(t);
    }
    record_epoch_.push_back(epoch);
    epoch_last[epoch] = std::max(epoch_last[epoch], t);
  }
  for (std::size_t e = 0; e < epoch_start.size(); ++e) {
    epoch_end_.push_back(e + 1 < epoch_start.size() ? std::max(epoch_last[e], epoch_start[e + 1])
                                                    : kInfinity);
  }

  for (std::size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    const int e = record_epoch_[i];
    Event base;
    base.time = r.time.value();
    base.record_index = i;
    switch (r.kind) {
      case RecordKind::Observation:
        if (r.observed_compartment < 0 || r.observed_compartment > s_.compartments) {
          return std::unexpected(
              record_error(r, fmt::format("CMT: model {} has no compartment {} (got {})", s_.model,
                                          r.observed_compartment, r.observed_compartment)));
        }
        base.action = EventAction::Output;
        push(base, e, kExplicit, i, 0);
        break;
      case RecordKind::Other:
        break;
      case RecordKind::Reset:
        base.action = EventAction::Reset;
        push(base, e, kEpochStart, i, 0);
        break;
      case RecordKind::ResetAndDose:
        base.action = EventAction::Reset;
        push(base, e, kEpochStart, i, 0);
        KETAPATH_TRY(dose(i, r, e));
        break;
      case RecordKind::Dose:
        KETAPATH_TRY(dose(i, r, e));
        break;
    }
  }

  // Extra output times: before the first record whose time exceeds them (data rows first on ties).
  std::vector<double> grid;
  for (core::Hours h : extra_times) {
    KETAPATH_TRY(core::check_range("output time", h.value(), "", core::Range{},
                                   core::ErrorCode::InvalidArgument));
    grid.push_back(h.value());
  }
  std::stable_sort(grid.begin(), grid.end());
  for (double g : grid) {
    std::size_t r = 0;
    while (r < records.size() && records[r].time.value() <= g)
      ++r;
    Event out;
    out.time = g;
    out.action = EventAction::Output;
    out.record_index = kGridRow;
    const int e = r > 0 ? record_epoch_[r - 1] : 0;
    keyed_.push_back({out, e, kExplicit, 2 * r, 0});
  }
  return {};
}

core::Status Resolver::dose(std::size_t index, const Record& r, int epoch) {
  const DoseSpec& d = r.dose;
  const int cmt_number = d.compartment == 0 ? s_.default_dose + 1 : d.compartment;
  if (cmt_number < 1 || cmt_number > s_.compartments) {
    return std::unexpected(
        record_error(r, fmt::format("CMT: model {} has no compartment {} (got {})", s_.model,
                                    cmt_number, d.compartment)));
  }
  const int cmt = cmt_number - 1;
  const double amt = d.amount.value();
  const ParameterValues& p = per_record_.empty() ? p_ : per_record_[index];
  KETAPATH_TRY(check_item(r, "AMT", amt, core::non_negative()));
  if (auto addl = core::check_count("ADDL", d.additional, "", 0); !addl) {
    return std::unexpected(
        record_error(r, addl.error().message + " (the empirical steady state is not supported)"));
  }
  const double ii = d.interval.value();
  KETAPATH_TRY(check_item(r, "II", ii, core::non_negative()));
  const double f = dose_modifier(p, "F", cmt_number).value_or(1.0);
  const double lag = dose_modifier(p, "ALAG", cmt_number).value_or(0.0);

  // The input rate for RATE > 0 or -1 (before bioavailability, which changes the duration).
  double given_rate = 0.0;
  if (d.rate_kind == RateKind::Fixed) {
    given_rate = d.rate.value();
    KETAPATH_TRY(check_item(r, "RATE", given_rate, core::positive()));
  } else if (d.rate_kind == RateKind::ModelledRate) {
    const auto rn = dose_modifier(p, "R", cmt_number);
    if (!rn) {
      return std::unexpected(record_error(
          r, fmt::format("RATE: -1 needs the modelled rate parameter R{} (got RATE=-1 and no R{})",
                         cmt_number, cmt_number)));
    }
    given_rate = *rn;
  }

  const bool constant_infusion = d.steady_state != SteadyState::None && amt == 0.0 && ii == 0.0;
  if (constant_infusion) {
    if (d.rate_kind != RateKind::Fixed && d.rate_kind != RateKind::ModelledRate) {
      return std::unexpected(record_error(
          r,
          "RATE: a steady-state constant infusion (AMT=0, II=0) needs RATE > 0 or -1 (got "
          "a bolus or RATE=-2)"));
    }
    if (d.additional != 0) {
      return std::unexpected(record_error(
          r, fmt::format("ADDL: must be 0 for a steady-state constant infusion (got {})",
                         d.additional)));
    }
    Event e;
    e.time = r.time.value();
    e.action = EventAction::SteadyState;
    e.record_index = index;
    // F does not apply to a steady-state infusion, and (PREDPP guide, "SS dose event record") the
    // infusion terminates at the record's time: nothing is scheduled after it.
    e.regimen = {.superpose = d.steady_state == SteadyState::Superpose,
                 .constant_infusion = true,
                 .compartment = cmt,
                 .rate = given_rate};
    push(e, epoch, e.regimen.superpose ? kExplicit : kEpochStart, index, 0);
    return {};
  }
  if (!(amt > 0.0)) {
    return std::unexpected(record_error(
        r, "AMT: a dose needs AMT > 0 unless it is a steady-state constant infusion (got 0)"));
  }
  if (d.additional > 0 && ii <= 0.0) {
    return std::unexpected(
        record_error(r, fmt::format("II: ADDL={} needs II > 0 (got {})", d.additional, ii)));
  }

  const double delivered = f * amt;
  double rate = 0.0;
  double duration = 0.0;
  switch (d.rate_kind) {
    case RateKind::Bolus:
      break;
    case RateKind::Fixed:
    case RateKind::ModelledRate:
      rate = given_rate;  // NONMEM keeps the rate; F changes the duration
      duration = delivered / rate;
      break;
    case RateKind::ModelledDuration: {
      const auto dn = dose_modifier(p, "D", cmt_number);
      if (!dn) {
        return std::unexpected(record_error(
            r, fmt::format(
                   "RATE: -2 needs the modelled duration parameter D{} (got RATE=-2 and no D{})",
                   cmt_number, cmt_number)));
      }
      duration = *dn;  // the duration is kept; F changes the rate
      rate = delivered / duration;
      break;
    }
  }
  const bool infusion = d.rate_kind != RateKind::Bolus;
  const double t = r.time.value();

  if (d.steady_state != SteadyState::None) {
    if (!(ii > 0.0)) {
      return std::unexpected(record_error(
          r, fmt::format("II: a steady-state dose with AMT > 0 needs II > 0 (got {})", ii)));
    }
    if (lag > ii) {
      return std::unexpected(record_error(
          r, fmt::format("ALAG{}: the lag of a steady-state dose must not exceed II={} (got {})",
                         cmt_number, ii, lag)));
    }
    const double phase = ii - lag;  // time since the last implied dose entered
    Event e;
    e.time = t;
    e.action = EventAction::SteadyState;
    e.record_index = index;
    e.regimen = {.superpose = d.steady_state == SteadyState::Superpose,
                 .constant_infusion = false,
                 .compartment = cmt,
                 .amount = infusion ? 0.0 : delivered,
                 .rate = infusion ? rate : 0.0,
                 .duration = duration,
                 .interval = ii,
                 .phase = phase};
    push(e, epoch, e.regimen.superpose ? kExplicit : kEpochStart, index, 0);
    // Implied infusions still running at the record time (duration > II - ALAG): the k-th
    // previous one entered at t - phase - (k-1) II.
    if (infusion && rate > 0.0) {
      for (int k = 1;; ++k) {
        const double end = t - phase - (k - 1) * ii + duration;
        if (!(end > t))
          break;
        Event on;
        on.time = t;
        on.action = EventAction::RateChange;
        on.compartment = cmt;
        on.rate = rate;
        on.record_index = index;
        push(on, epoch, kExplicit, index, static_cast<std::size_t>(k));
        Event off = on;
        off.time = end;
        off.rate = -rate;
        push(off, epoch, kImplied, index, static_cast<std::size_t>(k));
      }
    }
  }
  emit_doses(index, epoch, cmt, t + lag, ii, d.additional, delivered, rate, duration, lag > 0.0);
  return {};
}

void Resolver::emit_doses(std::size_t index, int epoch, int compartment, double start,
                          double interval, int additional, double amount, double rate,
                          double duration, bool lagged) {
  constexpr std::size_t kDoseSub = 1000;  // after a steady-state event and its remnant infusions
  if (!(amount > 0.0))
    return;  // F = 0: nothing enters, no events
  for (int k = 0; k <= additional; ++k) {
    const double when = start + k * interval;
    const int klass = (k == 0 && !lagged) ? kExplicit : kImplied;
    const std::size_t sub = kDoseSub + 2 * static_cast<std::size_t>(k);
    Event e;
    e.time = when;
    e.compartment = compartment;
    e.record_index = index;
    if (duration > 0.0) {
      e.action = EventAction::RateChange;
      e.rate = rate;
      push(e, epoch, klass, index, sub);
      Event off = e;
      off.time = when + duration;
      off.rate = -rate;
      push(off, epoch, kImplied, index, sub + 1);
    } else {
      e.action = EventAction::Bolus;
      e.amount = amount;
      push(e, epoch, klass, index, sub);
    }
  }
}

std::vector<Event> Resolver::take() {
  // Pending implied events of an epoch are cancelled by the reset (or SS=1 dose) that ends it.
  std::erase_if(keyed_, [&](const Keyed& k) {
    return k.klass == kImplied && k.event.time > epoch_end_[static_cast<std::size_t>(k.epoch)];
  });
  // Sorted by index: a Keyed is about 120 bytes, and a subject with an hourly grid has thousands.
  std::vector<std::uint32_t> position(keyed_.size());
  std::iota(position.begin(), position.end(), 0U);
  std::stable_sort(position.begin(), position.end(), [this](std::uint32_t i, std::uint32_t j) {
    const Keyed& a = keyed_[i];
    const Keyed& b = keyed_[j];
    if (a.epoch != b.epoch)
      return a.epoch < b.epoch;
    if (a.event.time != b.event.time)
      return a.event.time < b.event.time;
    if (a.klass != b.klass)
      return a.klass < b.klass;
    if (a.order != b.order)
      return a.order < b.order;
    return a.sub < b.sub;
  });
  std::vector<Event> events;
  events.reserve(keyed_.size());
  for (const std::uint32_t i : position)
    events.push_back(keyed_[i].event);
  assign_interval_records(events);
  return events;
}

void Resolver::assign_interval_records(std::vector<Event>& events) const {
  const auto& records = subject_.records;
  if (records.empty())
    return;
  // Covariate epochs: [start, end) record ranges split at EVID 3/4 records; times do not
  // decrease inside one. Events arrive epoch by epoch in time order.
  std::size_t start = 0;
  std::size_t end = 1;
  auto extend = [&] {
    end = start + 1;
    while (end < records.size() && !is_reset(records[end]))
      ++end;
  };
  extend();
  for (Event& e : events) {
    if (e.action == EventAction::Reset && e.record_index != kGridRow && e.record_index >= end) {
      start = e.record_index;
      extend();
    }
    const auto first = records.begin() + static_cast<std::ptrdiff_t>(start);
    const auto last = records.begin() + static_cast<std::ptrdiff_t>(end);
    const auto next = std::lower_bound(
        first, last, e.time, [](const Record& r, double t) { return r.time.value() < t; });
    e.interval_record = next == last ? end - 1 : static_cast<std::size_t>(next - records.begin());
  }
}

}  // namespace

core::Result<std::vector<Event>> resolve_events(const ModelStructure& structure,
                                                const ParameterValues& parameters,
                                                const SubjectTimeline& subject,
                                                std::span<const core::Hours> extra_times,
                                                std::span<const ParameterValues> per_record) {
  if (!per_record.empty() && per_record.size() != subject.records.size()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "ID {}: {} records but {} per-record parameter sets", subject.id,
                      subject.records.size(), per_record.size());
  }
  Resolver resolver(structure, parameters, subject, per_record);
  KETAPATH_TRY(resolver.run(extra_times));
  return resolver.take();
}

}  // namespace ketapath::pk
