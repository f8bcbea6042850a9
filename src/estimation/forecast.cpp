// Forecast, relapse and the next-infusion recommendation from posterior draws (forecast.h).

#include "estimation/forecast.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "core/check.h"

namespace ketapath::estimation {
namespace {

std::vector<pd::Dose> sorted_doses(std::span<const pd::Dose> a, std::span<const pd::Dose> b) {
  std::vector<pd::Dose> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  std::ranges::stable_sort(
      out, [](const pd::Dose& x, const pd::Dose& y) { return x.time.value() < y.time.value(); });
  return out;
}

// Hours since the latest drug dose started strictly before t (nullopt before any).
std::optional<double> since_dose(std::span<const pd::Dose> doses, double t) {
  std::optional<double> out;
  for (const pd::Dose& d : doses) {
    if (d.amount.value() > 0.0 && d.time.value() < t) {
      out = t - d.time.value();
    }
  }
  return out;
}

bool is_trough(std::span<const pd::Dose> doses, double t, double window) {
  const auto since = since_dose(doses, t);
  return !since || *since >= window;
}

// Noise-free expected scores e[draw][time] and each draw's response threshold.
struct Scores {
  std::vector<std::vector<double>> expected;
  std::vector<double> threshold;
  double sd = 1.0;
};

core::Result<Scores> scores(const KetamineIndividual& individual,
                            std::span<const WeightedDraw> draws, std::span<const pd::Dose> doses,
                            std::span<const double> times, const ForecastOptions& options) {
  Scores out;
  out.expected = KETAPATH_TRY(expected_scores(individual, draws, doses, times, options.scale));
  const auto index = individual.baseline_index(options.scale);
  out.sd = pd::scale_noise_sd(individual.parameters({}, 0), options.scale);
  for (const WeightedDraw& w : draws) {
    out.threshold.push_back((1.0 - options.responder_reduction) *
                            w.theta(static_cast<Eigen::Index>(*index)));
  }
  return out;
}

// Trough check times in [from, to]: every `step`, plus every dose time (pre-dose) in range.
std::vector<double> check_times(std::span<const pd::Dose> doses, double from, double to,
                                const ForecastOptions& options) {
  std::vector<double> out;
  for (double t = from; t <= to + 1e-9; t += options.check_step.value()) {
    out.push_back(t);
  }
  for (const pd::Dose& d : doses) {
    if (d.time.value() >= from && d.time.value() <= to) {
      out.push_back(d.time.value());
    }
  }
  std::ranges::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::erase_if(out, [&](double t) { return !is_trough(doses, t, options.acute_window.value()); });
  return out;
}

// Per draw: index into `times` of the first time not in response (times.size() = never).
std::vector<std::size_t> first_loss(const Scores& s, std::span<const double> times) {
  std::vector<std::size_t> out;
  for (std::size_t j = 0; j < s.expected.size(); ++j) {
    std::size_t i = 0;
    while (i < times.size() && s.expected[j][i] <= s.threshold[j]) {
      ++i;
    }
    out.push_back(i);
  }
  return out;
}

double median(std::vector<double> v) {
  std::ranges::sort(v);
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

core::Status check_request(const KetamineIndividual& individual, double now, double horizon) {
  KETAPATH_TRY(core::check_range("forecast: now", now, "h", core::non_negative(),
                                 core::ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range("forecast: horizon", horizon, "h", core::positive(),
                                 core::ErrorCode::InvalidArgument));
  for (const Rating& r : individual.data().ratings) {
    if (r.time.value() > now + 1e-9) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "forecast: a rating at {} h lies after now ({} h)", r.time.value(), now);
    }
  }
  return {};
}

}  // namespace

core::Result<std::vector<std::vector<double>>> expected_scores(const KetamineIndividual& individual,
                                                               std::span<const WeightedDraw> draws,
                                                               std::span<const pd::Dose> doses,
                                                               std::span<const double> times,
                                                               pd::Scale scale) {
  const auto index = individual.baseline_index(scale);
  if (!index) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "forecast: scale {} has no rating for this patient", pd::scale_label(scale));
  }
  if (draws.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "forecast: no posterior draws");
  }
  const auto reductions = KETAPATH_TRY(individual.reductions(draws, doses, times));
  const pd::KetamineParameters typical = individual.parameters({}, 0);
  std::vector<std::vector<double>> out;
  out.reserve(draws.size());
  for (std::size_t j = 0; j < draws.size(); ++j) {
    const double baseline = draws[j].theta(static_cast<Eigen::Index>(*index));
    std::vector<double> row(times.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
      row[i] = pd::expected_score(typical, scale, baseline, reductions[j][i]);
    }
    out.push_back(std::move(row));
  }
  return out;
}

