// The runner's reproducibility contract: bit-identical statistics, endpoints and profiles on 1, 2
// and 16 threads and on 1 or 2 (in-process) ranks; and the bounded-memory statistics against a
// direct computation on all values.

#include "population/batch_runner.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "population/benchmark_workload.h"

namespace ketapath::population {
namespace {

BatchSchedule short_schedule() {
  return build_schedule(benchmark_protocol(2)).value();
}

SubjectSource benchmark_source(std::uint64_t seed) {
  return [seed](std::size_t first, std::size_t count, BatchSubjects& out) -> core::Status {
    append_benchmark_subjects(first, count, seed, out);
    return {};
  };
}

// Records everything it receives.
class RecordingSink : public BatchSink {
 public:
  core::Status endpoints(std::size_t first, std::size_t count, const double* values) override {
    EXPECT_EQ(first, endpoint_values.size() / kEndpointCount);  // in subject order
    endpoint_values.insert(endpoint_values.end(), values, values + count * kEndpointCount);
    return {};
  }

  core::Status begin_segment(std::size_t segment, std::size_t first, std::size_t) override {
    segments.push_back(segment);
    next_first = first;
    return {};
  }

  core::Status profiles(std::size_t first, std::size_t count, const double* values) override {
    EXPECT_EQ(first, next_first);  // in subject order within the segment
    next_first = first + count;
    profile_values.insert(profile_values.end(), values, values + count * times * kProfileVariables);
    return {};
  }

  std::size_t times = 0;
  std::size_t next_first = 0;
  std::vector<std::size_t> segments;
  std::vector<double> endpoint_values;
  std::vector<double> profile_values;
};

struct Outcome {
  EndpointSummary summary;
  std::vector<double> endpoints;
  std::vector<double> profiles;
};

Outcome run(const BatchSchedule& schedule, std::size_t n, unsigned threads, bool profiles) {
  RecordingSink sink;
  sink.times = schedule.protocol.output_times_h.size();
  RunOptions options{.subjects = n, .threads = threads, .profiles = profiles};
  auto result = run_population(schedule, benchmark_source(11), options, &sink);
  EXPECT_TRUE(result.has_value());
  return {*result->summary, sink.endpoint_values, sink.profile_values};
}

TEST(BatchRunnerTest, IdenticalOnOneTwoAndSixteenThreads) {
  const BatchSchedule schedule = short_schedule();
  const std::size_t n = kSegmentSize + 1000;  // two segments, the last one partial
  const Outcome one = run(schedule, n, 1, false);
  const Outcome two = run(schedule, n, 2, false);
  const Outcome sixteen = run(schedule, n, 16, false);
  ASSERT_EQ(one.endpoints.size(), n * kEndpointCount);
  EXPECT_TRUE(one.summary == two.summary);
  EXPECT_TRUE(one.summary == sixteen.summary);
  EXPECT_EQ(one.endpoints, two.endpoints);  // exact equality of every double
  EXPECT_EQ(one.endpoints, sixteen.endpoints);
  EXPECT_EQ(one.summary.subjects(), n);
}

TEST(BatchRunnerTest, ProfilesIdenticalAcrossThreadsAndConsistentWithEndpoints) {
  const BatchSchedule schedule = short_schedule();
  const std::size_t n = 3 * kChunkSize + 5;
  const Outcome one = run(schedule, n, 1, true);
  const Outcome three = run(schedule, n, 3, true);
  const std::size_t times = schedule.protocol.output_times_h.size();
  ASSERT_EQ(one.profiles.size(), n * times * kProfileVariables);
  EXPECT_EQ(one.profiles, three.profiles);
  for (std::size_t i = 0; i < n; ++i) {
    double cmax = 0.0;
    for (std::size_t k = 0; k < times; ++k) {
      cmax = std::max(cmax, one.profiles[(i * times + k) * kProfileVariables]);
    }
    // The true peak (plasma_peak.h) is at least the highest value on the output grid.
    ASSERT_GE(one.endpoints[i * kEndpointCount + kCmax], cmax) << "subject " << i;
  }
}

// Two ranks inside one process: rank 1 runs on a thread and hands segments over a queue.
class InProcessCluster final : public Cluster {
 public:
  struct Mailbox {
    std::mutex mutex;
    std::condition_variable ready;
    std::map<std::size_t, std::vector<double>> segments;
  };

  InProcessCluster(int rank, Mailbox& mailbox) : rank_(rank), mailbox_(mailbox) {}

  [[nodiscard]] int rank() const override { return rank_; }

  [[nodiscard]] int size() const override { return 2; }

  core::Status send_segment(std::size_t segment, const std::vector<double>& values) override {
    std::lock_guard lock(mailbox_.mutex);
    mailbox_.segments[segment] = values;
    mailbox_.ready.notify_all();
    return {};
  }

