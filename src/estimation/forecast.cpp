// Forecast, relapse and the next-infusion recommendation from posterior draws (forecast.h).

#include "estimation/forecast.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>

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

// Noise-free expected scores [draw][time] of `scale` from total reductions [draw][time].
core::Result<std::vector<std::vector<double>>> scores_of(
    const KetamineIndividual& individual, std::span<const WeightedDraw> draws,
    const std::vector<std::vector<double>>& reductions, pd::Scale scale) {
  const auto index = individual.baseline_index(scale);
  if (!index) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "forecast: scale {} has no rating for this patient", pd::scale_label(scale));
  }
  const pd::KetamineParameters typical = individual.parameters({}, 0);
  std::vector<std::vector<double>> out;
  out.reserve(draws.size());
  for (std::size_t j = 0; j < draws.size(); ++j) {
    const double baseline = draws[j].theta(static_cast<Eigen::Index>(*index));
    std::vector<double> row(reductions[j].size());
    for (std::size_t i = 0; i < row.size(); ++i) {
      row[i] = pd::expected_score(typical, scale, baseline, reductions[j][i]);
    }
    out.push_back(std::move(row));
  }
  return out;
}

// Noise-free expected scores e[draw][time] and each draw's response threshold.
struct Scores {
  std::vector<std::vector<double>> expected;
  std::vector<double> threshold;
  double sd = 1.0;
};

// The shared state at `now`: every candidate schedule has the doses given before now, so each
// draw's plasticity state there is integrated once per decision and the schedules branch from it
// (KetamineIndividual::reductions_from).
struct Branch {
  double now = 0.0;
  std::vector<double> sustained;  // per draw, at now
};

// Scores under `doses` at `times`; with a branch, S continues from the branch's state at its time
// (every time at or after it) instead of being integrated from the origin.
core::Result<Scores> scores(const KetamineIndividual& individual,
                            std::span<const WeightedDraw> draws, std::span<const pd::Dose> doses,
                            std::span<const double> times, const ForecastOptions& options,
                            const Branch* branch = nullptr) {
  Scores out;
  if (branch == nullptr) {
    out.expected = KETAPATH_TRY(expected_scores(individual, draws, doses, times, options.scale));
  } else {
    const auto reductions = KETAPATH_TRY(
        individual.reductions_from(draws, doses, times, branch->now, branch->sustained));
    out.expected = KETAPATH_TRY(scores_of(individual, draws, reductions, options.scale));
  }
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
  if (!individual.baseline_index(scale)) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "forecast: scale {} has no rating for this patient", pd::scale_label(scale));
  }
  if (draws.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument, "forecast: no posterior draws");
  }
  const auto reductions = KETAPATH_TRY(individual.reductions(draws, doses, times));
  return scores_of(individual, draws, reductions, scale);
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

struct Outcome {
  double p_loss = 0.0;
  double weeks = 0.0;
};

// The in-response indicator of each draw with no further dose, at now + k check_step: the
// baseline of Credit::GainOverWholeIntervals.
struct NoDose {
  std::vector<std::vector<char>> in;  // [draw][k]
};