Interval prediction_interval(std::span<const double> expected, double sd, pd::Scale scale,
                             double level) {
  const pd::ScaleRange range = pd::scale_range(scale);
  const auto cdf = [&](double k) {
    if (k >= range.max) {
      return 1.0;
    }
    double sum = 0.0;
    for (const double e : expected) {
      sum += 0.5 * std::erfc(-((k + 0.5 - e) / sd) / std::numbers::sqrt2);
    }
    return sum / static_cast<double>(expected.size());
  };
  const auto quantile = [&](double q) {
    double lo = range.min;  // cdf(hi) >= q invariant; answer in [lo, hi]
    double hi = range.max;
    if (cdf(lo) >= q) {
      return lo;
    }
    while (hi - lo > 1.0) {
      const double mid = std::floor(0.5 * (lo + hi));
      if (cdf(mid) >= q) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  };
  return {quantile(0.5 * (1.0 - level)), quantile(0.5 * (1.0 + level))};
}

core::Result<Forecast> forecast(const KetamineIndividual& individual,
                                std::span<const WeightedDraw> draws, const ForecastRequest& request,
                                const ForecastOptions& options) {
  KETAPATH_TRY(check_request(individual, request.now, request.horizon));
  for (const pd::Dose& d : request.planned) {
    if (d.time.value() < request.now) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "forecast: a planned dose at {} h lies before now ({} h)", d.time.value(),
                        request.now);
    }
  }
  const std::vector<pd::Dose> doses = sorted_doses(individual.data().doses, request.planned);
  const double end = request.now + request.horizon;
  std::vector<double> points;
  for (double t = 0.0; t <= end + 1e-9; t += options.step.value()) {
    points.push_back(t);
  }
  const std::vector<double> checks = check_times(doses, request.now, end, options);
  std::vector<double> times = points;
  times.insert(times.end(), checks.begin(), checks.end());
  std::ranges::sort(times);
  times.erase(std::unique(times.begin(), times.end()), times.end());
  const Scores s = KETAPATH_TRY(scores(individual, draws, doses, times, options));
  const auto at = [&](double t) {
    return static_cast<std::size_t>(std::ranges::lower_bound(times, t) - times.begin());
  };
  Forecast out;
  out.scale = options.scale;
  out.threshold_median = median(s.threshold);
  std::vector<double> column(draws.size());
  for (const double t : points) {
    const std::size_t i = at(t);
    std::size_t in_response = 0;
    for (std::size_t j = 0; j < draws.size(); ++j) {
      column[j] = s.expected[j][i];
      in_response += column[j] <= s.threshold[j] ? 1 : 0;
    }
    ForecastPoint p;
    p.time = t;
    p.median = prediction_interval(column, s.sd, options.scale, 0.0).upper;
    p.i50 = prediction_interval(column, s.sd, options.scale, 0.5);
    p.i80 = prediction_interval(column, s.sd, options.scale, 0.8);
    p.i95 = prediction_interval(column, s.sd, options.scale, 0.95);
    p.expected = median(column);
    p.p_response = static_cast<double>(in_response) / static_cast<double>(draws.size());
    p.trough = is_trough(doses, t, options.acute_window.value());
    out.points.push_back(p);
  }
  // Relapse over the trough checks.
  Scores sub;
  sub.threshold = s.threshold;
  for (std::size_t j = 0; j < draws.size(); ++j) {
    std::vector<double> row;
    for (const double t : checks) {
      row.push_back(s.expected[j][at(t)]);
    }
    sub.expected.push_back(std::move(row));
  }
  const std::vector<std::size_t> loss = first_loss(sub, checks);
  const auto n = static_cast<double>(draws.size());
  if (!checks.empty()) {
    out.p_response_now =
        static_cast<double>(std::ranges::count_if(loss, [](std::size_t i) { return i > 0; })) / n;
  }
  for (std::size_t c = 0; c < checks.size(); ++c) {
    const double p =
        static_cast<double>(std::ranges::count_if(loss, [&](std::size_t i) { return i <= c; })) / n;
    out.relapse.push_back({checks[c], p});
    if (!out.relapse_median && p >= 0.5) {
      out.relapse_median = checks[c];
    }
  }
  return out;
}

namespace {

// P(loss of response) over [now, now + horizon] under the given doses plus a schedule.
core::Result<double> loss_probability(const KetamineIndividual& individual,
                                      std::span<const WeightedDraw> draws,
                                      std::span<const pd::Dose> doses, double now, double horizon,
                                      const ForecastOptions& options) {
  const std::vector<double> checks = check_times(doses, now, now + horizon, options);
  const Scores s = KETAPATH_TRY(scores(individual, draws, doses, checks, options));
  const std::vector<std::size_t> loss = first_loss(s, checks);
  return static_cast<double>(
             std::ranges::count_if(loss, [&](std::size_t i) { return i < checks.size(); })) /
         static_cast<double>(draws.size());
}

std::vector<pd::Dose> schedule(const RecommendRequest& r, double next, double interval) {
  std::vector<pd::Dose> out;
  for (double t = next; t < r.now + r.horizon; t += interval) {
    pd::Dose d = r.maintenance;
    d.time = core::Hours(t);
    out.push_back(d);
  }
  return out;
}

std::string days(double hours) {
  return fmt::format("{:g} d", std::round(hours / 2.4) / 10.0);
}

}  // namespace