  core::Status receive_segment(std::size_t segment, int, std::vector<double>& values) override {
    std::unique_lock lock(mailbox_.mutex);
    mailbox_.ready.wait(lock, [&] { return mailbox_.segments.contains(segment); });
    values = mailbox_.segments[segment];
    return {};
  }

 private:
  int rank_;
  Mailbox& mailbox_;
};

TEST(BatchRunnerTest, TwoRanksGiveTheSameResultAsOne) {
  const BatchSchedule schedule = short_schedule();
  const std::size_t n = 2 * kSegmentSize + 300;  // three segments: ranks 0, 1, 0
  const Outcome single = run(schedule, n, 2, false);
  InProcessCluster::Mailbox mailbox;
  InProcessCluster rank0(0, mailbox), rank1(1, mailbox);
  RunOptions options{.subjects = n, .threads = 1};
  std::thread other([&] {
    auto result = run_population(schedule, benchmark_source(11), options, nullptr, &rank1);
    EXPECT_TRUE(result.has_value());
    EXPECT_FALSE(result->summary.has_value());
  });
  RecordingSink sink;
  auto result = run_population(schedule, benchmark_source(11), options, &sink, &rank0);
  other.join();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(*result->summary == single.summary);
  EXPECT_EQ(sink.endpoint_values, single.endpoints);
}

// Derived values (RunOptions::derived) come from each block's profiles, travel with the endpoints
// between ranks and are folded in subject order: here S at the last output (must equal the kSEnd
// endpoint) and the subject index, on 1 and 3 threads and on 2 in-process ranks.
DerivedValues last_s_and_index(std::vector<double>& folded, std::size_t times) {
  return {.per_subject = 2,
          .compute = [times](std::size_t first, std::size_t lanes, const double* profiles,
                             double* out) -> core::Status {
            for (std::size_t l = 0; l < lanes; ++l) {
              out[2 * l] = profiles[((times - 1) * kProfileVariables + 3) * kLanes + l];
              out[2 * l + 1] = static_cast<double>(first + l);
            }
            return {};
          },
          .fold =
              [&folded](std::size_t subject, const double* values) {
                EXPECT_EQ(static_cast<double>(subject), values[1]);
                folded.insert(folded.end(), values, values + 2);
              }};
}

TEST(BatchRunnerTest, DerivedValuesFoldedInSubjectOrderOnThreadsAndRanks) {
  const BatchSchedule schedule = short_schedule();
  const std::size_t times = schedule.protocol.output_times_h.size();
  const std::size_t n = 2 * kSegmentSize + 77;  // three segments: ranks 0, 1, 0
  std::vector<std::vector<double>> folded(3);
  std::vector<RecordingSink> sinks(3);
  for (std::size_t run = 0; run < 2; ++run) {
    RunOptions options{.subjects = n,
                       .threads = run == 0 ? 1u : 3u,
                       .derived = last_s_and_index(folded[run], times)};
    ASSERT_TRUE(run_population(schedule, benchmark_source(11), options, &sinks[run]));
  }
  InProcessCluster::Mailbox mailbox;
  InProcessCluster rank0(0, mailbox), rank1(1, mailbox);
  std::vector<double> unused;
  RunOptions other_options{.subjects = n, .threads = 1, .derived = last_s_and_index(unused, times)};
  std::thread other([&] {
    EXPECT_TRUE(run_population(schedule, benchmark_source(11), other_options, nullptr, &rank1));
  });
  RunOptions options{.subjects = n, .threads = 1, .derived = last_s_and_index(folded[2], times)};
  ASSERT_TRUE(run_population(schedule, benchmark_source(11), options, &sinks[2], &rank0));
  other.join();
  EXPECT_TRUE(unused.empty());  // only rank 0 folds
  ASSERT_EQ(folded[0].size(), 2 * n);
  EXPECT_EQ(folded[0], folded[1]);
  EXPECT_EQ(folded[0], folded[2]);
  EXPECT_EQ(sinks[0].endpoint_values, sinks[2].endpoint_values);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(folded[0][2 * i], sinks[0].endpoint_values[i * kEndpointCount + kSEnd]) << i;
  }
}

TEST(BatchRunnerTest, DerivedValuesErrorsAreReported) {
  const BatchSchedule schedule = short_schedule();
  RunOptions missing{.subjects = 10, .threads = 1, .derived = {.per_subject = 1}};
  EXPECT_FALSE(run_population(schedule, benchmark_source(1), missing, nullptr).has_value());
  RunOptions failing{
      .subjects = 100,
      .threads = 2,
      .derived = {
          .per_subject = 1,
          .compute = [](std::size_t first, std::size_t, const double*, double*) -> core::Status {
            if (first >= 64) {
              return core::fail(core::ErrorCode::InvalidArgument, "derived: subject {}", first);
            }
            return {};
          }}};
  auto result = run_population(schedule, benchmark_source(1), failing, nullptr);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("derived: subject"), std::string::npos);
}

