// Closed-form user model against the built-in path, on the same subjects: 100 subjects, each a
// 100 mg bolus and 11 samples over 24 h with a weight that changes at every record (so the user
// model really runs $PK per record and switches solvers). The built-in side computes the same
// per-record CL and Q in C++ and calls pk::simulate_per_record; the user side binds the model
// (which also computes PRED, the prediction at ETA = 0, as simulation with variability needs)
// and predicts at the subject's ETAs. Each iteration checks the two agree.

#include <cmath>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "io/nmtran.h"
#include "pk/model.h"
#include "pk/simulate.h"
#include "usermodel/model_file.h"
#include "usermodel/user_model.h"

namespace {

using namespace ketapath;

constexpr int kSubjects = 100;

struct Workload {
  std::vector<pk::SubjectTimeline> subjects;
  std::vector<std::vector<double>> etas;
};

const Workload& workload() {
  static const Workload w = [] {
    std::string text = "ID,TIME,AMT,EVID,WT\n";
    const double times[] = {0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24};
    for (int i = 1; i <= kSubjects; ++i) {
      text += fmt::format("{},0,100,1,{}\n", i, 50 + i % 40);
      for (int k = 0; k < 11; ++k)
        text += fmt::format("{},{},.,0,{}\n", i, times[k], 50 + (i + k) % 40);
    }
    Workload out;
    out.subjects = io::parse_nmtran(text, "bench.csv").value().subjects;
    for (int i = 0; i < kSubjects; ++i)
      out.etas.push_back({0.3 * std::sin(i), 0.2 * std::cos(i)});
    return out;
  }();
  return w;
}

// two_cmt_wt.toml's $PK written in C++: each record's CL, V1, Q, V2.
std::vector<pk::ParameterValues> built_in_parameters(const pk::SubjectTimeline& s,
                                                     const std::vector<double>& eta) {
  std::vector<pk::ParameterValues> per_record;
  per_record.reserve(s.records.size());
  for (const pk::Record& r : s.records) {
    const double scale = std::pow(*r.covariates[0] / 70.0, 0.75);
    per_record.push_back({{"CL", 79.0 * scale * std::exp(eta[0])},
                          {"V1", 80.0 * std::exp(eta[1])},
                          {"Q", 250.0 * scale},
                          {"V2", 172.0}});
  }
  return per_record;
}

void BM_BuiltInClosedForm(benchmark::State& state) {
  const Workload& w = workload();
  const pk::ModelSpec& model = *pk::find_model("two_cmt");
  double sum = 0;
  for (auto _ : state) {
    for (int i = 0; i < kSubjects; ++i) {
      const pk::SubjectTimeline& s = w.subjects[i];
      const std::vector<pk::ParameterValues> per_record = built_in_parameters(s, w.etas[i]);
      const auto rows = pk::simulate_per_record(model, per_record, s).value();
      sum += rows.back().cp;
    }
  }
  benchmark::DoNotOptimize(sum);
  state.counters["subjects_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kSubjects, benchmark::Counter::kIsRate);
}

void BM_UserModelClosedForm(benchmark::State& state) {
  const Workload& w = workload();
  auto definition =
      usermodel::read_model_file(std::string(KETAPATH_SOURCE_DIR) + "/models/user/two_cmt_wt.toml");
  const auto model = usermodel::UserModel::create(std::move(definition).value()).value();
  double sum = 0;
  for (auto _ : state) {
    for (int i = 0; i < kSubjects; ++i) {
      auto bound = model->bind(w.subjects[i], {}, {}).value();
      std::vector<double> ipred(bound->rows().size());
      if (!bound->predict(w.etas[i], ipred))
        state.SkipWithError("predict failed");
      sum += ipred.back();
    }
  }
  benchmark::DoNotOptimize(sum);
  state.counters["subjects_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kSubjects, benchmark::Counter::kIsRate);
}

// The check that both sides compute the same thing (run once, outside the timing).
void BM_CheckAgreement(benchmark::State& state) {
  const Workload& w = workload();
  auto definition =
      usermodel::read_model_file(std::string(KETAPATH_SOURCE_DIR) + "/models/user/two_cmt_wt.toml");
  const auto model = usermodel::UserModel::create(std::move(definition).value()).value();
  double worst = 0;
  for (auto _ : state) {
    for (int i = 0; i < kSubjects; ++i) {
      const pk::SubjectTimeline& s = w.subjects[i];
      const std::vector<pk::ParameterValues> per_record = built_in_parameters(s, w.etas[i]);
      const auto rows = pk::simulate_per_record(*pk::find_model("two_cmt"), per_record, s).value();
      auto bound = model->bind(s, {}, {}).value();
      std::vector<double> ipred(bound->rows().size());
      (void)bound->predict(w.etas[i], ipred);
      for (std::size_t k = 0; k < rows.size(); ++k)
        worst = std::max(worst, std::abs(ipred[k] - rows[k].cp) / std::abs(rows[k].cp));
    }
  }
  state.counters["worst_relative_difference"] = worst;
  if (worst > 1e-12)
    state.SkipWithError("the user model and the built-in path disagree");
}

BENCHMARK(BM_CheckAgreement)->Iterations(1);
BENCHMARK(BM_BuiltInClosedForm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UserModelClosedForm)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
