// Blocks grouped by tail (subject_blocks.h) change speed only: every subject's endpoints and time
// course are bit for bit those of the same subject in consecutive blocks.

#include "population/subject_blocks.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "population/batch_kernel.h"
#include "population/benchmark_workload.h"

namespace ketapath::population {
namespace {

// 37 subjects (not a multiple of the block), a few of them far slower or faster than the rest so
// that the grouping moves subjects between blocks.
BatchSubjects mixed_subjects() {
  BatchSubjects subjects;
  append_benchmark_subjects(0, 37, 5, subjects);
  subjects.ka[3] = 0.3;
  subjects.ka[11] = 40.0;
  subjects.cl[20] *= 0.2;
  subjects.ke0[30] = 0.4;
  return subjects;
}

TEST(SubjectBlocks, TailOrderIsAPermutationWithTheSlowestFirst) {
  const BatchSubjects subjects = mixed_subjects();
  const std::vector<std::size_t> order = tail_order(subjects, 2, 35);
  ASSERT_EQ(order.size(), 35U);
  std::vector<std::size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::size_t> expected(35);
  std::iota(expected.begin(), expected.end(), std::size_t{2});
  EXPECT_EQ(sorted, expected);
  EXPECT_NE(order, expected);  // the grouping does move subjects
  // Non-decreasing in the terminal rate of CE, computed here from the eigenvalues of the
  // disposition matrix [[-(k10 + k12), k21], [k12, -k21]] by its characteristic polynomial.
  auto rate = [&](std::size_t i) {
    const double k10 = subjects.cl[i] / subjects.v1[i], k12 = subjects.q[i] / subjects.v1[i];
    const double k21 = subjects.q[i] / subjects.v2[i];
    const double trace = k10 + k12 + k21, det = k10 * k21;
    const double slow = det / (0.5 * (trace + std::sqrt(trace * trace - 4.0 * det)));
    return std::min({subjects.ka[i], slow, subjects.ke0[i]});
  };
  for (std::size_t k = 1; k < order.size(); ++k) {
    EXPECT_LE(rate(order[k - 1]), rate(order[k])) << "position " << k;
  }
  // CL five times lower makes the slowest tail (about 0.08 /h, against KA 0.3 /h).
  EXPECT_EQ(order.front(), 20U);
  EXPECT_LT(rate(20), 0.1);
}

TEST(SubjectBlocks, GroupedBlocksGiveEverySubjectItsOwnResultsBitForBit) {
  const BatchSchedule schedule = build_schedule(benchmark_protocol(3)).value();
  const std::size_t times = schedule.protocol.output_times_h.size();
  const std::size_t per_subject = times * kProfileVariables;
  const BatchSubjects subjects = mixed_subjects();
  const std::size_t n = subjects.size();
  std::vector<double> endpoints(n * kEndpointCount);
  std::vector<double> profiles(n * per_subject);
  simulate_subjects(schedule, subjects, 0, n, endpoints.data(), profiles.data());
  std::vector<double> only_endpoints(n * kEndpointCount);
  simulate_subjects(schedule, subjects, 0, n, only_endpoints.data());
  EXPECT_EQ(only_endpoints, endpoints);

  std::vector<double> block_endpoints(kLanes * kEndpointCount);
  std::vector<double> block(per_subject * kLanes);
  for (std::size_t first = 0; first < n; first += kLanes) {
    const std::size_t count = std::min(kLanes, n - first);
    simulate_block(schedule, subjects, first, count, block_endpoints.data(), block.data());
    for (std::size_t l = 0; l < count; ++l) {
      const std::size_t i = first + l;
      for (std::size_t k = 0; k < kEndpointCount; ++k) {
        EXPECT_EQ(endpoints[i * kEndpointCount + k], block_endpoints[l * kEndpointCount + k])
            << "subject " << i << " endpoint " << kEndpointNames[k];
      }
      for (std::size_t k = 0; k < per_subject; ++k) {
        ASSERT_EQ(profiles[i * per_subject + k], block[k * kLanes + l])
            << "subject " << i << " value " << k;
      }
    }
  }
}

TEST(SubjectBlocks, CopyBlockProfilesTransposesEveryValue) {
  const std::size_t times = 7;  // 28 values: three whole tiles and a remainder
  std::vector<double> block(times * kProfileVariables * kLanes);
  std::iota(block.begin(), block.end(), 0.0);
  std::vector<std::vector<double>> rows(5, std::vector<double>(times * kProfileVariables, -1.0));
  double* out[kLanes] = {};
  for (std::size_t l = 0; l < rows.size(); ++l) {
    out[l] = rows[l].data();
  }
  copy_block_profiles(block.data(), times, rows.size(), out);
  for (std::size_t l = 0; l < rows.size(); ++l) {
    for (std::size_t k = 0; k < times * kProfileVariables; ++k) {
      EXPECT_EQ(rows[l][k], static_cast<double>(k * kLanes + l)) << "lane " << l << " value " << k;
    }
  }
}

}  // namespace
}  // namespace ketapath::population
