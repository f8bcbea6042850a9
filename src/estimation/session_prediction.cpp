#include "estimation/session_prediction.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"
#include "population/virtual_patient.h"

namespace ketapath::estimation {
namespace {

using core::ErrorCode;

/// Hyndman-Fan type 7 quantile of sorted values.
double quantile(const std::vector<double>& sorted, double p) {
  const double h = (static_cast<double>(sorted.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// values[draw][time] -> the band over draws at each time.
Band band_of(const std::vector<std::vector<double>>& values, std::size_t times) {
  Band b;
  std::vector<double> column(values.size());
  for (std::size_t t = 0; t < times; ++t) {
    for (std::size_t d = 0; d < values.size(); ++d) {
      column[d] = values[d][t];
    }
    std::sort(column.begin(), column.end());
    b.lower95.push_back(quantile(column, 0.025));
    b.lower80.push_back(quantile(column, 0.10));
    b.median.push_back(quantile(column, 0.5));
    b.upper80.push_back(quantile(column, 0.90));
    b.upper95.push_back(quantile(column, 0.975));
  }
  return b;
}

core::Status check_input(const SessionPredictionInput& in) {
  if (!(in.dose.amount.value() > 0.0) || !std::isfinite(in.dose.amount.value())) {
    return core::fail(ErrorCode::InvalidArgument, "session prediction: dose {} mg is not positive",
                      in.dose.amount.value());
  }
  for (const auto& d : in.earlier) {
    if (!std::isfinite(d.time.value()) || d.time.value() >= 0.0) {
      return core::fail(ErrorCode::InvalidArgument,
                        "session prediction: an earlier dose at {} h is not before this one",
                        d.time.value());
    }
  }
  KETAPATH_TRY(core::check_count("session prediction: draws", in.draws, "", 50, 5000,
                                 ErrorCode::InvalidArgument));
  if (!(in.step.value() > 0.0) || !(in.horizon.value() > 0.0) ||
      in.horizon.value() / in.step.value() > 2000.0) {
    return core::fail(ErrorCode::InvalidArgument,
                      "session prediction: horizon {} h in steps of {} h is not a grid of at most "
                      "2,000 points",
                      in.horizon.value(), in.step.value());
  }
  return {};
}

/// Vitals times: before, around the predicted systolic peak, the end of dosing, then every
/// 30 min to discharge; sorted, none within 5 min of another.
std::vector<core::Hours> vitals_times(double peak, double dose_end, double discharge) {
  std::vector<double> t = {0.0, peak - 0.25, peak, peak + 0.25, dose_end};
  for (double x = dose_end + 0.5; x < discharge - 1e-9; x += 0.5) {
    t.push_back(x);
  }
  t.push_back(discharge);
  std::sort(t.begin(), t.end());
  std::vector<core::Hours> out;
  for (const double x : t) {
    if (x < 0.0 || (!out.empty() && x - out.back().value() < 5.0 / 60.0 - 1e-9)) {
      continue;
    }
    out.emplace_back(x);
  }
  return out;
}

}  // namespace

core::Result<SessionPrediction> predict_session(const pd::KetamineModel& model,
                                                const SessionPredictionInput& in) {
  KETAPATH_TRY(check_input(in));
  const auto generator = KETAPATH_TRY(population::PatientGenerator::create(model, {}));
  // The simulation starts at the first earlier dose; this dose starts at `shift`.
  double shift = 0.0;
  for (const auto& d : in.earlier) {
    shift = std::max(shift, -d.time.value());
  }
  std::vector<pd::Dose> doses;
  for (auto d : in.earlier) {
    d.time = core::Hours(d.time.value() + shift);
    doses.push_back(d);
  }
  pd::Dose now = in.dose;
  now.time = core::Hours(shift);
  doses.push_back(now);

  SessionPrediction p;
  p.time = pd::time_grid(in.horizon, in.step);
  std::vector<core::Hours> times;
  for (const auto t : p.time) {
    times.emplace_back(t.value() + shift);
  }
  // S (anxiolysis) is not reported: coarse steps keep a long history cheap; Ce is exact anyway.
  const pd::SimulateOptions options{.fine_step = core::Hours(5.0 / 60.0),
                                    .coarse_step = core::Hours(24.0),
                                    .fine_window = core::Hours(1.0)};
  const auto n = static_cast<std::size_t>(in.draws);
  std::vector<std::vector<double>> cp(n), ce(n), cadss(n), sbp(n), dbp(n), hr(n);
  double cadss_noise = model.typical.sd_cadss;
  for (std::size_t d = 0; d < n; ++d) {
    const auto etas = generator.draw_etas(in.seed, 0, d);
    const auto parameters = pd::individualize(model, in.covariates, etas);
    const auto course = KETAPATH_TRY(pd::simulate_ketamine(parameters, doses, times, options));
    for (std::size_t t = 0; t < times.size(); ++t) {
      cp[d].push_back(course.ketamine[t].value());
      ce[d].push_back(course.effect_site[t].value());
      cadss[d].push_back(course.cadss[t]);
      sbp[d].push_back(course.dsbp[t].value());
      dbp[d].push_back(course.ddbp[t].value());
      hr[d].push_back(course.dhr[t].value());
    }
  }
  const auto k = p.time.size();
  p.plasma = band_of(cp, k);
  p.effect_site = band_of(ce, k);
  p.cadss = band_of(cadss, k);
  p.systolic_rise = band_of(sbp, k);
  p.diastolic_rise = band_of(dbp, k);
  p.heart_rate_rise = band_of(hr, k);
  p.draws = in.draws;
  p.earlier_doses = static_cast<int>(in.earlier.size());
  p.dose_end = in.dose.duration;

  const auto peak_of = [&](const Band& b) {
    return static_cast<std::size_t>(std::max_element(b.median.begin(), b.median.end()) -
                                    b.median.begin());
  };
  const auto ps = peak_of(p.systolic_rise);
  p.peak_systolic = p.time[ps];
  p.peak_systolic_median = p.systolic_rise.median[ps];
  p.peak_systolic_upper95 =
      *std::max_element(p.systolic_rise.upper95.begin(), p.systolic_rise.upper95.end());
  const auto pc = peak_of(p.cadss);
  p.peak_cadss = p.time[pc];
  p.peak_cadss_median = p.cadss.median[pc];
  p.peak_cadss_upper95 = *std::max_element(p.cadss.upper95.begin(), p.cadss.upper95.end());

  p.minimum_discharge = core::Hours(p.dose_end.value() + in.min_observation.value() / 60.0);
  for (std::size_t t = 0; t < k; ++t) {
    if (p.time[t].value() < p.minimum_discharge.value() - 1e-9) {
      continue;
    }
    if (p.systolic_rise.upper95[t] <= in.systolic_band.value() &&
        p.diastolic_rise.upper95[t] <= in.diastolic_band.value() &&
        p.heart_rate_rise.upper95[t] <= in.heart_rate_band.value() &&
        p.cadss.upper95[t] <= cadss_noise) {
      p.earliest_discharge = p.time[t];
      break;
    }
  }
  p.vitals_checks = vitals_times(p.peak_systolic.value(), p.dose_end.value(),
                                 p.earliest_discharge.value_or(p.minimum_discharge).value());
  return p;
}

std::vector<ReadingCheck> check_readings(
    const SessionPrediction& prediction,
    const std::vector<std::pair<core::Hours, std::pair<std::string, double>>>& changes) {
  std::vector<ReadingCheck> out;
  if (prediction.time.empty()) {
    return out;
  }
  const double step = prediction.time.size() > 1 ? prediction.time[1].value() : 1.0;
  for (const auto& [time, reading] : changes) {
    const double index = std::round(time.value() / step);
    if (index < 0.0 || index >= static_cast<double>(prediction.time.size())) {
      continue;
    }
    const auto i = static_cast<std::size_t>(index);
    const Band* band = reading.first == "systolic"    ? &prediction.systolic_rise
                       : reading.first == "diastolic" ? &prediction.diastolic_rise
                                                      : &prediction.heart_rate_rise;
    ReadingCheck c{.time = time,
                   .measure = reading.first,
                   .change = reading.second,
                   .lower95 = band->lower95[i],
                   .upper95 = band->upper95[i]};
    c.above = c.change > c.upper95;
    c.below = c.change < c.lower95;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace ketapath::estimation
