#pragma once
// Shared helpers for the pk tests: record builders, typical parameter sets for every catalogue
// model, and the independent reference: a brute-force simulator that executes a hand-written list
// of primitive actions (bolus, infusion of given rate and duration, reset, output) with
// pk::LinearPropagator (Van Loan matrix exponential) on a rate matrix written out here from the
// micro-constants, sharing no code with the production solvers or event resolution.

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "pk/event_timeline.h"
#include "pk/linear_system.h"
#include "pk/model.h"
#include "pk/simulate.h"

namespace ketapath::pk::testing {

// ---- Records ---------------------------------------------------------------------------------

inline Record observation(double t, std::size_t line = 0) {
  Record r;
  r.time = core::Hours(t);
  r.kind = RecordKind::Observation;
  r.source_line = line;
  return r;
}

struct DoseOptions {
  int cmt = 0;
  double rate = 0.0;  // > 0 fixed, -1 modelled rate, -2 modelled duration
  double ii = 0.0;
  int addl = 0;
  int ss = 0;
  RecordKind kind = RecordKind::Dose;
  std::size_t line = 0;
};

inline Record dose(double t, double amt, DoseOptions o = {}) {
  Record r;
  r.time = core::Hours(t);
  r.kind = o.kind;
  r.source_line = o.line;
  r.dose.amount = core::Milligrams(amt);
  r.dose.compartment = o.cmt;
  if (o.rate > 0.0) {
    r.dose.rate_kind = RateKind::Fixed;
    r.dose.rate = core::MilligramsPerHour(o.rate);
  } else if (o.rate == -1.0) {
    r.dose.rate_kind = RateKind::ModelledRate;
  } else if (o.rate == -2.0) {
    r.dose.rate_kind = RateKind::ModelledDuration;
  }
  r.dose.interval = core::Hours(o.ii);
  r.dose.additional = o.addl;
  r.dose.steady_state = o.ss == 0   ? SteadyState::None
                        : o.ss == 1 ? SteadyState::Reset
                                    : SteadyState::Superpose;
  return r;
}

inline Record reset(double t, std::size_t line = 0) {
  Record r;
  r.time = core::Hours(t);
  r.kind = RecordKind::Reset;
  r.source_line = line;
  return r;
}

inline SubjectTimeline timeline(std::vector<Record> records) {
  SubjectTimeline s;
  s.id = "1";
  s.records = std::move(records);
  return s;
}

// ---- Parameters ------------------------------------------------------------------------------

/// Typical, well-separated parameters for each catalogue model (data units: mg, L, h).
inline ParameterValues typical_parameters(const std::string& model) {
  if (model == "one_cmt")
    return {{"CL", 5.0}, {"V", 50.0}};
  if (model == "one_cmt_depot")
    return {{"KA", 1.2}, {"CL", 5.0}, {"V", 50.0}};
  if (model == "two_cmt")
    return {{"CL", 5.0}, {"V1", 20.0}, {"Q", 8.0}, {"V2", 60.0}};
  if (model == "two_cmt_depot") {
    return {{"KA", 1.2}, {"CL", 5.0}, {"V2", 20.0}, {"Q", 8.0}, {"V3", 60.0}};
  }
  if (model == "three_cmt") {
    return {{"CL", 5.0}, {"V1", 20.0}, {"Q2", 8.0}, {"V2", 60.0}, {"Q3", 2.0}, {"V3", 100.0}};
  }
  if (model == "three_cmt_depot") {
    return {{"KA", 1.2},  {"CL", 5.0}, {"V2", 20.0}, {"Q3", 8.0},
            {"V3", 60.0}, {"Q4", 2.0}, {"V4", 100.0}};
  }
  if (model == "one_cmt_mm")
    return {{"VM", 20.0}, {"KM", 2.0}, {"V", 50.0}};
  return {};
}

inline const std::vector<std::string>& linear_models() {
  static const std::vector<std::string> names{"one_cmt",       "one_cmt_depot", "two_cmt",
                                              "two_cmt_depot", "three_cmt",     "three_cmt_depot"};
  return names;
}

// ---- Reference -------------------------------------------------------------------------------

/// Micro-constant rate matrix written out per model (independent of pk::ModelStructure); with
/// KE0 the effect site CE is the last state.
inline Eigen::MatrixXd reference_matrix(const std::string& model, const ParameterValues& p) {
  auto v = [&](const char* name) {
    return p.at(name);
  };
  const bool depot = model.ends_with("_depot");
  const int offset = depot ? 1 : 0;
  std::vector<std::pair<double, double>> periph;  // (Q, Vp)
  double cl = v("CL");
  double vc = 0.0;
  if (model == "one_cmt" || model == "one_cmt_depot")
    vc = v("V");
  if (model == "two_cmt") {
    vc = v("V1");
    periph = {{v("Q"), v("V2")}};
  }
  if (model == "two_cmt_depot") {
    vc = v("V2");
    periph = {{v("Q"), v("V3")}};
  }
  if (model == "three_cmt") {
    vc = v("V1");
    periph = {{v("Q2"), v("V2")}, {v("Q3"), v("V3")}};
  }
  if (model == "three_cmt_depot") {
    vc = v("V2");
    periph = {{v("Q3"), v("V3")}, {v("Q4"), v("V4")}};
  }
  const int n = offset + 1 + static_cast<int>(periph.size());
  const bool effect = p.contains("KE0");
  Eigen::MatrixXd k = Eigen::MatrixXd::Zero(n + (effect ? 1 : 0), n + (effect ? 1 : 0));
  const int c = offset;
  if (depot) {
    k(0, 0) = -v("KA");
    k(c, 0) = v("KA");
  }
  k(c, c) = -cl / vc;
  for (std::size_t i = 0; i < periph.size(); ++i) {
    const int j = c + 1 + static_cast<int>(i);
    const auto [q, vp] = periph[i];
    k(c, c) -= q / vc;
    k(j, c) = q / vc;
    k(c, j) = q / vp;
    k(j, j) = -q / vp;
  }
  if (effect) {
    k(n, c) = v("KE0") / vc;
    k(n, n) = -v("KE0");
  }
  return k;
}

struct Action {
  enum Kind { Bolus, Infusion, Reset, Output } kind = Output;

