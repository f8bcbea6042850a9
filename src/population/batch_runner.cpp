#include "population/batch_runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/check.h"
#include "population/batch_kernel.h"
#include "population/subject_blocks.h"

namespace ketapath::population {

core::Status BatchSink::endpoints(std::size_t, std::size_t, const double*) {
  return {};
}

core::Status BatchSink::derived(std::size_t, std::size_t, std::size_t, const double*) {
  return {};
}

core::Status BatchSink::begin_segment(std::size_t, std::size_t, std::size_t) {
  return {};
}

core::Status BatchSink::profiles(std::size_t, std::size_t, const double*) {
  return {};
}

core::Status BatchSink::end_segment(std::size_t) {
  return {};
}

namespace {

class LocalCluster final : public Cluster {
 public:
  [[nodiscard]] int rank() const override { return 0; }

  [[nodiscard]] int size() const override { return 1; }

  core::Status send_segment(std::size_t, const std::vector<double>&) override {
    return core::fail(core::ErrorCode::Internal, "local cluster: nothing to send to");
  }

  core::Status receive_segment(std::size_t, int, std::vector<double>&) override {
    return core::fail(core::ErrorCode::Internal, "local cluster: nothing to receive");
  }
};

// Computes one segment on `threads` threads: endpoints into `endpoints`, profiles (optional) to
// the sink in subject order.
class SegmentWorker {
 public:
  SegmentWorker(const BatchSchedule& schedule, const SubjectSource& source,
                const RunOptions& options, BatchSink* sink)
      : schedule_(schedule), source_(source), options_(options), sink_(sink) {}

  // `endpoints` receives count x kEndpointCount endpoints, then count x derived values.
  core::Status run(std::size_t segment, std::size_t first, std::size_t count,
                   std::vector<double>& endpoints) {
    endpoints.assign(count * (kEndpointCount + options_.derived.per_subject), 0.0);
    first_ = first;
    count_ = count;
    endpoints_ = &endpoints;
    next_chunk_.store(0);
    next_to_write_ = 0;
    failed_.store(false);
    error_.reset();
    if (options_.profiles && sink_ != nullptr) {
      KETAPATH_TRY(sink_->begin_segment(segment, first, count));
    }
    const std::size_t chunks = (count + kChunkSize - 1) / kChunkSize;
    const unsigned threads = static_cast<unsigned>(std::min<std::size_t>(options_.threads, chunks));
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) {
      pool.emplace_back([this, chunks] { work(chunks); });
    }
    work(chunks);
    pool.clear();  // joins
    if (error_) {
      return std::unexpected(*error_);
    }
    if (options_.profiles && sink_ != nullptr) {
      KETAPATH_TRY(sink_->end_segment(segment));
    }
    return {};
  }

 private:
  void fail(core::Error error) {
    std::lock_guard lock(mutex_);
    if (!error_) {
      error_ = std::move(error);
    }
    failed_.store(true);
    turn_.notify_all();
  }

  // Subjects [offset, offset + count) of the segment in consecutive blocks, as the derived values
  // are computed per block of consecutive subjects.
  core::Status simulate_with_derived(const BatchSubjects& subjects, std::size_t offset,
                                     std::size_t count, std::vector<double>& block_profiles,
                                     std::vector<double>& chunk_profiles) {
    const std::size_t times = schedule_.protocol.output_times_h.size();
    const std::size_t derived = options_.derived.per_subject;
    for (std::size_t b = 0; b < count; b += kLanes) {
      const std::size_t lanes = std::min(kLanes, count - b);
      simulate_block(schedule_, subjects, b, lanes, &(*endpoints_)[(offset + b) * kEndpointCount],
                     block_profiles.data());
      double* out = &(*endpoints_)[count_ * kEndpointCount + (offset + b) * derived];
      KETAPATH_TRY(
          options_.derived.compute(first_ + offset + b, lanes, block_profiles.data(), out));
      if (options_.profiles) {
        double* rows[kLanes];
        for (std::size_t l = 0; l < lanes; ++l) {
          rows[l] = &chunk_profiles[(b + l) * times * kProfileVariables];
        }
        copy_block_profiles(block_profiles.data(), times, lanes, rows);
      }
    }
    return {};
  }

