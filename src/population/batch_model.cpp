#include "population/batch_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "core/check.h"

namespace ketapath::population {

void BatchSubjects::push_back(const BatchSubject& s) {
  ka.push_back(s.ka.value());
  f.push_back(s.f);
  fpnk.push_back(s.fpnk);
  v1.push_back(s.v1.value());
  v2.push_back(s.v2.value());
  cl.push_back(s.cl.value());
  q.push_back(s.q.value());
  fm.push_back(s.fm);
  v_nk.push_back(s.v_nk.value());
  cl_nk.push_back(s.cl_nk.value());
  ke0.push_back(s.ke0.value());
  ec50.push_back(s.ec50.value());
  kon.push_back(s.kon.value());
  koff.push_back(s.koff.value());
  dose_scale.push_back(s.dose_scale);
}

BatchSubject BatchSubjects::at(std::size_t i) const {
  return {.ka = core::PerHour(ka.at(i)),
          .f = f.at(i),
          .fpnk = fpnk.at(i),
          .v1 = core::Litres(v1.at(i)),
          .v2 = core::Litres(v2.at(i)),
          .cl = core::LitresPerHour(cl.at(i)),
          .q = core::LitresPerHour(q.at(i)),
          .fm = fm.at(i),
          .v_nk = core::Litres(v_nk.at(i)),
          .cl_nk = core::LitresPerHour(cl_nk.at(i)),
          .ke0 = core::PerHour(ke0.at(i)),
          .ec50 = core::MilligramsPerLitre(ec50.at(i)),
          .kon = core::PerHour(kon.at(i)),
          .koff = core::PerHour(koff.at(i)),
          .dose_scale = dose_scale.at(i)};
}

void BatchSubjects::reserve(std::size_t n) {
  for (auto* v : {&ka, &f, &fpnk, &v1, &v2, &cl, &q, &fm, &v_nk, &cl_nk, &ke0, &ec50, &kon, &koff,
                  &dose_scale}) {
    v->reserve(n);
  }
}

core::Status BatchSubjects::validate() const {
  struct Field {
    const std::vector<double>* values;
    std::string_view name;
    std::string_view unit;
    core::Range range;
  };

  const Field fields[] = {
      {&ka, "KA", "1/h", core::positive()},
      {&f, "F", "", core::fraction()},
      {&fpnk, "FPNK", "", core::fraction()},
      {&v1, "V1", "L", core::positive()},
      {&v2, "V2", "L", core::positive()},
      {&cl, "CL", "L/h", core::positive()},
      {&q, "Q", "L/h", core::positive()},
      {&fm, "FM", "", core::fraction()},
      {&v_nk, "VNK", "L", core::positive()},
      {&cl_nk, "CLNK", "L/h", core::positive()},
      {&ke0, "KE0", "1/h", core::positive()},
      {&ec50, "EC50", "mg/L", core::positive()},
      {&kon, "KON", "1/h", core::non_negative()},
      {&koff, "KOFF", "1/h", core::non_negative()},
      {&dose_scale, "dose scale", "", core::positive()},
  };
  const std::size_t n = size();
  for (const Field& field : fields) {
    if (field.values->size() != n) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "batch subjects: parameter {} has {} values for {} subjects", field.name,
                        field.values->size(), n);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double v = (*field.values)[i];
      KETAPATH_TRY(core::check_range(
          [&] { return fmt::format("batch subject {}: parameter {}", i, field.name); }, v,
          field.unit, field.range, core::ErrorCode::InvalidArgument));
    }
  }
  return {};
}

std::vector<double> hourly_times(int end_h) {
  std::vector<double> times;
  times.reserve(static_cast<std::size_t>(std::max(end_h, 0)) + 1);
  for (int h = 0; h <= end_h; ++h) {
    times.push_back(static_cast<double>(h));
  }
  return times;
}