TEST(BatchRunnerTest, ErrorsAreReported) {
  const BatchSchedule schedule = short_schedule();
  EXPECT_FALSE(
      run_population(schedule, benchmark_source(1), {.subjects = 10, .threads = 0}, nullptr)
          .has_value());
  SubjectSource bad = [](std::size_t first, std::size_t count, BatchSubjects& out) -> core::Status {
    append_benchmark_subjects(first, count, 1, out);
    out.v1[0] = 0.0;
    return {};
  };
  auto result = run_population(schedule, bad, {.subjects = 100, .threads = 2}, nullptr);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("V1 must be > 0"), std::string::npos);

  class FailingSink : public BatchSink {
    core::Status profiles(std::size_t, std::size_t, const double*) override {
      return core::fail(core::ErrorCode::Io, "disk full");
    }
  } failing;

  auto failed = run_population(schedule, benchmark_source(1),
                               {.subjects = 300, .threads = 2, .profiles = true}, &failing);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().message, "disk full");
}

TEST(StatisticsTest, StreamingMomentsEqualTwoPassComputation) {
  // Values with a large offset: the naive sum-of-squares formula would lose ~8 digits here.
  std::vector<double> values;
  RunningStatistic running;
  for (int i = 0; i < 5000; ++i) {
    const double x = 1e4 + std::sin(i * 0.37) + 1e-3 * i;
    values.push_back(x);
    running.add(x);
  }
  double mean = 0.0;
  for (double x : values) {
    mean += x;
  }
  mean /= static_cast<double>(values.size());
  double ss = 0.0;
  for (double x : values) {
    ss += (x - mean) * (x - mean);
  }
  const double variance = ss / static_cast<double>(values.size() - 1);
  EXPECT_NEAR(running.mean(), mean, 1e-12 * mean);
  EXPECT_NEAR(running.variance(), variance, 1e-9 * variance);
  EXPECT_EQ(running.min(), *std::min_element(values.begin(), values.end()));
  EXPECT_EQ(running.max(), *std::max_element(values.begin(), values.end()));
}

double exact_quantile(std::vector<double> v, double p) {  // type 7
  std::sort(v.begin(), v.end());
  const double h = static_cast<double>(v.size() - 1) * p;
  const auto k = static_cast<std::size_t>(std::floor(h));
  return k + 1 < v.size() ? v[k] + (h - std::floor(h)) * (v[k + 1] - v[k]) : v[k];
}

TEST(StatisticsTest, HistogramQuantilesWithinOneBinOfExact) {
  // Endpoint values from a real run, on both bin layouts.
  const BatchSchedule schedule = short_schedule();
  const Outcome outcome = run(schedule, 2000, 2, false);
  const auto bins = default_endpoint_bins();
  for (std::size_t e = 0; e < kEndpointCount; ++e) {
    std::vector<double> values;
    Histogram histogram(bins[e]);
    for (std::size_t i = 0; i < 2000; ++i) {
      values.push_back(outcome.endpoints[i * kEndpointCount + e]);
      histogram.add(values.back());
    }
    for (double p : {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0}) {
      const double exact = exact_quantile(values, p);
      EXPECT_NEAR(histogram.quantile(p), exact, histogram.resolution(exact))
          << kEndpointNames[e] << " p " << p;
      EXPECT_NEAR(outcome.summary.quantile(static_cast<Endpoint>(e), p), exact,
                  histogram.resolution(exact));
    }
  }
  Histogram empty;
  EXPECT_TRUE(std::isnan(empty.quantile(0.5)));
}

TEST(StatisticsTest, QuantilesOfAConstantAreThatConstant) {
  // 0.1234 lies inside one bin on both layouts; interpolating inside the bin would spread it.
  for (const BinSpec& spec : {BinSpec{1e-8, 1e4, 20000, true}, BinSpec{0.0, 1.0, 10000, false}}) {
    Histogram h(spec);
    for (int i = 0; i < 1000; ++i) {
      h.add(0.1234);
    }
    for (double p : {0.0, 0.05, 0.5, 0.95, 1.0}) {
      EXPECT_EQ(h.quantile(p), 0.1234) << "p " << p;
    }
  }
  Histogram two(BinSpec{0.0, 1.0, 10, false});
  two.add(0.31);
  two.add(0.32);  // same bin [0.3, 0.4): the quantiles stay within the values
  EXPECT_EQ(two.quantile(0.0), 0.31);
  EXPECT_EQ(two.quantile(1.0), 0.32);
}

TEST(StatisticsTest, ResponderCountUsesTheThreshold) {
  EndpointSummary summary(default_endpoint_bins(), 0.3);
  double below[kEndpointCount] = {1, 1, 1, 1, 0.29, 0.1};
  double at[kEndpointCount] = {1, 1, 1, 1, 0.3, 0.1};
  summary.add(below);
  summary.add(at);
  EXPECT_EQ(summary.responders(), 1u);
  EXPECT_EQ(summary.subjects(), 2u);
}

}  // namespace
}  // namespace ketapath::population