  double time = 0.0;
  int cmt = 0;  // 0-based
  double amount = 0.0;
  double rate = 0.0;
  double duration = 0.0;
};

inline Action ref_bolus(double t, int cmt, double amount) {
  return {Action::Bolus, t, cmt, amount};
}

inline Action ref_infusion(double t, int cmt, double rate, double duration) {
  return {Action::Infusion, t, cmt, 0.0, rate, duration};
}

inline Action ref_reset(double t) {
  return {Action::Reset, t};
}

inline Action ref_output(double t) {
  return {Action::Output, t};
}

/// Executes actions in the given order; returns the full state at each Output.
class ReferenceSimulator {
 public:
  explicit ReferenceSimulator(Eigen::MatrixXd k) : k_(std::move(k)) {}

  std::vector<Eigen::VectorXd> run(const std::vector<Action>& actions) {
    const Eigen::Index n = k_.rows();
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n);

    struct Running {
      int cmt;
      double rate;
      double end;
    };

    std::vector<Running> running;
    std::vector<Eigen::VectorXd> out;
    double t = actions.empty() ? 0.0 : actions.front().time;
    auto advance_to = [&](double target) {
      while (t < target) {
        double next = target;
        for (const Running& r : running) {
          if (r.end > t && r.end < next)
            next = r.end;
        }
        Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
        for (const Running& r : running) {
          if (r.end > t)
            b[r.cmt] += r.rate;
        }
        step(next - t).advance(x, b);
        t = next;
      }
    };
    for (const Action& a : actions) {
      if (a.kind == Action::Reset) {
        if (a.time >= t)
          advance_to(a.time);
        x.setZero();
        running.clear();
        t = a.time;
        continue;
      }
      advance_to(a.time);
      switch (a.kind) {
        case Action::Bolus:
          x[a.cmt] += a.amount;
          break;
        case Action::Infusion:
          running.push_back({a.cmt, a.rate, a.time + a.duration});
          break;
        case Action::Output:
          out.push_back(x);
          break;
        case Action::Reset:
          break;
      }
    }
    return out;
  }

 private:
  const LinearPropagator& step(double dt) {
    auto it = cache_.find(dt);
    if (it == cache_.end())
      it = cache_.emplace(dt, LinearPropagator(k_, dt)).first;
    return it->second;
  }

  Eigen::MatrixXd k_;
  std::map<double, LinearPropagator> cache_;
};

/// |a - b| <= rel |b| + floor.
inline bool close(double a, double b, double rel, double floor) {
  return std::abs(a - b) <= rel * std::abs(b) + floor;
}

}  // namespace ketapath::pk::testing