// P(loss of response) over the trough checks of [now, now + horizon] and the expected weeks in
// response over the grid now + k check_step in [now, credit_end), under the given doses (which
// agree with the branch's before now).
core::Result<Outcome> schedule_outcome(const KetamineIndividual& individual,
                                       std::span<const WeightedDraw> draws,
                                       std::span<const pd::Dose> doses, const Branch& branch,
                                       double horizon, double credit_end,
                                       const ForecastOptions& options) {
  const double now = branch.now;
  const std::vector<double> checks = check_times(doses, now, now + horizon, options);
  const double step = options.check_step.value();
  std::vector<double> grid;
  for (double t = now; t < credit_end - 1e-9; t += step) {
    grid.push_back(t);
  }
  std::vector<double> times = checks;
  times.insert(times.end(), grid.begin(), grid.end());
  std::ranges::sort(times);
  times.erase(std::unique(times.begin(), times.end()), times.end());
  const Scores s = KETAPATH_TRY(scores(individual, draws, doses, times, options, &branch));
  const auto at = [&](double t) {
    return static_cast<std::size_t>(std::ranges::lower_bound(times, t) - times.begin());
  };
  Outcome out;
  std::size_t lost = 0;
  std::size_t in_response = 0;
  for (std::size_t j = 0; j < draws.size(); ++j) {
    lost +=
        std::ranges::any_of(checks, [&](double t) { return s.expected[j][at(t)] > s.threshold[j]; })
            ? 1
            : 0;
    in_response += static_cast<std::size_t>(std::ranges::count_if(
        grid, [&](double t) { return s.expected[j][at(t)] <= s.threshold[j]; }));
  }
  const auto n = static_cast<double>(draws.size());
  out.p_loss = static_cast<double>(lost) / n;
  out.weeks = static_cast<double>(in_response) / n * step / (7.0 * 24.0);
  return out;
}

