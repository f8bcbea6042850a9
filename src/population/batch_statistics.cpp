#include "population/batch_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ketapath::population {

void RunningStatistic::add(double x) {
  ++count_;
  if (count_ == 1) {
    min_ = x;
    max_ = x;
  } else {
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  m2_ += delta * (x - mean_);
}

double RunningStatistic::variance() const {
  return count_ < 2 ? 0.0 : m2_ / static_cast<double>(count_ - 1);
}

Histogram::Histogram(BinSpec spec) : spec_(spec), counts_(spec.bins + 2, 0) {
  if (spec_.log_scale) {
    scale_low_ = std::log(spec_.low);
    scale_width_ = (std::log(spec_.high) - scale_low_) / static_cast<double>(spec_.bins);
  } else {
    scale_low_ = spec_.low;
    scale_width_ = (spec_.high - spec_.low) / static_cast<double>(spec_.bins);
  }
}

void Histogram::add(double x) {
  ++count_;
  min_ = std::min(min_, x);  // NaN leaves both unchanged
  max_ = std::max(max_, x);
  if (!(x >= spec_.low)) {  // also NaN
    ++counts_[0];
    return;
  }
  if (x > spec_.high) {
    ++counts_[spec_.bins + 1];
    return;
  }
  const double position = ((spec_.log_scale ? std::log(x) : x) - scale_low_) / scale_width_;
  const auto bin = std::min(static_cast<std::size_t>(position), spec_.bins - 1);
  ++counts_[bin + 1];
}

double Histogram::edge(std::size_t i) const {
  const double v = scale_low_ + scale_width_ * static_cast<double>(i);
  return spec_.log_scale ? std::exp(v) : v;
}

double Histogram::resolution(double x) const {
  if (!spec_.log_scale) {
    return scale_width_;
  }
  return std::max(x, spec_.low) * std::expm1(scale_width_);
}

double Histogram::quantile(double p) const {
  if (count_ == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // Type 7: position h = (n - 1) p between order statistics; with values spread uniformly
  // inside each bin, order statistic k (0-based) of a bin holding m values lies at fraction
  // (k + 0.5) / m of the bin.
  const double h = static_cast<double>(count_ - 1) * std::clamp(p, 0.0, 1.0);
  const double rank = std::floor(h);
  const double frac = h - rank;
  auto order_statistic = [&](std::uint64_t k) {
    if (min_ <= max_ && (k == 0 || k + 1 == count_)) {
      return k == 0 ? min_ : max_;  // the extremes are known exactly
    }
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      const std::uint64_t m = counts_[i];
      if (k < seen + m) {
        if (i == 0) {
          return spec_.low;
        }
        if (i == spec_.bins + 1) {
          return spec_.high;
        }
        const double t = (static_cast<double>(k - seen) + 0.5) / static_cast<double>(m);
        const double v = scale_low_ + scale_width_ * (static_cast<double>(i - 1) + t);
        return spec_.log_scale ? std::exp(v) : v;
      }
      seen += m;
    }
    return spec_.high;
  };
  const auto k = static_cast<std::uint64_t>(rank);
  const double lo = order_statistic(k);
  const double q = frac == 0.0 || k + 1 >= count_ ? lo : lo + frac * (order_statistic(k + 1) - lo);
  // Inside a bin the values are assumed spread out; the true extremes bound every quantile (so
  // the quantiles of a constant are that constant).
  return min_ <= max_ ? std::clamp(q, min_, max_) : q;
}

std::array<BinSpec, kEndpointCount> default_endpoint_bins() {
  const BinSpec concentration{1e-8, 1e4, 20000, true};
  const BinSpec fraction{0.0, 1.0, 10000, false};
  std::array<BinSpec, kEndpointCount> bins{};
  bins[kCmax] = concentration;
  bins[kAuc] = concentration;
  bins[kCeMax] = concentration;
  bins[kNkMax] = concentration;
  bins[kSMax] = fraction;
  bins[kSEnd] = fraction;
  return bins;
}

EndpointSummary::EndpointSummary(std::array<BinSpec, kEndpointCount> bins, double responder_s_max)
    : responder_s_max_(responder_s_max) {
  for (const BinSpec& spec : bins) {
    histograms_.emplace_back(spec);
  }
}

void EndpointSummary::add(const double* endpoints) {
  for (std::size_t e = 0; e < kEndpointCount; ++e) {
    statistics_[e].add(endpoints[e]);
    histograms_[e].add(endpoints[e]);
  }
  if (endpoints[kSMax] >= responder_s_max_) {
    ++responders_;
  }
}

}  // namespace ketapath::population
