// One subject, 100 oral doses every 12 h and 1,000 observations every 1.2 h, through pk::simulate
// with the closed forms and with CVODE (rtol 1e-10, atol 1e-12). Every run is checked against an
// exact event-by-event matrix-exponential solution computed once outside the timed loop, so the
// benchmark measures complete, correct work.
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "pk/linear_system.h"
#include "pk/simulate.h"
#include "pk/structure.h"

namespace ketapath::pk {
namespace {

constexpr int kDoses = 100;
constexpr int kObservations = 1000;

ParameterValues parameters(const std::string& model) {
  // Racemic-ketamine-like values (mg, L, h).
  if (model == "two_cmt_depot")
    return {{"KA", 4.0}, {"CL", 79.0}, {"V2", 80.0}, {"Q", 250.0}, {"V3", 172.0}, {"F1", 0.9}};
  return {{"KA", 4.0},  {"CL", 79.0},  {"V2", 80.0}, {"Q3", 250.0}, {"V3", 172.0},
          {"Q4", 30.0}, {"V4", 400.0}, {"F1", 0.9},  {"KE0", 5.0}};
}

SubjectTimeline subject() {
  SubjectTimeline s;
  s.id = "1";
  int dose = 0;
  for (int j = 0; j < kObservations; ++j) {
    const double t = 1.2 * j;
    while (dose < kDoses && 12.0 * dose <= t) {
      Record r;
      r.time = core::Hours(12.0 * dose);
      r.kind = RecordKind::Dose;
      r.dose.amount = core::Milligrams(70.0);
      s.records.push_back(r);
      ++dose;
    }
    Record o;
    o.time = core::Hours(t);
    o.kind = RecordKind::Observation;
    s.records.push_back(o);
  }
  return s;
}

// Exact CP at every observation, event by event with the Van Loan propagator.
std::vector<double> reference(const std::string& model) {
  const ParameterValues p = parameters(model);
  const ModelStructure st = *make_structure(*find_model(model), p);
  const Eigen::MatrixXd k = st.rate_matrix();
  std::map<double, LinearPropagator> steps;
  Eigen::VectorXd x = Eigen::VectorXd::Zero(k.rows());
  const Eigen::VectorXd none = Eigen::VectorXd::Zero(k.rows());
  std::vector<double> cp;
  double t = 0.0;
  for (const Record& r : subject().records) {
    const double dt = r.time.value() - t;
    if (dt > 0) {
      auto it = steps.find(dt);
      if (it == steps.end())
        it = steps.emplace(dt, LinearPropagator(k, dt)).first;
      it->second.advance(x, none);
      t = r.time.value();
    }
    if (r.kind == RecordKind::Dose)
      x[0] += 0.9 * r.dose.amount.value();
    if (r.kind == RecordKind::Observation)
      cp.push_back(x[st.central] / st.central_volume);
  }
  return cp;
}

void run(benchmark::State& state, const std::string& model, SolverKind solver, double tolerance) {
  const ParameterValues p = parameters(model);
  const SubjectTimeline s = subject();
  const std::vector<double> expected = reference(model);
  SimulationOptions options;
  options.solver = solver;
  const ModelSpec& spec = *find_model(model);
  double worst = 0.0;
  for (auto _ : state) {
    auto rows = simulate(spec, p, s, options);
    if (!rows || rows->size() != expected.size()) {
      state.SkipWithError("simulate failed");
      return;
    }
    benchmark::DoNotOptimize(rows->data());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      worst = std::max(worst, std::abs((*rows)[i].cp - expected[i]) / std::abs(expected[i]));
    }
  }
  if (!(worst <= tolerance)) {
    state.SkipWithError(fmt::format("CP off the exact solution by {:.3g} relative", worst).c_str());
    return;
  }
  state.counters["max_rel_err"] = worst;
  state.counters["obs_per_s"] = benchmark::Counter(static_cast<double>(kObservations),
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ClosedForm_TwoCmtDepot(benchmark::State& s) {
  run(s, "two_cmt_depot", SolverKind::ClosedForm, 1e-10);
}

void BM_Cvode_TwoCmtDepot(benchmark::State& s) {
  run(s, "two_cmt_depot", SolverKind::Ode, 1e-6);
}

void BM_ClosedForm_ThreeCmtDepotKe0(benchmark::State& s) {
  run(s, "three_cmt_depot", SolverKind::ClosedForm, 1e-10);
}

void BM_Cvode_ThreeCmtDepotKe0(benchmark::State& s) {
  run(s, "three_cmt_depot", SolverKind::Ode, 1e-6);
}

BENCHMARK(BM_ClosedForm_TwoCmtDepot)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Cvode_TwoCmtDepot)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ClosedForm_ThreeCmtDepotKe0)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Cvode_ThreeCmtDepotKe0)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ketapath::pk

BENCHMARK_MAIN();
