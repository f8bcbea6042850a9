#include "protocol/regimen.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/check.h"
#include "core/limits.h"

namespace ketapath::protocol {

core::Milligrams DoseAmount::for_weight(core::Kilograms weight) const {
  if (const auto* per_kg = std::get_if<core::MilligramsPerKilogram>(&amount_)) {
    return *per_kg * weight;
  }
  return std::get<core::Milligrams>(amount_);
}

double DoseAmount::number() const {
  return std::visit([](auto amount) { return amount.value(); }, amount_);
}

std::string DoseAmount::describe() const {
  return fmt::format("{:g} {}", number(), unit());
}

namespace {

std::string phase_name(const Regimen& regimen, std::size_t p) {
  const std::string& label = regimen.phases[p].label;
  return label.empty() ? fmt::format("phase {}", p + 1) : fmt::format("phase \"{}\"", label);
}

core::Status validate_phase(const Regimen& regimen, std::size_t p) {
  const Phase& phase = regimen.phases[p];
  const std::string where = "regimen: " + phase_name(regimen, p);
  const std::size_t n = phase.schedule.times.size();
  if (n == 0) {
    return core::fail(core::ErrorCode::InvalidArgument, "{}: schedule has no dose times", where);
  }
  if (phase.doses.size() != 1 && phase.doses.size() != n) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: needs 1 dose or one per scheduled time ({}) (got {})", where, n,
                      phase.doses.size());
  }
  for (const DoseAmount& dose : phase.doses) {
    const double x = dose.number();
    const bool ketamine = phase.agent == Agent::Ketamine;
    if (!std::isfinite(x) || x < 0.0 || (ketamine && x == 0.0)) {
      return core::fail(core::ErrorCode::InvalidArgument, "{}: dose must be {} (got {})", where,
                        ketamine ? "> 0" : ">= 0", dose.describe());
    }
  }
  const double duration = phase.infusion_duration.value();
  KETAPATH_TRY(core::check_range(where + ": infusion duration", duration, "h", core::non_negative(),
                                 core::ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range(where + ": infusion duration", duration * 60.0, "min",
                                 {.high = core::limits::kMaxInfusionMinutes},
                                 core::ErrorCode::LimitExceeded));
  if (duration > 0.0 && phase.route != Route::Iv) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: only iv doses can be infused (got route {} with duration {} h)", where,
                      route_name(phase.route), duration);
  }
  const double delay = phase.delay.value();
  KETAPATH_TRY(core::check_range(where + ": delay", delay, "h", core::non_negative(),
                                 core::ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range(where + ": delay", delay, "h",
                                 {.high = core::limits::kMaxScheduleHours},
                                 core::ErrorCode::LimitExceeded));
  if (phase.schedule.length < phase.schedule.times.back()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "{}: schedule length {} h is before its last dose at {} h", where,
                      phase.schedule.length.value(), phase.schedule.times.back().value());
  }
  return {};
}

// Sessions without validation; callers validate first.
std::vector<Administration> unchecked_administrations(const Regimen& regimen) {
  std::vector<Administration> out;
  core::Hours start{0.0};
  for (std::size_t p = 0; p < regimen.phases.size(); ++p) {
    const Phase& phase = regimen.phases[p];
    start += phase.delay;
    for (std::size_t k = 0; k < phase.schedule.times.size(); ++k) {
      Administration a;
      a.time = start + phase.schedule.times[k];
      a.agent = phase.agent;
      a.route = phase.route;
      a.dose = phase.doses.size() == 1 ? phase.doses.front() : phase.doses[k];
      a.infusion_duration = phase.infusion_duration;
      a.phase = p;
      a.index = out.size();
      out.push_back(a);
    }
    start += phase.schedule.length;
  }
  return out;
}

}  // namespace

core::Status validate(const Regimen& regimen) {
  if (regimen.phases.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "regimen: has no phases");
  }
  for (std::size_t p = 0; p < regimen.phases.size(); ++p) {
    KETAPATH_TRY(validate_phase(regimen, p));
  }
  long long doses = 0;
  for (const Phase& phase : regimen.phases) {
    doses += static_cast<long long>(phase.schedule.times.size());
  }
  KETAPATH_TRY(core::check_count("regimen: doses over all phases", doses, "doses", 1,
                                 core::limits::kMaxDosesPerRegimen,
                                 core::ErrorCode::LimitExceeded));
  const std::vector<Administration> sessions = unchecked_administrations(regimen);
  KETAPATH_TRY(core::check_range("regimen: last session", sessions.back().time.value(), "h",
                                 {.high = core::limits::kMaxSimulatedHours},
                                 core::ErrorCode::LimitExceeded));
  for (std::size_t i = 1; i < sessions.size(); ++i) {
    if (!(sessions[i].time > sessions[i - 1].time)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "regimen: {} starts at {} h, not after the previous session at {} h",
                        phase_name(regimen, sessions[i].phase), sessions[i].time.value(),
                        sessions[i - 1].time.value());
    }
  }
  return {};
}

core::Result<std::vector<Administration>> administrations(const Regimen& regimen) {
  KETAPATH_TRY(validate(regimen));
  return unchecked_administrations(regimen);
}

core::Hours regimen_length(const Regimen& regimen) {
  core::Hours end{0.0};
  for (const Phase& phase : regimen.phases) {
    end += phase.delay + phase.schedule.length;
  }
  return end;
}

core::Result<pk::SubjectTimeline> build_timeline(const Regimen& regimen, core::Kilograms weight,
                                                 const RouteCompartments& compartments,
                                                 std::span<const core::Hours> observation_times,
                                                 std::string id) {
  KETAPATH_TRY(core::check_range("regimen: body weight", weight.value(), "kg", core::positive(),
                                 core::ErrorCode::InvalidArgument));
  const std::vector<Administration> sessions = KETAPATH_TRY(administrations(regimen));

  std::vector<pk::Record> doses;
  for (const Administration& a : sessions) {
    if (a.agent != Agent::Ketamine) {
      continue;
    }
    const int cmt = compartments[a.route];
    if (cmt < 0) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "regimen: the model has no dose compartment for route {}",
                        route_name(a.route));
    }
    pk::Record record;
    record.time = a.time;
    record.kind = pk::RecordKind::Dose;
    record.dose.amount = a.dose.for_weight(weight);
    record.dose.compartment = cmt;
    if (a.infusion_duration.value() > 0.0) {
      record.dose.rate_kind = pk::RateKind::Fixed;
      record.dose.rate = record.dose.amount / a.infusion_duration;
    }
    doses.push_back(std::move(record));
  }

  std::vector<core::Hours> obs(observation_times.begin(), observation_times.end());
  for (core::Hours t : obs) {
    KETAPATH_TRY(core::check_range("regimen: observation time", t.value(), "h",
                                   core::non_negative(), core::ErrorCode::InvalidArgument));
  }
  std::ranges::stable_sort(obs);

  // Merge in time order; on ties the observation goes first (pre-dose rating).
  pk::SubjectTimeline timeline;
  timeline.id = std::move(id);
  timeline.records.reserve(doses.size() + obs.size());
  std::size_t d = 0;
  for (core::Hours t : obs) {
    while (d < doses.size() && doses[d].time < t) {
      timeline.records.push_back(doses[d++]);
    }
    pk::Record record;
    record.time = t;
    record.kind = pk::RecordKind::Observation;
    timeline.records.push_back(std::move(record));
  }
  while (d < doses.size()) {
    timeline.records.push_back(doses[d++]);
  }
  return timeline;
}

}  // namespace ketapath::protocol
