// The ketamine model as an estimation problem for one patient (ketamine_individual.h).

#include "estimation/ketamine_individual.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <optional>

#include "core/check.h"
#include "pd/ketamine_outputs.h"

namespace ketapath::estimation {
namespace {

constexpr std::array<pd::ParameterId, 4> kInformed{pd::ParameterId::ANX_EC50,
                                                   pd::ParameterId::S_KON, pd::ParameterId::S_T12,
                                                   pd::ParameterId::PLACEBO_MAX};

std::string transform_name(pd::EtaTransform t) {
  switch (t) {
    case pd::EtaTransform::LogNormal:
      return "log";
    case pd::EtaTransform::LogitNormal:
      return "logit";
    case pd::EtaTransform::Additive:
      return "additive";
  }
  return "log";
}

double apply_eta(pd::EtaTransform t, double typical, double eta) {
  switch (t) {
    case pd::EtaTransform::LogNormal:
      return typical * std::exp(eta);
    case pd::EtaTransform::LogitNormal: {
      const double c = std::clamp(typical, 1e-12, 1.0 - 1e-12);
      return 1.0 / (1.0 + std::exp(-(std::log(c / (1.0 - c)) + eta)));
    }
    case pd::EtaTransform::Additive:
      return typical + eta;
  }
  return typical;
}

}  // namespace

std::span<const pd::ParameterId> informed_parameters() {
  return kInformed;
}

BaselinePrior baseline_prior(pd::Scale scale) {
  const pd::ScaleRange r = pd::scale_range(scale);
  return {.mean = 0.5 * (r.min + r.max), .sd = 0.25 * (r.max - r.min)};
}

core::Result<ExposurePath> ExposurePath::build(const pd::KetamineParameters& p,
                                               std::span<const pd::Dose> doses,
                                               std::span<const double> times,
                                               const PathOptions& options, double from) {
  KETAPATH_TRY(core::check_range("exposure path: fine substep", options.fine_step.value(), "h",
                                 core::positive(), core::ErrorCode::InvalidArgument));
  KETAPATH_TRY(core::check_range("exposure path: coarse substep", options.coarse_step.value(), "h",
                                 core::positive(), core::ErrorCode::InvalidArgument));
  for (std::size_t i = 0; i < times.size(); ++i) {
    KETAPATH_TRY(
        core::check_range([&] { return fmt::format("exposure path: output time {}", i + 1); },
                          times[i], "h", {.low = from}, core::ErrorCode::InvalidArgument));
  }
  KETAPATH_TRY(core::check_range("exposure path: start", from, "h", core::non_negative(),
                                 core::ErrorCode::InvalidArgument));
  // Breakpoints: the start, output times, dose starts and infusion ends; changes: dose starts and
  // infusion ends (the fine window follows each, also one before the start).
  std::vector<double> breaks{from};
  std::vector<double> changes;
  std::vector<std::pair<double, double>> infusions;
  for (const pd::Dose& d : doses) {
    if (d.amount.value() <= 0.0) {
      continue;
    }
    breaks.push_back(d.time.value());
    changes.push_back(d.time.value());
    if (d.duration.value() > 0.0) {
      const double end = d.time.value() + d.duration.value();
      breaks.push_back(end);
      changes.push_back(end);
      infusions.emplace_back(d.time.value(), end);
    }
  }
  double end = 0.0;
  for (const double t : times) {
    breaks.push_back(t);
    end = std::max(end, t);
  }
  std::erase_if(breaks, [from](double t) { return t < from; });
  std::ranges::sort(breaks);
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  while (!breaks.empty() && breaks.back() > end) {
    breaks.pop_back();
  }
  std::ranges::sort(changes);
  const double fine = options.fine_step.value();
  const double coarse = options.coarse_step.value();
  const double window = options.fine_window.value();
  ExposurePath path;
  path.nodes_.push_back(from);
  for (std::size_t b = 1; b < breaks.size(); ++b) {
    double t = breaks[b - 1];
    const double until = breaks[b];
    while (t < until) {
      const auto it = std::ranges::upper_bound(changes, t);
      const double last_change = it == changes.begin() ? -1e300 : *(it - 1);
      bool running = false;
      for (const auto& [start, stop] : infusions) {
        running = running || (start <= t && t < stop);
      }
      const bool is_fine = running || t - last_change < window;
      double h = is_fine ? fine : coarse;
      if (is_fine && last_change + window > t) {
        h = std::min(h, last_change + window - t);
      }
      const bool last = until - t <= h * (1.0 + 1e-9);
      t = last ? until : t + h;
      path.nodes_.push_back(t);
    }
  }
  // Ce at every node and midpoint from the exact PK.
  std::vector<core::Hours> eval;
  eval.reserve(2 * path.nodes_.size());
  for (std::size_t i = 0; i < path.nodes_.size(); ++i) {
    eval.emplace_back(path.nodes_[i]);
    if (i + 1 < path.nodes_.size()) {
      eval.emplace_back(0.5 * (path.nodes_[i] + path.nodes_[i + 1]));
    }
  }
  pd::SimulateOptions coarse_sim;  // S is not used here: let the reference integrator run coarse
  coarse_sim.fine_step = core::Hours(1.0);
  coarse_sim.coarse_step = core::Hours(1.0);
  const pd::TimeCourse course = KETAPATH_TRY(pd::simulate_ketamine(p, doses, eval, coarse_sim));
  path.drive_.reserve(eval.size());
  for (const auto& ce : course.effect_site) {
    path.drive_.push_back(pd::plasticity_drive(p, ce.value()));
  }
  path.out_node_.reserve(times.size());
  path.ce_out_.reserve(times.size());
  for (const double t : times) {
    const auto it = std::ranges::lower_bound(path.nodes_, t);
    const auto node = static_cast<std::size_t>(it - path.nodes_.begin());
    path.out_node_.push_back(node);
    path.ce_out_.push_back(std::max(0.0, course.effect_site[2 * node].value()));
  }
  // S at every node is needed only where an output sits: sustained walks once, filling outputs
  // in node order.
  path.order_.reserve(path.out_node_.size());
  for (std::size_t i = 0; i < path.out_node_.size(); ++i) {
    path.order_.emplace_back(path.out_node_[i], i);
  }
  std::ranges::sort(path.order_);
  return path;
}

void ExposurePath::sustained(double kon, double t12, std::span<double> out, double initial) const {
  const double koff = std::numbers::ln2 / t12;
  const auto rate = [&](double s, double g) {
    return kon * g * (1.0 - s) - koff * s;
  };
  const auto& order = order_;
  double s = initial;
  std::size_t next = 0;
  for (std::size_t node = 0; node < nodes_.size(); ++node) {
    while (next < order.size() && order[next].first == node) {
      out[order[next].second] = s;
      ++next;
    }
    if (next == order.size() || node + 1 == nodes_.size()) {
      break;
    }
    const double h = nodes_[node + 1] - nodes_[node];
    const double g0 = drive_[2 * node];
    const double gm = drive_[2 * node + 1];
    const double g1 = drive_[2 * node + 2];
    const double k1 = rate(s, g0);
    const double k2 = rate(s + 0.5 * h * k1, gm);
    const double k3 = rate(s + 0.5 * h * k2, gm);
    const double k4 = rate(s + h * k3, g1);
    s = std::clamp(s + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4), 0.0, 1.0);
  }
}