  void work(std::size_t chunks) {
    BatchSubjects subjects;
    std::vector<double> block_profiles;
    std::vector<double> chunk_profiles;
    const std::size_t times = schedule_.protocol.output_times_h.size();
    const std::size_t derived = options_.derived.per_subject;
    if (derived > 0) {
      block_profiles.resize(times * kProfileVariables * kLanes);
    }
    if (options_.profiles) {
      chunk_profiles.resize(kChunkSize * times * kProfileVariables);
    }
    for (;;) {
      const std::size_t chunk = next_chunk_.fetch_add(1);
      if (chunk >= chunks || failed_.load()) {
        return;
      }
      const std::size_t offset = chunk * kChunkSize;
      const std::size_t count = std::min(kChunkSize, count_ - offset);
      subjects = BatchSubjects{};
      if (auto status = source_(first_ + offset, count, subjects); !status) {
        fail(status.error());
        return;
      }
      if (auto status = subjects.validate(); !status) {
        fail(core::Error{status.error().code, "population: subjects from " +
                                                  std::to_string(first_ + offset) + ": " +
                                                  status.error().message});
        return;
      }
      if (derived == 0) {
        // Blocks grouped by tail (subject_blocks.h): the same numbers, fewer collocation steps.
        simulate_subjects(schedule_, subjects, 0, count, &(*endpoints_)[offset * kEndpointCount],
                          options_.profiles ? chunk_profiles.data() : nullptr);
      } else if (auto status =
                     simulate_with_derived(subjects, offset, count, block_profiles, chunk_profiles);
                 !status) {
        fail(status.error());
        return;
      }
      if (options_.profiles && sink_ != nullptr) {
        // Chunks are taken in increasing order, so waiting for the predecessors cannot deadlock.
        std::unique_lock lock(mutex_);
        turn_.wait(lock, [&] { return next_to_write_ == chunk || failed_.load(); });
        if (failed_.load()) {
          return;
        }
        auto status = sink_->profiles(first_ + offset, count, chunk_profiles.data());
        ++next_to_write_;
        lock.unlock();
        turn_.notify_all();
        if (!status) {
          fail(status.error());
          return;
        }
      }
    }
  }

  const BatchSchedule& schedule_;
  const SubjectSource& source_;
  const RunOptions& options_;
  BatchSink* sink_;
  std::size_t first_ = 0;
  std::size_t count_ = 0;
  std::vector<double>* endpoints_ = nullptr;
  std::atomic<std::size_t> next_chunk_{0};
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::condition_variable turn_;
  std::size_t next_to_write_ = 0;
  std::optional<core::Error> error_;
};

}  // namespace

core::Result<RunResult> run_population(const BatchSchedule& schedule, const SubjectSource& source,
                                       const RunOptions& options, BatchSink* sink,
                                       Cluster* cluster) {
  KETAPATH_TRY(core::check_count("population: --threads", static_cast<long long>(options.threads),
                                 "", 1, core::kUnbounded, core::ErrorCode::InvalidArgument));
  if (options.derived.per_subject > 0 && !options.derived.compute) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: {} derived values per subject but no function computing them",
                      options.derived.per_subject);
  }
  LocalCluster local;
  Cluster& processes = cluster != nullptr ? *cluster : local;
  const int rank = processes.rank();
  const int size = processes.size();
  const std::size_t segments = (options.subjects + kSegmentSize - 1) / kSegmentSize;
  SegmentWorker worker(schedule, source, options, sink);
  RunResult result;
  if (rank == 0) {
    result.summary.emplace(default_endpoint_bins(), options.responder_s_max);
  }
  std::vector<double> endpoints;
  for (std::size_t j = 0; j < segments; ++j) {
    const int owner = static_cast<int>(j % static_cast<std::size_t>(size));
    const std::size_t first = j * kSegmentSize;
    const std::size_t count = std::min(kSegmentSize, options.subjects - first);
    if (owner == rank) {
      KETAPATH_TRY(worker.run(j, first, count, endpoints));
      if (rank != 0) {
        KETAPATH_TRY(processes.send_segment(j, endpoints));
        continue;
      }
    } else if (rank == 0) {
      endpoints.assign(count * (kEndpointCount + options.derived.per_subject), 0.0);
      KETAPATH_TRY(processes.receive_segment(j, owner, endpoints));
    } else {
      continue;
    }
    // Process 0: fold in subject order.
    const std::size_t derived = options.derived.per_subject;
    for (std::size_t i = 0; i < count; ++i) {
      result.summary->add(&endpoints[i * kEndpointCount]);
      if (derived > 0 && options.derived.fold) {
        options.derived.fold(first + i, &endpoints[count * kEndpointCount + i * derived]);
      }
    }
    if (sink != nullptr) {
      KETAPATH_TRY(sink->endpoints(first, count, endpoints.data()));
      if (derived > 0) {
        KETAPATH_TRY(
            sink->derived(first, count, derived, endpoints.data() + count * kEndpointCount));
      }
    }
    if (options.progress) {
      options.progress(first + count, options.subjects);
    }
  }
  return result;
}

}  // namespace ketapath::population
