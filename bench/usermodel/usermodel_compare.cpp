// The benchmark workload through the user-model path (models/user/benchmark_workload.toml, $DES
// on CVODE at the workload's tolerances: relative 1e-6, absolute 1e-9), timed on the subjects of
// a file written by `population_desolve_compare write-subjects`, for bench/compare_usermodel.sh.
//   usermodel_compare time SUBJECTS.csv N [auto|bdf|dopri5]  -> "user_cpu_s=... subjects=N
//   checksum=..."
// The solver defaults to the model file's (auto).
// Every subject's full hourly C profile (2,017 values) is computed and kept, as deSolve's are.

#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "core/allocator.h"
#include "io/subjects_file.h"
#include "population/benchmark_workload.h"
#include "population/subject_columns.h"
#include "usermodel/model_file.h"
#include "usermodel/user_model.h"

namespace {

using namespace ketapath;

int time_file(const std::string& file, std::size_t n, pk::OdeMethod method) {
  auto table = io::read_subjects_file(file, population::benchmark_subject_columns(),
                                      population::benchmark_typical_subject());
  if (!table) {
    std::fprintf(stderr, "usermodel_compare: %s\n", table.error().message.c_str());
    return 2;
  }
  auto definition = usermodel::read_model_file(std::string(KETAPATH_SOURCE_DIR) +
                                               "/models/user/benchmark_workload.toml");
  if (!definition) {
    std::fprintf(stderr, "usermodel_compare: %s\n", definition.error().message.c_str());
    return 2;
  }
  definition->structure.ode_method = method;
  const auto model =
      usermodel::UserModel::create(std::move(*definition),
                                   {.relative_tolerance = 1e-6, .absolute_tolerance = 1e-9})
          .value();
  const pk::SubjectTimeline doses = population::benchmark_timeline();
  std::vector<core::Hours> grid;
  for (int h = 0; h <= 2016; ++h)
    grid.emplace_back(h);
  const population::BenchmarkTypical typical;
  n = std::min(n, table->subjects.size());
  std::vector<std::vector<double>> profiles(n);
  const std::clock_t start = std::clock();
  for (std::size_t i = 0; i < n; ++i) {
    const population::BatchSubject p = table->subjects.at(i);
    const std::vector<double> eta{
        std::log(p.cl.value() / typical.cl), std::log(p.v1.value() / typical.v1),
        std::log(p.ka.value() / typical.ka), std::log(p.kon.value() / typical.kon)};
    auto bound = model->bind(doses, {}, grid);
    if (!bound) {
      std::fprintf(stderr, "usermodel_compare: %s\n", bound.error().message.c_str());
      return 1;
    }
    profiles[i].resize((*bound)->rows().size());
    if (auto status = (*bound)->predict(eta, profiles[i]); !status) {
      std::fprintf(stderr, "usermodel_compare: %s\n", status.error().message.c_str());
      return 1;
    }
  }
  const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  double checksum = 0;
  for (const auto& profile : profiles)
    checksum += profile[24];
  std::printf("user_cpu_s=%.4f subjects=%zu checksum=%.6g\n", seconds, n, checksum);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ketapath::core::tune_allocator();  // as the ketapath command does
  const auto method = argc == 5 ? ketapath::pk::parse_ode_method(argv[4])
                                : std::optional(ketapath::pk::OdeMethod::Automatic);
  if ((argc == 4 || argc == 5) && std::string(argv[1]) == "time" && method)
    return time_file(argv[2], static_cast<std::size_t>(std::stoul(argv[3])), *method);
  std::fprintf(stderr, "usage: usermodel_compare time SUBJECTS.csv N [auto|bdf|dopri5]\n");
  return 2;
}