void ExposurePath::sustained_many(std::span<const double> kon, std::span<const double> t12,
                                  std::span<const double> initial, std::span<double> out) const {
  constexpr std::size_t kBatch = 8;
  const std::size_t outputs = out_node_.size();
  const std::size_t draws = kon.size();
  for (std::size_t first = 0; first < draws; first += kBatch) {
    const std::size_t count = std::min(kBatch, draws - first);
    std::array<double, kBatch> kn{};
    std::array<double, kBatch> koff{};
    std::array<double, kBatch> s{};
    for (std::size_t b = 0; b < kBatch; ++b) {  // a short last batch repeats its last draw
      const std::size_t j = first + std::min(b, count - 1);
      kn[b] = kon[j];
      koff[b] = std::numbers::ln2 / t12[j];
      s[b] = initial[j];
    }
    std::size_t next = 0;
    for (std::size_t node = 0; node < nodes_.size(); ++node) {
      while (next < order_.size() && order_[next].first == node) {
        for (std::size_t b = 0; b < count; ++b) {
          out[(first + b) * outputs + order_[next].second] = s[b];
        }
        ++next;
      }
      if (next == order_.size() || node + 1 == nodes_.size()) {
        break;
      }
      const double h = nodes_[node + 1] - nodes_[node];
      const double g0 = drive_[2 * node];
      const double gm = drive_[2 * node + 1];
      const double g1 = drive_[2 * node + 2];
      for (std::size_t b = 0; b < kBatch; ++b) {
        const auto rate = [&](double x, double g) {
          return kn[b] * g * (1.0 - x) - koff[b] * x;
        };
        const double k1 = rate(s[b], g0);
        const double k2 = rate(s[b] + 0.5 * h * k1, gm);
        const double k3 = rate(s[b] + 0.5 * h * k2, gm);
        const double k4 = rate(s[b] + h * k3, g1);
        s[b] = std::clamp(s[b] + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4), 0.0, 1.0);
      }
    }
  }
}

