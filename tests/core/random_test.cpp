#include "core/random.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace ketapath::core {
namespace {

TEST(RandomStreamTest, SameKeyGivesSameDrawsRegardlessOfOtherStreams) {
  RandomStream a(42, {.replicate = 1, .subject = 7, .stream = Stream::Parameters});
  RandomStream other(42, {.replicate = 1, .subject = 8, .stream = Stream::Parameters});
  RandomStream b(42, {.replicate = 1, .subject = 7, .stream = Stream::Parameters});
  for (int i = 0; i < 100; ++i) {
    (void)other.uniform();
    EXPECT_EQ(a.uniform(), b.uniform());
  }
}

TEST(RandomStreamTest, DifferentSubjectsStreamsAndSeedsDiffer) {
  RandomStream base(1, {.replicate = 0, .subject = 0, .stream = Stream::Parameters});
  RandomStream subject(1, {.replicate = 0, .subject = 1, .stream = Stream::Parameters});
  RandomStream stream(1, {.replicate = 0, .subject = 0, .stream = Stream::Residual});
  RandomStream seed(2, {.replicate = 0, .subject = 0, .stream = Stream::Parameters});
  const double u = base.uniform();
  EXPECT_NE(u, subject.uniform());
  EXPECT_NE(u, stream.uniform());
  EXPECT_NE(u, seed.uniform());
}

TEST(RandomStreamTest, SeekGivesRandomAccessToDraws) {
  RandomStream sequential(9, {});
  std::vector<double> draws;
  for (int i = 0; i < 10; ++i) {
    draws.push_back(sequential.uniform());
  }
  RandomStream jumping(9, {});
  jumping.seek(7);
  EXPECT_EQ(jumping.uniform(), draws[7]);
  jumping.seek(2);
  EXPECT_EQ(jumping.uniform(), draws[2]);
}

TEST(RandomStreamTest, UniformMomentsMatchWithinSamplingError) {
  // Mean of n uniforms has sd sqrt(1/12/n); 5 sd bounds fail by chance with p < 1e-6.
  constexpr int kN = 200000;
  RandomStream stream(123, {});
  double sum = 0.0;
  double sum_sq = 0.0;
  for (int i = 0; i < kN; ++i) {
    const double u = stream.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / kN;
  EXPECT_NEAR(mean, 0.5, 5.0 * std::sqrt(1.0 / 12.0 / kN));
  EXPECT_NEAR(sum_sq / kN - mean * mean, 1.0 / 12.0, 5.0 * std::sqrt(1.0 / 180.0 / kN));
}

TEST(RandomStreamTest, NormalMomentsMatchWithinSamplingError) {
  constexpr int kN = 200000;
  RandomStream stream(321, {.stream = Stream::Residual});
  double sum = 0.0;
  double sum_sq = 0.0;
  int beyond_1_96 = 0;
  for (int i = 0; i < kN; ++i) {
    const double z = stream.normal();
    sum += z;
    sum_sq += z * z;
    beyond_1_96 += std::abs(z) > 1.959963984540054 ? 1 : 0;
  }
  EXPECT_NEAR(sum / kN, 0.0, 5.0 / std::sqrt(kN));
  EXPECT_NEAR(sum_sq / kN, 1.0, 5.0 * std::sqrt(2.0 / kN));
  EXPECT_NEAR(static_cast<double>(beyond_1_96) / kN, 0.05, 5.0 * std::sqrt(0.05 * 0.95 / kN));
}

TEST(NormalQuantileTest, InvertsTheCdfToFullPrecision) {
  for (double p : {1e-300, 1e-12, 1e-6, 0.01, 0.02425, 0.1, 0.5, 0.8, 0.975, 0.999999}) {
    const double x = normal_quantile(p);
    EXPECT_NEAR(normal_cdf(x), p, 1e-14 * std::max(p, 1e-3)) << "p = " << p;
  }
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
}

}  // namespace
}  // namespace ketapath::core
