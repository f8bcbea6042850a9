// Google Benchmarks of the batch engine on the benchmark workload (12 weekly doses, hourly output
// to 2016 h). items_per_second is subjects per second. Compare:
//   BM_Kernel/profiles vs BM_ExpFloor: the kernel against the exp() calls a closed form evaluated
//     at every output time cannot avoid (5 modes x 2017 times per subject);
//   BM_Runner/threads:2 vs BM_Runner/threads:1 (real time): the thread scaling (target >= 1.8x on
//     an otherwise idle 2-core machine).

#include <cmath>
#include <vector>

#include <benchmark/benchmark.h>

#include "population/batch_kernel.h"
#include "population/batch_runner.h"
#include "population/benchmark_workload.h"

namespace {

using namespace ketapath::population;

const BatchSchedule& schedule() {
  static const BatchSchedule s = build_schedule(benchmark_protocol()).value();
  return s;
}

void BM_Kernel(benchmark::State& state) {
  const bool profiles = state.range(0) != 0;
  BatchSubjects subjects;
  append_benchmark_subjects(0, 1024, 1, subjects);
  const std::size_t times = schedule().protocol.output_times_h.size();
  std::vector<double> block(times * kProfileVariables * kLanes);
  std::vector<double> endpoints(kLanes * kEndpointCount);
  std::size_t first = 0;
  for (auto _ : state) {
    simulate_block(schedule(), subjects, first, kLanes, endpoints.data(),
                   profiles ? block.data() : nullptr);
    benchmark::DoNotOptimize(endpoints.data());
    if (!(endpoints[kSEnd] > 0.0 && endpoints[kSEnd] < 1.0)) {
      state.SkipWithError("kernel produced an implausible S");
      break;
    }
    first = (first + kLanes) % 1024;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kLanes));
  state.SetLabel(profiles ? "full time courses" : "endpoints only");
}

BENCHMARK(BM_Kernel)->Arg(1)->Arg(0);

void BM_ExpFloor(benchmark::State& state) {
  BatchSubjects subjects;
  append_benchmark_subjects(0, 64, 1, subjects);
  const std::size_t times = schedule().protocol.output_times_h.size();
  std::size_t i = 0;
  for (auto _ : state) {
    const double rates[5] = {subjects.ka[i], 5.3, 0.27, 0.5, subjects.ke0[i]};
    double sum = 0.0;
    for (std::size_t k = 0; k < times; ++k) {
      const double t = static_cast<double>(k % 168) + 0.5;
      for (double r : rates) {
        sum += std::exp(-r * t);
      }
    }
    benchmark::DoNotOptimize(sum);
    i = (i + 1) % 64;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("5 x 2017 exp() per subject");
}

BENCHMARK(BM_ExpFloor);

void BM_Runner(benchmark::State& state) {
  const auto threads = static_cast<unsigned>(state.range(0));
  const std::size_t n = 4096;
  const SubjectSource source = [](std::size_t first, std::size_t count,
                                  BatchSubjects& out) -> ketapath::core::Status {
    append_benchmark_subjects(first, count, 1, out);
    return {};
  };
  for (auto _ : state) {
    auto result = run_population(schedule(), source, {.subjects = n, .threads = threads}, nullptr);
    if (!result || result->summary->subjects() != n) {
      state.SkipWithError("runner failed");
      break;
    }
    benchmark::DoNotOptimize(result->summary->statistic(kSEnd).mean());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

BENCHMARK(BM_Runner)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(
    benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
