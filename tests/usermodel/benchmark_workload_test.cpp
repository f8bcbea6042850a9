// The benchmark workload written as a user ODE model (models/user/benchmark_workload.toml, compiled
// $DES on each integrator: automatic, CVODE BDF, Dormand-Prince) against the batch kernel's
// built-in version of the same model (population/batch_kernel.h), for the typical subject and three
// drawn subjects: plasma C, norketamine, the effect site and the plasticity state S over 12 weekly
// doses, hourly to 2016 h. Tolerance: 2e-6 relative plus 1e-9 absolute (integrators at 1e-9 /
// 1e-12; the kernel is exact for the linear states and within 1e-7 absolute on S).

#include "population/benchmark_workload.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "population/batch_kernel.h"
#include "usermodel/model_file.h"
#include "usermodel/user_model.h"

namespace ketapath::usermodel {
namespace {

std::unique_ptr<UserModel> load(const std::string& ipred, pk::OdeMethod method) {
  auto definition =
      read_model_file(std::string(KETAPATH_SOURCE_DIR) + "/models/user/benchmark_workload.toml");
  EXPECT_TRUE(definition) << definition.error().message;
  definition->ipred->expression = ipred;
  definition->structure.ode_method = method;
  auto model = UserModel::create(std::move(*definition),
                                 {.relative_tolerance = 1e-9, .absolute_tolerance = 1e-12});
  EXPECT_TRUE(model) << model.error().message;
  return std::move(*model);
}

TEST(BenchmarkWorkloadUserModel, MatchesTheBuiltInKernel) {
  population::BatchSubjects subjects;
  subjects.push_back(population::benchmark_typical_subject());
  population::append_benchmark_subjects(0, 3, 7, subjects);
  const population::BatchProtocol protocol = population::benchmark_protocol();
  const auto schedule = population::build_schedule(protocol);
  ASSERT_TRUE(schedule);
  const std::size_t times = protocol.output_times_h.size();
  std::vector<core::Hours> grid;
  for (double t : protocol.output_times_h)
    grid.emplace_back(t);

  const char* outputs[] = {"A(2)/V1", "A(4)/VNK", "A(5)", "A(6)"};
  const std::size_t variables[] = {population::kProfileC, population::kProfileNk,
                                   population::kProfileCe, population::kProfileS};
  const population::BenchmarkTypical typical;
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    std::vector<double> endpoints(population::kEndpointCount * population::kLanes);
    std::vector<double> profiles(times * population::kProfileVariables * population::kLanes);
    population::simulate_block(*schedule, subjects, i, 1, endpoints.data(), profiles.data());
    const population::BatchSubject p = subjects.at(i);
    const std::vector<double> eta{
        std::log(p.cl.value() / typical.cl), std::log(p.v1.value() / typical.v1),
        std::log(p.ka.value() / typical.ka), std::log(p.kon.value() / typical.kon)};
    for (std::size_t v = 0; v < 4; ++v) {
      // Each integrator: automatic switches between the two on this workload.
      for (const pk::OdeMethod method :
           {pk::OdeMethod::Automatic, pk::OdeMethod::Bdf, pk::OdeMethod::Explicit}) {
        const auto model = load(outputs[v], method);
        auto bound = model->bind(population::benchmark_timeline(), {}, grid);
        ASSERT_TRUE(bound) << bound.error().message;
        std::vector<double> got((*bound)->rows().size());
        ASSERT_TRUE((*bound)->predict(eta, got));
        ASSERT_EQ(got.size(), times);
        double worst = 0;
        for (std::size_t t = 0; t < times; ++t) {
          const double want =
              profiles[(t * population::kProfileVariables + variables[v]) * population::kLanes];
          worst = std::max(worst, std::abs(got[t] - want) / (2e-6 * std::abs(want) + 1e-9));
        }
        EXPECT_LE(worst, 1.0) << "subject " << i << " output " << outputs[v] << " method "
                              << static_cast<int>(method);
      }
    }
  }
}

}  // namespace
}  // namespace ketapath::usermodel
