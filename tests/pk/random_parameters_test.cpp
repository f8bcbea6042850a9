// Robustness of the closed forms over wide parameter ranges: 150 random parameter sets per model
// (each value log-uniform between 1/30 and 30 times its typical value, KE0 likewise; every third
// set puts KA and KE0 exactly on a disposition eigenvalue or on each other), against the
// matrix-exponential reference at 1e-8 relative with a floor of 1e-10 of the peak. Seeded
// (core::RandomStream, seed 20261121), so every run checks the same sets.
#include <cmath>

#include <gtest/gtest.h>

#include "core/random.h"
#include "pk/simulate.h"
#include "test_support.h"

namespace ketapath::pk {
namespace {

using namespace testing;

TEST(RandomParametersTest, ClosedFormsMatchTheMatrixExponential) {
  const std::vector<double> times{0.1, 1, 3, 6, 10, 24, 72};
  std::uint64_t subject = 0;
  for (const std::string& name : linear_models()) {
    const ModelSpec& model = *find_model(name);
    const int d = model.default_dose_compartment - 1;
    const int c = model.central_compartment - 1;
    for (int set = 0; set < 150; ++set) {
      core::RandomStream random(
          20261121, {.replicate = 0, .subject = subject++, .stream = core::Stream::Parameters});
      ParameterValues p = typical_parameters(name);
      for (auto& [key, value] : p)
        value *= std::exp(std::log(30.0) * (2 * random.uniform() - 1));
      p["KE0"] = 0.9 * std::exp(std::log(30.0) * (2 * random.uniform() - 1));
      if (set % 3 == 0) {
        const auto eigen = reference_matrix(name, p).eigenvalues();
        double lambda = -eigen[0].real();
        for (Eigen::Index i = 0; i < eigen.size(); ++i) {
          const double l = -eigen[i].real();
          const bool is_ka = p.contains("KA") && std::abs(l - p.at("KA")) < 1e-12 * l;
          const bool is_ke0 = std::abs(l - p.at("KE0")) < 1e-12 * l;
          if (!is_ka && !is_ke0 && random.uniform() < 0.5)
            lambda = l;
        }
        if (p.contains("KA"))
          p["KA"] = lambda;
        p["KE0"] = lambda;
      }
      std::vector<Record> records{dose(0, 100), dose(5, 30, {.cmt = c + 1, .rate = 10})};
      std::vector<Action> actions{ref_bolus(0, d, 100), ref_infusion(5, c, 10, 3)};
      for (double t : times) {
        records.push_back(observation(t));
        actions.push_back(ref_output(t));
      }
      std::sort(records.begin(), records.end(),
                [](const Record& a, const Record& b) { return a.time < b.time; });
      std::stable_sort(actions.begin(), actions.end(),
                       [](const Action& a, const Action& b) { return a.time < b.time; });
      const auto rows = simulate(model, p, timeline(records));
      ASSERT_TRUE(rows.has_value()) << rows.error().message;
      ReferenceSimulator reference(reference_matrix(name, p));
      const auto expected = reference.run(actions);
      const double vc = p.at(model.central_volume);
      double peak = 0.0;
      double peak_ce = 0.0;
      for (const auto& x : expected) {
        peak = std::max(peak, std::abs(x[c] / vc));
        peak_ce = std::max(peak_ce, std::abs(x[x.size() - 1]));
      }
      ASSERT_EQ(rows->size(), expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_TRUE(close((*rows)[i].cp, expected[i][c] / vc, 1e-8, 1e-10 * peak))
            << name << " set " << set << " t=" << (*rows)[i].time.value();
        EXPECT_TRUE(
            close(*(*rows)[i].ce, expected[i][expected[i].size() - 1], 1e-8, 1e-10 * peak_ce))
            << name << " set " << set << " CE t=" << (*rows)[i].time.value();
      }
    }
  }
}

}  // namespace
}  // namespace ketapath::pk