core::Result<BatchSchedule> build_schedule(const BatchProtocol& protocol,
                                           const StepOptions& options) {
  const auto& outputs = protocol.output_times_h;
  if (outputs.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "batch protocol: no output times");
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    // Each output time after the one before (the first >= 0).
    const core::Range after_previous =
        i == 0 ? core::non_negative() : core::Range{.low = outputs[i - 1], .low_open = true};
    KETAPATH_TRY(core::check_range(fmt::format("batch protocol: output time {}", i), outputs[i],
                                   "h", after_previous, core::ErrorCode::InvalidArgument));
  }
  for (std::size_t d = 0; d < protocol.doses.size(); ++d) {
    const BatchDose& dose = protocol.doses[d];
    KETAPATH_TRY(core::check_range(fmt::format("batch protocol: dose {} time", d), dose.time_h, "h",
                                   core::non_negative(), core::ErrorCode::InvalidArgument));
    KETAPATH_TRY(core::check_range(fmt::format("batch protocol: dose {} infusion duration", d),
                                   dose.duration_h, "h", core::non_negative(),
                                   core::ErrorCode::InvalidArgument));
    if (dose.duration_h > 0.0 && dose.target != DoseTarget::Central) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "batch protocol: dose {} infusion duration must be 0 unless the dose goes "
                        "into the central compartment (got {} h)",
                        d, dose.duration_h);
    }
    KETAPATH_TRY(core::check_range(fmt::format("batch protocol: dose {} amount", d), dose.amount_mg,
                                   "mg", core::non_negative(), core::ErrorCode::InvalidArgument));
  }
  if (!(options.first_step_h > 0.0) || !(options.fine_step_h >= options.first_step_h) ||
      !(options.max_step_h >= options.fine_step_h) || !(options.fine_window_h >= 0.0) ||
      !std::isfinite(options.max_step_h) || !std::isfinite(options.fine_window_h)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "batch protocol: steps must satisfy 0 < first ({} h) <= fine ({} h) <= max "
                      "({} h) and a finite fine window >= 0 (got {} h)",
                      options.first_step_h, options.fine_step_h, options.max_step_h,
                      options.fine_window_h);
  }

  const double end = outputs.back();
  std::vector<double> points{0.0};
  points.insert(points.end(), outputs.begin(), outputs.end());
  // Grading after each event that changes CE steeply (a dose, the end of an infusion):
  // geometric up to the fine step, uniform over the fine window, then geometric up to the largest.
  auto grade_after = [&](double t) {
    points.push_back(t);
    double offset = options.first_step_h;
    for (; offset < options.fine_step_h; offset *= 2.0) {
      points.push_back(t + offset);
    }
    for (; offset < options.fine_window_h; offset += options.fine_step_h) {
      points.push_back(t + offset);
    }
    // The steps double up to the largest, but a step doubles only where the offset is a multiple
    // of the doubled step (else after one step of waiting), and once it has reached half the
    // largest the ramp ends at the first multiple of the largest (or when the step is the
    // largest). With lengths that are powers of two (the defaults) it ends on the grid of the
    // largest step, so with doses on the output grid no output splits a step into two odd
    // lengths, each of which would cost matrix exponentials per subject.
    auto multiple = [](double x, double step) {
      return x / step == std::floor(x / step);
    };
    points.push_back(t + offset);
    bool waited = false;
    for (double step = options.fine_step_h;
         step < options.max_step_h &&
         !(step * 2.0 >= options.max_step_h && multiple(offset, options.max_step_h));) {
      const double doubled = std::min(step * 2.0, options.max_step_h);
      waited = !waited && !multiple(offset, doubled);
      step = waited ? step : doubled;
      offset += step;
      points.push_back(t + offset);
    }
  };
  for (const BatchDose& dose : protocol.doses) {
    if (dose.time_h <= end) {
      grade_after(dose.time_h);
    }
    if (dose.duration_h > 0.0 && dose.time_h + dose.duration_h <= end) {
      grade_after(dose.time_h + dose.duration_h);
    }
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  while (points.back() > end) {
    points.pop_back();
  }

  BatchSchedule schedule;
  schedule.protocol = protocol;
  for (const BatchDose& dose : protocol.doses) {
    schedule.delivered_fraction.push_back(
        dose.duration_h > 0.0 ? std::clamp((end - dose.time_h) / dose.duration_h, 0.0, 1.0) : 1.0);
  }
  std::map<double, std::uint32_t> width_index;
  auto add_advance = [&](double width) {
    auto [it, inserted] =
        width_index.try_emplace(width, static_cast<std::uint32_t>(schedule.widths_h.size()));
    if (inserted) {
      schedule.widths_h.push_back(width);
    }
    schedule.actions.push_back({ScheduleAction::Kind::Advance, it->second});
    ++schedule.advance_count;
  };
  std::size_t next_output = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double t = points[i];
    if (next_output < outputs.size() && outputs[next_output] == t) {
      schedule.actions.push_back(
          {ScheduleAction::Kind::Output, static_cast<std::uint32_t>(next_output)});
      ++next_output;
    }
    for (std::size_t d = 0; d < protocol.doses.size(); ++d) {
      const BatchDose& dose = protocol.doses[d];
      if (dose.duration_h > 0.0 && dose.time_h + dose.duration_h == t) {
        schedule.actions.push_back(
            {ScheduleAction::Kind::InfusionEnd, static_cast<std::uint32_t>(d)});
      }
    }
    for (std::size_t d = 0; d < protocol.doses.size(); ++d) {
      if (protocol.doses[d].time_h == t) {
        schedule.actions.push_back({ScheduleAction::Kind::Dose, static_cast<std::uint32_t>(d)});
      }
    }
    if (i + 1 < points.size()) {
      const double gap = points[i + 1] - t;
      const auto pieces =
          static_cast<std::size_t>(std::ceil(gap / options.max_step_h * (1.0 - 1e-12)));
      const double width = gap / static_cast<double>(std::max<std::size_t>(pieces, 1));
      for (std::size_t k = 0; k < std::max<std::size_t>(pieces, 1); ++k) {
        add_advance(width);
      }
    }
  }
  return schedule;
}

}  // namespace ketapath::population