struct KetamineIndividual::State {
  State(pd::KetamineModel m, IndividualData d, PathOptions o)
      : population(std::move(m)), data(std::move(d)), options(o), history(data.doses) {}

  pd::KetamineModel population;
  IndividualData data;
  PathOptions options;
  pd::DoseHistory history;
  std::vector<std::size_t> eta_index;        // model eta of each estimated parameter (theta order)
  std::vector<pd::Scale> scales;             // baselines follow the etas in theta
  std::vector<std::size_t> rating_baseline;  // theta index of each rating's baseline
  std::optional<ExposurePath> path;          // at the rating times
  Model model;

  pd::KetamineParameters parameters(std::span<const double> theta, std::size_t cls) const {
    std::vector<double> etas(population.etas.size(), 0.0);
    for (std::size_t k = 0; k < eta_index.size() && k < theta.size(); ++k) {
      etas[eta_index[k]] = theta[k];
    }
    return pd::individualize(population, data.covariates, etas, cls == 1);
  }
};

KetamineIndividual::KetamineIndividual(std::shared_ptr<State> state) : state_(std::move(state)) {}

core::Result<KetamineIndividual> KetamineIndividual::create(const pd::KetamineModel& model,
                                                            IndividualData data,
                                                            const PathOptions& options) {
  if (data.ratings.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "individual estimation: no rating to estimate from");
  }
  for (std::size_t i = 0; i < data.ratings.size(); ++i) {
    const Rating& r = data.ratings[i];
    if (r.scale == pd::Scale::Cadss) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "individual estimation: rating {} is CADSS, which does not measure "
                        "anxiety (use HAM-A, FQ, GAD-7 or LSAS)",
                        i + 1);
    }
    const pd::ScaleRange range = pd::scale_range(r.scale);
    if (!(r.time.value() >= 0.0) || !std::isfinite(r.time.value()) ||
        !(r.score >= range.min && r.score <= range.max)) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "individual estimation: rating {} ({}) needs a time >= 0 and a score in "
                        "{}-{} (got {} h, {})",
                        i + 1, pd::scale_label(r.scale), range.min, range.max, r.time.value(),
                        r.score);
    }
  }
  auto state = std::make_shared<State>(model, std::move(data), options);
  State& s = *state;
  const pd::KetamineParameters typical = s.parameters({}, 0);
  Model& m = s.model;
  std::vector<double> prior_sd;
  for (const pd::ParameterId id : kInformed) {
    for (std::size_t e = 0; e < model.etas.size(); ++e) {
      if (model.etas[e].parameter == id &&
          model.omega(static_cast<Eigen::Index>(e), static_cast<Eigen::Index>(e)) > 0.0) {
        s.eta_index.push_back(e);
        const pd::EtaTransform t = model.etas[e].transform;
        const double tv = pd::get_parameter(typical, id);
        m.parameters.push_back({.name = std::string(pd::parameter_info(id).name),
                                .unit = std::string(pd::parameter_info(id).unit),
                                .transform = transform_name(t),
                                .natural = [t, tv](double theta) {
                                  return apply_eta(t, tv, theta);
                                }});
        break;
      }
    }
  }
  if (s.eta_index.empty()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "individual estimation: model {} gives none of ANX_EC50, S_KON, S_T12, "
                      "PLACEBO_MAX between-subject variability, so the ratings inform nothing",
                      model.name);
  }
  for (const Rating& r : s.data.ratings) {
    if (std::ranges::find(s.scales, r.scale) == s.scales.end()) {
      s.scales.push_back(r.scale);
    }
  }
  std::ranges::sort(s.scales);
  const auto ne = s.eta_index.size();
  const auto d = static_cast<Eigen::Index>(ne + s.scales.size());
  m.prior_mean = Eigen::VectorXd::Zero(d);
  m.prior_covariance = Eigen::MatrixXd::Zero(d, d);
  for (std::size_t a = 0; a < ne; ++a) {
    for (std::size_t b = 0; b < ne; ++b) {
      m.prior_covariance(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = model.omega(
          static_cast<Eigen::Index>(s.eta_index[a]), static_cast<Eigen::Index>(s.eta_index[b]));
    }
  }
  for (std::size_t k = 0; k < s.scales.size(); ++k) {
    const BaselinePrior bp = baseline_prior(s.scales[k]);
    const auto i = static_cast<Eigen::Index>(ne + k);
    m.prior_mean(i) = bp.mean;
    m.prior_covariance(i, i) = bp.sd * bp.sd;
    m.parameters.push_back({.name = fmt::format("BASELINE_{}", pd::scale_label(s.scales[k])),
                            .unit = "points",
                            .transform = "additive",
                            .natural = [](double theta) {
                              return theta;
                            }});
  }
  m.classes.push_back({"responder", 1.0 - model.typical.nonresponder_fraction});
  if (model.typical.nonresponder_fraction > 0.0) {
    m.classes.push_back({"non-responder", model.typical.nonresponder_fraction});
  }
  std::vector<double> times;
  for (const Rating& r : s.data.ratings) {
    times.push_back(r.time.value());
    const auto k =
        static_cast<std::size_t>(std::ranges::find(s.scales, r.scale) - s.scales.begin());
    s.rating_baseline.push_back(ne + k);
    const pd::ScaleRange range = pd::scale_range(r.scale);
    m.observations.push_back({.value = r.score,
                              .sd = pd::scale_noise_sd(typical, r.scale),
                              .integer = true,
                              .min = range.min,
                              .max = range.max});
  }
  s.path = KETAPATH_TRY(ExposurePath::build(typical, s.data.doses, times, options));
  const State* raw = state.get();
  m.predict = [raw, sbuf = std::make_shared<std::vector<double>>(times.size())](
                  std::span<const double> theta, std::size_t cls,
                  std::span<double> expected) -> core::Status {
    const pd::KetamineParameters p = raw->parameters(theta, cls);
    raw->path->sustained(p.s_kon.value(), p.s_t12.value(), *sbuf);
    const auto& ce = raw->path->effect_site();
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const Rating& r = raw->data.ratings[i];
      const pd::KetamineOutputs y =
          pd::ketamine_outputs(p, raw->history, r.time, ce[i], (*sbuf)[i]);
      expected[i] =
          pd::expected_score(p, r.scale, theta[raw->rating_baseline[i]], y.total_reduction);
    }
    return {};
  };
  return KetamineIndividual(std::move(state));
}

