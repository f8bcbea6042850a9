// Side-by-side comparison with deSolve on the benchmark workload (bench/compare_desolve.sh runs
// this, interleaved with R). Both sides read the same Ketapath subjects file. Modes:
//   population_desolve_compare write-subjects N SEED FILE
//       writes the first N benchmark subjects as a subjects file (io/subjects_file.h);
//   population_desolve_compare agree FILE DESOLVE_CSV N
//       checks Ketapath against deSolve's output for the file's first N subjects (max relative
//       difference of C, CE and NK where they exceed 1% of the subject's peak; absolute
//       difference of S); exit 3 if C differs by 1e-4 or more;
//   population_desolve_compare time FILE
//       simulates every subject of the file on one thread through the runner's path
//       (simulate_subjects in chunks of 64), keeping every subject's full hourly time course in
//       memory (as deSolve returns one matrix per subject), then again keeping endpoints only;
//       prints "ketapath subjects=N profiles_cpu_s=X endpoints_cpu_s=Y";
//   population_desolve_compare limit FILE
//       how close the kernel is to the cost of the exp() calls a closed form would need.
// Times are CPU seconds of this process, so a loaded machine slows both engines alike (but
// shares caches and memory bandwidth: run it on a quiet machine).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "io/subjects_file.h"
#include "population/batch_kernel.h"
#include "population/batch_runner.h"
#include "population/benchmark_workload.h"
#include "population/subject_blocks.h"
#include "population/subject_columns.h"

namespace {

using namespace ketapath::population;

double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

int write_subjects(std::size_t n, std::uint64_t seed, const std::string& path) {
  BatchSubjects s;
  append_benchmark_subjects(0, n, seed, s);
  std::ofstream out(path);
  out << "ID,KA,F,V1,V2,CL,Q,FM,VNK,CLNK,KE0,EC50,KON,KOFF\n";
  for (std::size_t i = 0; i < n; ++i) {
    out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", i + 1, s.ka[i], s.f[i],
                       s.v1[i], s.v2[i], s.cl[i], s.q[i], s.fm[i], s.v_nk[i], s.cl_nk[i], s.ke0[i],
                       s.ec50[i], s.kon[i], s.koff[i]);
  }
  return out ? 0 : 1;
}

// The subjects of a file written by write-subjects (exits on a malformed file).
struct FileSubjects {
  std::vector<std::int64_t> ids;
  BatchSubjects subjects;
};

FileSubjects read_subjects(const std::string& path) {
  auto table = ketapath::io::read_subjects_file(path, benchmark_subject_columns(),
                                                benchmark_typical_subject());
  if (!table) {
    std::fprintf(stderr, "population_desolve_compare: %s\n", table.error().message.c_str());
    std::exit(2);
  }
  return {std::move(table->ids), std::move(table->subjects)};
}

// Ketapath profiles of subjects [0, n): [subject][time][variable], by the path `time` measures.
std::vector<double> ketapath_profiles(const BatchSchedule& schedule, const BatchSubjects& s,
                                      std::size_t n) {
  const std::size_t times = schedule.protocol.output_times_h.size();
  std::vector<double> all(n * times * kProfileVariables);
  std::vector<double> endpoints(n * kEndpointCount);
  simulate_subjects(schedule, s, 0, n, endpoints.data(), all.data());
  return all;
}

int agree(const std::string& file, const std::string& desolve_csv, std::size_t n) {
  const BatchSchedule schedule = build_schedule(benchmark_protocol()).value();
  const std::size_t times = schedule.protocol.output_times_h.size();
  const FileSubjects file_subjects = read_subjects(file);
  n = std::min(n, file_subjects.subjects.size());
  std::vector<double> theirs(n * times * kProfileVariables, NAN);
  std::ifstream in(desolve_csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream fields(line);
    double id = 0, time = 0, c = 0, nk = 0, ce = 0, s = 0;
    fields >> id >> time >> c >> nk >> ce >> s;
    const auto at = std::find(file_subjects.ids.begin(), file_subjects.ids.end(),
                              static_cast<std::int64_t>(id));
    const auto i = static_cast<std::size_t>(at - file_subjects.ids.begin());
    const auto k = static_cast<std::size_t>(std::lround(time));
    if (!fields || i >= n || k >= times) {
      std::fprintf(stderr, "agree: bad row in %s: %s\n", desolve_csv.c_str(), line.c_str());
      return 1;
    }
    double* row = &theirs[(i * times + k) * kProfileVariables];
    row[0] = c;
    row[1] = nk;
    row[2] = ce;
    row[3] = s;
  }
  const std::vector<double> ours = ketapath_profiles(schedule, file_subjects.subjects, n);
  double max_rel[3] = {0, 0, 0};
  double max_abs_s = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t v = 0; v < 3; ++v) {
      double peak = 0.0;
      for (std::size_t k = 0; k < times; ++k) {
        peak = std::max(peak, ours[(i * times + k) * kProfileVariables + v]);
      }
      for (std::size_t k = 0; k < times; ++k) {
        const double a = ours[(i * times + k) * kProfileVariables + v];
        const double b = theirs[(i * times + k) * kProfileVariables + v];
        if (std::isnan(b)) {
          std::fprintf(stderr, "agree: deSolve output lacks subject %zu hour %zu\n", i, k);
          return 1;
        }
        if (a > 0.01 * peak) {
          max_rel[v] = std::max(max_rel[v], std::fabs(a - b) / std::fabs(b));
        }
      }
    }
    for (std::size_t k = 0; k < times; ++k) {
      const std::size_t at = (i * times + k) * kProfileVariables + 3;
      max_abs_s = std::max(max_abs_s, std::fabs(ours[at] - theirs[at]));
    }
  }
  fmt::print("agreement on the file's first {} subjects (deSolve rtol 1e-6, atol 1e-9):\n", n);
  fmt::print(
      "  max relative difference where above 1% of peak: C {:.2e}  CE {:.2e}  NK {:.2e} "
      "(criterion C < 1e-4: {})\n",
      max_rel[0], max_rel[2], max_rel[1], max_rel[0] < 1e-4 ? "PASS" : "FAIL");
  fmt::print("  max absolute difference of S: {:.2e}\n", max_abs_s);
  return max_rel[0] < 1e-4 ? 0 : 3;
}