// Expected weeks in response with no further dose over the grid now + k check_step in
// [now, end), for every end up to `until`: weeks[k] over the first k grid points.
core::Result<std::vector<double>> no_dose_weeks(const KetamineIndividual& individual,
                                                std::span<const WeightedDraw> draws,
                                                const Branch& branch, double until,
                                                const ForecastOptions& options) {
  const double step = options.check_step.value();
  std::vector<double> grid;
  for (double t = branch.now; t < until - 1e-9; t += step) {
    grid.push_back(t);
  }
  const Scores s =
      KETAPATH_TRY(scores(individual, draws, individual.data().doses, grid, options, &branch));
  std::vector<double> out(grid.size() + 1, 0.0);
  for (std::size_t k = 0; k < grid.size(); ++k) {
    std::size_t in = 0;
    for (std::size_t j = 0; j < draws.size(); ++j) {
      in += s.expected[j][k] <= s.threshold[j] ? 1 : 0;
    }
    out[k + 1] =
        out[k] + static_cast<double>(in) / static_cast<double>(draws.size()) * step / (7.0 * 24.0);
  }
  return out;
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

// The next days tried with `interval`: among the candidates no later than one interval from now
// (the first candidate when none is), the first, the latest whose P(relapse before it) <= risk
// (else the middle one) and the last, in ascending order without duplicates.
std::vector<double> next_days(const RecommendRequest& r, double interval,
                              const std::vector<bool>& before_relapse) {
  std::vector<std::size_t> allowed;
  for (std::size_t c = 0; c < r.candidates.size(); ++c) {
    if (r.candidates[c] <= r.now + interval + 1e-9) {
      allowed.push_back(c);
    }
  }
  if (allowed.empty()) {
    return {r.candidates.front()};
  }
  std::size_t pick = allowed[allowed.size() / 2];
  for (const std::size_t c : allowed) {
    if (before_relapse[c]) {
      pick = c;
    }
  }
  std::vector<double> out{r.candidates[allowed.front()], r.candidates[pick],
                          r.candidates[allowed.back()]};
  std::ranges::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The choice among `schedules` (non-empty): those within kWeeksPerInfusionTie of the most
// expected weeks in response per infusion, then the lowest P(loss), the fewest infusions, the
// earliest next dose, the shortest interval.
const ScheduleRisk& choose(const std::vector<const ScheduleRisk*>& schedules) {
  double top = 0.0;
  for (const ScheduleRisk* s : schedules) {
    top = std::max(top, s->credited_per_infusion());
  }
  const ScheduleRisk* out = nullptr;
  const auto key = [](const ScheduleRisk& r) {
    return std::tuple{r.p_loss, r.infusions, r.next, r.interval};
  };
  for (const ScheduleRisk* s : schedules) {
    if (s->credited_per_infusion() > top - kWeeksPerInfusionTie &&
        (out == nullptr || key(*s) < key(*out))) {
      out = s;
    }
  }
  return *out;
}

std::string schedule_text(const RecommendRequest& request, const ScheduleRisk& r) {
  const std::string gained =
      request.credit == Credit::GainOverWholeIntervals
          ? fmt::format("; {:.1f} weeks more than with no further infusion, {:.2f} per infusion",
                        r.weeks_credited, r.credited_per_infusion())
          : "";
  return fmt::format(
      "next dose {} from now, then every {}: {} infusion(s) in the next {}, expected {:.1f} "
      "weeks in response{} ({:.2f} per infusion{}), predicted P(loss of response) {:.2f}",
      days(r.next - request.now), days(r.interval), r.infusions, days(request.horizon),
      r.weeks_in_response,
      request.credit == Credit::Horizon ? "" : " until one interval after the last infusion",
      r.weeks_per_infusion(), gained, r.p_loss);
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
  std::vector<bool> before_relapse;
  for (const double c : request.candidates) {
    before_relapse.push_back(p_relapse_by(c) <= request.risk);
  }
  const Branch branch{request.now,
                      KETAPATH_TRY(individual.sustained_at(draws, given, request.now))};
  const bool whole = request.credit != Credit::Horizon;
  const double step = options.check_step.value();
  std::vector<double> baseline;  // no further dose: weeks over the first k grid points
  if (request.credit == Credit::GainOverWholeIntervals) {
    baseline = KETAPATH_TRY(no_dose_weeks(individual, draws, branch,
                                          request.now + request.horizon + request.intervals.back(),
                                          options));
  }
  for (const double interval : request.intervals) {
    for (const double next : next_days(request, interval, before_relapse)) {
      const std::vector<pd::Dose> planned = schedule(request, next, interval);
      const std::vector<pd::Dose> doses = sorted_doses(given, planned);
      const double end = whole && !planned.empty() ? planned.back().time.value() + interval
                                                   : request.now + request.horizon;
      const Outcome o = KETAPATH_TRY(
          schedule_outcome(individual, draws, doses, branch, request.horizon, end, options));
      double credited = o.weeks;
      if (!baseline.empty()) {
        const auto points = static_cast<std::size_t>(std::ceil((end - request.now) / step - 1e-9));
        credited -= baseline[std::min(points, baseline.size() - 1)];
      }
      out.evaluated.push_back(
          {next, interval, static_cast<int>(planned.size()), o.p_loss, o.weeks, credited});
    }
  }
  std::vector<const ScheduleRisk*> all;
  std::vector<const ScheduleRisk*> within;
  double lowest = 1.0;
  for (const ScheduleRisk& e : out.evaluated) {
    all.push_back(&e);
    if (e.p_loss <= request.risk) {
      within.push_back(&e);
    }
    lowest = std::min(lowest, e.p_loss);
  }
  out.within_risk = !within.empty();
  out.chosen = choose(out.within_risk ? within : all);
  const std::string chosen = schedule_text(request, out.chosen);
  if (out.within_risk) {
    out.reason = fmt::format(
        "{} (risk limit {:.2f}): of the {} allowed schedules tried, {} keep P(loss) within the "
        "limit and this one gives the most expected weeks in response per infusion; P(in "
        "response now) {:.2f}, without a dose P(relapse by the next dose) {:.2f}. These are "
        "predictions from this patient's posterior, not certainties",
        chosen, request.risk, out.evaluated.size(), within.size(), out.p_response_now,
        p_relapse_by(out.chosen.next));
  } else {
    out.reason = fmt::format(
        "risk not met: no allowed schedule keeps P(loss of response) at or below {:.2f} (the "
        "lowest of the {} tried is {:.2f}). The most expected weeks in response per infusion: "
        "{}; P(in response now) {:.2f}. Shown for review beside the rule-based suggestion, which "
        "stands unless this plan is accepted with a reason",
        request.risk, out.evaluated.size(), lowest, chosen, out.p_response_now);
  }
  return out;
}

}  // namespace ketapath::estimation
