// One patient's complete forecast, as `ketapath clinic forecast` and a chart page compute it: the
// Laplace fit (2 classes x 3 starts), 1,000 importance-sampling draws, 200 resampled draws, the
// recommendation over 12 weeks and the two forecasts (no further dose; the proposed schedule).
// The patient: the 6-infusion loading series with its 19 HAM-A ratings. Run with
//   nice -n 19 build/bench/estimation/forecast_benchmark --benchmark_min_time=3
// Each iteration checks its result, so the benchmark measures complete work.

#include <stdexcept>

#include <benchmark/benchmark.h>

#include "estimation/forecast.h"
#include "estimation/virtual_course.h"
#include "io/model_file.h"

namespace ketapath::estimation {
namespace {

pd::KetamineModel load() {
  auto m = io::load_model("ketamine", io::DataDirectories::from(std::nullopt, std::nullopt,
                                                                std::nullopt, KETAPATH_SOURCE_DIR));
  if (!m) {
    throw std::runtime_error(m.error().message);
  }
  return *m;
}

void BM_OnePatientForecast(benchmark::State& state) {
  const pd::KetamineModel model = load();
  std::vector<double> etas(model.etas.size(), 0.0);
  const pd::SubjectCovariates covariates{.weight = core::Kilograms(75.0)};
  const auto truth = pd::individualize(model, covariates, etas);
  const auto doses = loading_course(covariates.weight);
  const auto times = clinic_rating_times(doses);
  const auto ratings = rate(truth, pd::Scale::HamA, 26.0, doses, times, 1, 0, 0);
  if (!ratings) {
    throw std::runtime_error(ratings.error().message);
  }
  const double now = times.back();
  for (auto _ : state) {
    auto individual = KetamineIndividual::create(
        model, {.covariates = covariates, .doses = doses, .ratings = *ratings});
    auto laplace = fit_laplace(individual->model());
    auto is = importance_sample(individual->model(), *laplace, {.draws = 1000, .seed = 1});
    const auto draws = resample(is->draws, 200);
    RecommendRequest req;
    req.now = now;
    for (int d = 1; d <= 28; ++d) {
      req.candidates.push_back(now + 24.0 * d);
    }
    req.intervals = {168.0, 336.0, 504.0, 672.0};
    req.maintenance = maintenance_dose(covariates.weight, 0.0);
    const ForecastOptions options{.scale = pd::Scale::HamA};
    auto rec = recommend(*individual, draws, req, options);
    auto alone = forecast(*individual, draws, {.now = now, .horizon = req.horizon}, options);
    std::vector<pd::Dose> planned;
    for (double t = rec->chosen.next; t < now + req.horizon; t += rec->chosen.interval) {
      planned.push_back(maintenance_dose(covariates.weight, t));
    }
    auto f = forecast(*individual, draws, {.now = now, .horizon = req.horizon, .planned = planned},
                      options);
    if (!f || f->points.empty() || !alone || rec->evaluated.empty()) {
      state.SkipWithError("forecast failed");
      break;
    }
    benchmark::DoNotOptimize(f->points.back().i95.upper);
  }
}

BENCHMARK(BM_OnePatientForecast)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ketapath::estimation

BENCHMARK_MAIN();
