#include "population/subject_blocks.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "population/batch_kernel.h"

namespace ketapath::population {

namespace {

// The slowest rate among KA, the slow eigenvalue of the two-compartment disposition and KE0: the
// rate at which CE, and with it S's drive, finally decays.
double tail_rate(const BatchSubjects& s, std::size_t i) {
  const double k10 = s.cl[i] / s.v1[i];
  const double k12 = s.q[i] / s.v1[i];
  const double k21 = s.q[i] / s.v2[i];
  const double sum = k10 + k12 + k21;
  // The smaller root of x^2 - sum x + k10 k21 as product over the larger (no cancellation).
  const double slow =
      k10 * k21 / (0.5 * (sum + std::sqrt(std::max(sum * sum - 4.0 * k10 * k21, 0.0))));
  return std::min({s.ka[i], slow, s.ke0[i]});
}

}  // namespace

std::vector<std::size_t> tail_order(const BatchSubjects& subjects, std::size_t first,
                                    std::size_t count) {
  std::vector<double> rate(count);
  for (std::size_t k = 0; k < count; ++k) {
    rate[k] = tail_rate(subjects, first + k);
  }
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rate[a] < rate[b]; });
  for (std::size_t& k : order) {
    k += first;
  }
  return order;
}

// In tiles of kLanes values per lane, so each tile of the block is read from the L1 cache while
// every lane's row is written a cache line at a time (lane by lane over the whole block reads it
// from L2 eight times: the copy took about 1.5x as long for the benchmark's 2,017 x 4 values).
void copy_block_profiles(const double* block, std::size_t times, std::size_t count,
                         double* const* rows) {
  const std::size_t per_subject = times * kProfileVariables;
  std::size_t k = 0;
  for (; k + kLanes <= per_subject; k += kLanes) {
    const double* tile = block + k * kLanes;
    for (std::size_t l = 0; l < count; ++l) {
      for (std::size_t j = 0; j < kLanes; ++j) {
        rows[l][k + j] = tile[j * kLanes + l];
      }
    }
  }
  for (; k < per_subject; ++k) {
    for (std::size_t l = 0; l < count; ++l) {
      rows[l][k] = block[k * kLanes + l];
    }
  }
}

void simulate_subjects(const BatchSchedule& schedule, const BatchSubjects& subjects,
                       std::size_t first, std::size_t count, double* endpoints, double* profiles) {
  const std::vector<std::size_t> order = tail_order(subjects, first, count);
  const std::size_t times = schedule.protocol.output_times_h.size();
  thread_local std::vector<double> block;
  if (profiles != nullptr) {
    block.resize(times * kProfileVariables * kLanes);
  }
  double block_endpoints[kLanes * kEndpointCount];
  for (std::size_t b = 0; b < count; b += kLanes) {
    const std::size_t lanes = std::min(kLanes, count - b);
    simulate_block(schedule, subjects, std::span(&order[b], lanes), block_endpoints,
                   profiles != nullptr ? block.data() : nullptr);
    double* rows[kLanes];
    for (std::size_t l = 0; l < lanes; ++l) {
      const std::size_t position = order[b + l] - first;
      std::copy_n(&block_endpoints[l * kEndpointCount], kEndpointCount,
                  &endpoints[position * kEndpointCount]);
      rows[l] = profiles != nullptr ? profiles + position * times * kProfileVariables : nullptr;
    }
    if (profiles != nullptr) {
      copy_block_profiles(block.data(), times, lanes, rows);
    }
  }
}

}  // namespace ketapath::population