const Model& KetamineIndividual::model() const {
  return state_->model;
}

const std::vector<pd::Scale>& KetamineIndividual::scales() const {
  return state_->scales;
}

std::optional<std::size_t> KetamineIndividual::baseline_index(pd::Scale scale) const {
  const auto it = std::ranges::find(state_->scales, scale);
  if (it == state_->scales.end()) {
    return std::nullopt;
  }
  return state_->eta_index.size() + static_cast<std::size_t>(it - state_->scales.begin());
}

pd::KetamineParameters KetamineIndividual::parameters(std::span<const double> theta,
                                                      std::size_t cls) const {
  return state_->parameters(theta, cls);
}

const IndividualData& KetamineIndividual::data() const {
  return state_->data;
}

const pd::KetamineModel& KetamineIndividual::population() const {
  return state_->population;
}

core::Result<std::vector<std::vector<double>>> KetamineIndividual::reductions(
    std::span<const WeightedDraw> draws, std::span<const pd::Dose> doses,
    std::span<const double> times) const {
  const std::vector<double> initial(draws.size(), 0.0);
  return branch(draws, doses, times, 0.0, initial);
}

core::Result<std::vector<double>> KetamineIndividual::sustained_at(
    std::span<const WeightedDraw> draws, std::span<const pd::Dose> doses, double time) const {
  const pd::KetamineParameters typical = state_->parameters({}, 0);
  const std::array<double, 1> times{time};
  const ExposurePath path =
      KETAPATH_TRY(ExposurePath::build(typical, doses, times, state_->options));
  std::vector<double> kon;
  std::vector<double> t12;
  for (const WeightedDraw& w : draws) {
    const pd::KetamineParameters p = state_->parameters(
        std::span<const double>(w.theta.data(), static_cast<std::size_t>(w.theta.size())), w.cls);
    kon.push_back(p.s_kon.value());
    t12.push_back(p.s_t12.value());
  }
  const std::vector<double> initial(draws.size(), 0.0);
  std::vector<double> out(draws.size());
  path.sustained_many(kon, t12, initial, out);
  return out;
}

