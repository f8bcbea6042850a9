#include "nlme/diagnostics.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "nlme/simulate.h"

namespace ketapath::nlme {

double percentile(std::vector<double>& values, double q) {
  if (values.empty()) {
    return std::nan("");
  }
  std::sort(values.begin(), values.end());
  const double h = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

std::vector<std::size_t> time_bins(std::span<const double> times, std::size_t max_bins) {
  std::map<double, std::size_t> counts;  // distinct times, ascending
  for (const double t : times) {
    ++counts[t];
  }
  std::map<double, std::size_t> bin_of;
  if (counts.size() <= std::max<std::size_t>(max_bins, 1)) {
    std::size_t b = 0;
    for (const auto& entry : counts) {
      bin_of[entry.first] = b++;
    }
  } else {  // about equal counts: a new bin once the running count passes the next share
    const double share = static_cast<double>(times.size()) / static_cast<double>(max_bins);
    std::size_t b = 0;
    std::size_t seen = 0;
    for (const auto& [t, n] : counts) {
      if (static_cast<double>(seen) >= share * static_cast<double>(b + 1) && b + 1 < max_bins) {
        ++b;
      }
      bin_of[t] = b;
      seen += n;
    }
  }
  std::vector<std::size_t> out;
  out.reserve(times.size());
  for (const double t : times) {
    out.push_back(bin_of[t]);
  }
  return out;
}

namespace {

/// (subject, record) of every observation with DV, in data order.
struct ObservationIndex {
  std::vector<std::size_t> subject;
  std::vector<std::size_t> record;
  std::vector<double> time;
  std::vector<double> dv;
};

ObservationIndex observations(const FitInput& input) {
  ObservationIndex o;
  for (std::size_t s = 0; s < input.subjects.size() && s < input.dv.size(); ++s) {
    const pk::SubjectTimeline& subject = input.subjects[s];
    for (std::size_t r = 0; r < subject.records.size() && r < input.dv[s].size(); ++r) {
      if (subject.records[r].kind == pk::RecordKind::Observation && !std::isnan(input.dv[s][r])) {
        o.subject.push_back(s);
        o.record.push_back(r);
        o.time.push_back(subject.records[r].time.value());
        o.dv.push_back(input.dv[s][r]);
      }
    }
  }
  return o;
}

/// kVpcPercentiles of values grouped by bin.
std::vector<std::array<double, 3>> bin_percentiles(std::span<const std::size_t> bin,
                                                   std::span<const double> values,
                                                   std::size_t bins) {
  std::vector<std::vector<double>> grouped(bins);
  for (std::size_t i = 0; i < values.size(); ++i) {
    grouped[bin[i]].push_back(values[i]);
  }
  std::vector<std::array<double, 3>> out(bins);
  for (std::size_t b = 0; b < bins; ++b) {
    for (std::size_t p = 0; p < 3; ++p) {
      out[b][p] = percentile(grouped[b], kVpcPercentiles[p]);
    }
  }
  return out;
}

}  // namespace

core::Result<Vpc> vpc(const PopulationModel& model, const FitInput& input,
                      const VpcOptions& options) {
  if (options.replicates == 0) {
    return core::fail(core::ErrorCode::InvalidArgument, "vpc: replicates must be >= 1 (got 0)");
  }
  const ObservationIndex obs = observations(input);
  if (obs.dv.empty()) {
    return core::fail(core::ErrorCode::InvalidData, "vpc: the data set has no observation with DV");
  }
  const std::vector<std::size_t> bin = time_bins(obs.time, options.max_bins);
  const std::size_t bins = *std::max_element(bin.begin(), bin.end()) + 1;
  const auto sims = KETAPATH_TRY(simulate(
      model, {.subjects = input.subjects, .dv = input.dv, .extra_times = {}},
      {.replicates = options.replicates, .seed = options.seed, .threads = options.threads}));
  // Each subject's simulated rows by record index, so observation k reads its own record.
  const std::size_t n_subjects = input.subjects.size();
  std::vector<std::vector<std::array<double, 3>>> per_replicate;  // [replicate][bin]
  std::vector<double> values(obs.dv.size());
  for (std::size_t r = 0; r < options.replicates; ++r) {
    std::vector<std::map<std::size_t, double>> by_record(n_subjects);
    for (std::size_t s = 0; s < n_subjects; ++s) {
      for (const SimulatedRow& row : sims[r * n_subjects + s].rows) {
        by_record[s][row.record_index] = row.dv;
      }
    }
    for (std::size_t k = 0; k < values.size(); ++k) {
      values[k] = by_record[obs.subject[k]].at(obs.record[k]);
    }
    per_replicate.push_back(bin_percentiles(bin, values, bins));
  }
  Vpc out;
  out.replicates = options.replicates;
  const auto observed = bin_percentiles(bin, obs.dv, bins);
  for (std::size_t b = 0; b < bins; ++b) {
    VpcBin v;
    std::vector<double> times;
    for (std::size_t k = 0; k < bin.size(); ++k) {
      if (bin[k] == b) {
        times.push_back(obs.time[k]);
      }
    }
    v.count = times.size();
    v.time_mid = percentile(times, 0.5);
    v.time_low = times.front();
    v.time_high = times.back();
    v.observed = observed[b];
    for (std::size_t p = 0; p < 3; ++p) {
      std::vector<double> across;
      for (const auto& rep : per_replicate) {
        across.push_back(rep[b][p]);
      }
      v.simulated[p] = {percentile(across, 0.025), percentile(across, 0.5),
                        percentile(across, 0.975)};
    }
    out.bins.push_back(v);
  }
  for (std::size_t k = 0; k < obs.dv.size(); ++k) {
    out.observations.push_back({obs.time[k], obs.dv[k]});
  }
  return out;
}

}  // namespace ketapath::nlme