core::Result<Recommendation> recommend(const KetamineIndividual& individual,
                                       std::span<const WeightedDraw> draws,
                                       const RecommendRequest& request,
                                       const ForecastOptions& options) {
  KETAPATH_TRY(check_request(individual, request.now, request.horizon));
  if (request.candidates.empty() || request.intervals.empty() || !(request.risk > 0.0) ||
      !(request.risk < 1.0)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "recommendation: needs candidate days, allowed intervals and a risk in "
                      "(0, 1) (got {} days, {} intervals, risk {})",
                      request.candidates.size(), request.intervals.size(), request.risk);
  }
  if (!std::ranges::is_sorted(request.candidates) || request.candidates.front() < request.now ||
      !std::ranges::is_sorted(request.intervals) || !(request.intervals.front() > 0.0)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "recommendation: candidate days must be ascending and not before now, "
                      "intervals ascending and > 0");
  }
  const std::vector<pd::Dose>& given = individual.data().doses;
  // Relapse without a further dose, up to the last candidate.
  const std::vector<double> checks =
      check_times(given, request.now, request.candidates.back(), options);
  const Scores s = KETAPATH_TRY(scores(individual, draws, given, checks, options));
  const std::vector<std::size_t> loss = first_loss(s, checks);
  const auto n = static_cast<double>(draws.size());
  const auto p_relapse_by = [&](double t) {  // lost at a check at or before t
    return static_cast<double>(std::ranges::count_if(
               loss, [&](std::size_t i) { return i < checks.size() && checks[i] <= t; })) /
           n;
  };
  Recommendation out;
  out.p_response_now =
      checks.empty()
          ? 0.0
          : static_cast<double>(std::ranges::count_if(loss, [](std::size_t i) { return i > 0; })) /
                n;
  std::size_t latest = 0;  // latest candidate whose P(relapse before it) <= risk
  for (std::size_t c = 0; c < request.candidates.size(); ++c) {
    if (p_relapse_by(request.candidates[c]) <= request.risk) {
      latest = c;
    }
  }
  const auto evaluate = [&](double next, double interval) -> core::Result<ScheduleRisk> {
    for (const ScheduleRisk& e : out.evaluated) {
      if (e.next == next && e.interval == interval) {
        return e;
      }
    }
    const std::vector<pd::Dose> planned = schedule(request, next, interval);
    const std::vector<pd::Dose> doses = sorted_doses(given, planned);
    const double p = KETAPATH_TRY(
        loss_probability(individual, draws, doses, request.now, request.horizon, options));
    ScheduleRisk r{next, interval, static_cast<int>(planned.size()), p};
    out.evaluated.push_back(r);
    return r;
  };
  const std::size_t step = std::max<std::size_t>(1, latest / 3);
  for (auto k = request.intervals.size(); k-- > 0;) {
    const double interval = request.intervals[k];
    for (std::size_t tries = 0, c = latest; tries < 3; ++tries) {
      const ScheduleRisk r = KETAPATH_TRY(evaluate(request.candidates[c], interval));
      if (r.p_loss <= request.risk) {
        out.within_risk = true;
        out.chosen = r;
        out.reason = fmt::format(
            "next dose {} from now, then every {}: {} infusion(s) in the next {} with a predicted "
            "P(loss of response) of {:.2f} (risk limit {:.2f}); P(in response now) {:.2f}; "
            "without a dose P(relapse by then) {:.2f}",
            days(r.next - request.now), days(r.interval), r.infusions, days(request.horizon),
            r.p_loss, request.risk, out.p_response_now, p_relapse_by(r.next));
        return out;
      }
      if (c == 0) {
        break;
      }
      c = c >= step ? c - step : 0;
    }
  }
  const ScheduleRisk safest =
      KETAPATH_TRY(evaluate(request.candidates.front(), request.intervals.front()));
  out.chosen = safest;
  for (const ScheduleRisk& e : out.evaluated) {
    if (e.p_loss < out.chosen.p_loss) {
      out.chosen = e;
    }
  }
  out.reason = fmt::format(
      "no allowed schedule keeps P(loss of response) at or below {:.2f}: the safest tried "
      "(next dose {} from now, every {}) has {:.2f}; P(in response now) {:.2f}. Review: the "
      "model does not support a maintenance plan here",
      request.risk, days(out.chosen.next - request.now), days(out.chosen.interval),
      out.chosen.p_loss, out.p_response_now);
  return out;
}

}  // namespace ketapath::estimation