int time_file(const std::string& file) {
  const BatchSchedule schedule = build_schedule(benchmark_protocol()).value();
  const std::size_t times = schedule.protocol.output_times_h.size();
  const FileSubjects file_subjects = read_subjects(file);
  const BatchSubjects& subjects = file_subjects.subjects;
  const std::size_t n = subjects.size();
  const std::size_t per_subject = times * kProfileVariables;
  // Every subject's time course kept: [subject][time][variable], as deSolve's output matrices.
  std::vector<double> kept(n * per_subject);
  std::vector<double> endpoints(n * kEndpointCount);
  double checksum = 0.0;
  // In chunks of the runner's size (kChunkSize), through the runner's own path (simulate_subjects),
  // so blocks are grouped only as `ketapath population` groups them.
  auto run = [&](bool profiles) {
    const double start = cpu_seconds();
    for (std::size_t first = 0; first < n; first += kChunkSize) {
      const std::size_t count = std::min(kChunkSize, n - first);
      simulate_subjects(schedule, subjects, first, count, &endpoints[first * kEndpointCount],
                        profiles ? &kept[first * per_subject] : nullptr);
    }
    const double seconds = cpu_seconds() - start;
    for (std::size_t i = 0; i < n; ++i) {
      checksum += endpoints[i * kEndpointCount + kSEnd];
    }
    return seconds;
  };
  const double profiles_s = run(true);
  const double endpoints_s = run(false);
  checksum += kept[kept.size() / 2];
  fmt::print("ketapath subjects={} profiles_cpu_s={:.6f} endpoints_cpu_s={:.6f}\n", n, profiles_s,
             endpoints_s);
  return checksum == 0.0 ? 1 : 0;  // keeps the timed work observable
}

int limit(const std::string& file) {
  const BatchSchedule schedule = build_schedule(benchmark_protocol()).value();
  const std::size_t times = schedule.protocol.output_times_h.size();
  const FileSubjects file_subjects = read_subjects(file);
  const BatchSubjects& subjects = file_subjects.subjects;
  const std::size_t n = subjects.size();
  std::vector<double> block(times * kProfileVariables * kLanes);
  std::vector<double> endpoints(kLanes * kEndpointCount);
  double checksum = 0.0;
  const double start = cpu_seconds();
  for (std::size_t first = 0; first < n; first += kLanes) {
    simulate_block(schedule, subjects, first, std::min(kLanes, n - first), endpoints.data(),
                   block.data());
    checksum += endpoints[kSEnd];
  }
  const double per_subject = (cpu_seconds() - start) / static_cast<double>(n);
  // The closed form's unavoidable exp() calls: a sum-of-exponentials solution evaluated at every
  // output time needs one exp per mode (KA, lambda1, lambda2, CLNK/VNK, KE0) and time.
  const std::size_t exp_subjects = std::min<std::size_t>(n, 2000);
  const double exp_start = cpu_seconds();
  double exp_sum = 0.0;
  for (std::size_t i = 0; i < exp_subjects; ++i) {
    const double rates[5] = {subjects.ka[i], 5.3, 0.27, 0.5, subjects.ke0[i]};
    for (std::size_t k = 0; k < times; ++k) {
      const double t = static_cast<double>(k % 168) + 0.5;
      for (double r : rates) {
        exp_sum += std::exp(-r * t);
      }
    }
  }
  const double exp_per_subject = (cpu_seconds() - exp_start) / static_cast<double>(exp_subjects);
  const KernelWork work = kernel_work(schedule);
  fmt::print(
      "limit: kernel {:.1f} us per subject ({} steps: exact 6-state linear advance + 3-node "
      "collocation; {} Taylor exponentials and {} squarings per subject)\n",
      per_subject * 1e6, work.steps, work.matrix_exponentials, work.squarings);
  fmt::print(
      "       a closed form evaluated at every output needs 5 x {} = {} exp() calls: "
      "{:.1f} us per subject\n",
      times, 5 * times, exp_per_subject * 1e6);
  fmt::print("       kernel time / unavoidable exp() time = {:.2f} ({:.1f} ns per subject-step)\n",
             per_subject / exp_per_subject, per_subject / static_cast<double>(work.steps) * 1e9);
  return checksum == 0.0 || exp_sum == 0.0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 4 && args[0] == "write-subjects") {
    return write_subjects(std::stoul(args[1]), std::stoull(args[2]), args[3]);
  }
  if (args.size() == 4 && args[0] == "agree") {
    return agree(args[1], args[2], std::stoul(args[3]));
  }
  if (args.size() == 2 && args[0] == "time") {
    return time_file(args[1]);
  }
  if (args.size() == 2 && args[0] == "limit") {
    return limit(args[1]);
  }
  std::fprintf(stderr,
               "usage: population_desolve_compare write-subjects N SEED FILE\n"
               "       population_desolve_compare agree FILE DESOLVE_CSV N\n"
               "       population_desolve_compare time FILE\n"
               "       population_desolve_compare limit FILE\n");
  return 2;
}