core::Result<std::vector<std::vector<double>>> KetamineIndividual::reductions_from(
    std::span<const WeightedDraw> draws, std::span<const pd::Dose> doses,
    std::span<const double> times, double from, std::span<const double> initial) const {
  if (initial.size() != draws.size()) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "reductions: {} initial states for {} draws", initial.size(), draws.size());
  }
  return branch(draws, doses, times, from, initial);
}

core::Result<std::vector<std::vector<double>>> KetamineIndividual::branch(
    std::span<const WeightedDraw> draws, std::span<const pd::Dose> doses,
    std::span<const double> times, double from, std::span<const double> initial) const {
  const pd::KetamineParameters typical = state_->parameters({}, 0);
  const ExposurePath path =
      KETAPATH_TRY(ExposurePath::build(typical, doses, times, state_->options, from));
  const pd::DoseHistory history(doses);
  std::vector<pd::KetamineParameters> parameters;
  std::vector<double> kon;
  std::vector<double> t12;
  parameters.reserve(draws.size());
  for (const WeightedDraw& w : draws) {
    parameters.push_back(state_->parameters(
        std::span<const double>(w.theta.data(), static_cast<std::size_t>(w.theta.size())), w.cls));
    kon.push_back(parameters.back().s_kon.value());
    t12.push_back(parameters.back().s_t12.value());
  }
  std::vector<double> s(draws.size() * times.size());
  path.sustained_many(kon, t12, initial, s);
  std::vector<std::vector<double>> out;
  out.reserve(draws.size());
  for (std::size_t j = 0; j < draws.size(); ++j) {
    std::vector<double> row(times.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
      row[i] = pd::ketamine_outputs(parameters[j], history, core::Hours(times[i]),
                                    path.effect_site()[i], s[j * times.size() + i])
                   .total_reduction;
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace ketapath::estimation
