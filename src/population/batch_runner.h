#pragma once
// Runs a population through the batch kernel on all cores (and, through a Cluster, on several
// processes) with a fixed subject-to-work mapping, so the results are bit-identical on any thread
// or process count:
//   - subjects are cut into segments of kSegmentSize, segment j belongs to process j % size;
//   - a segment is cut into chunks of kChunkSize subjects that the process's threads take in
//     increasing order; every subject's arithmetic is independent of its neighbours;
//   - process 0 folds the endpoints (and any derived per-subject values, RunOptions::derived)
//     into the running statistics one subject at a time, in subject order, receiving other
//     processes' segments in order.
// Memory is bounded by the segment buffer (kSegmentSize x (kEndpointCount + derived values)
// doubles) and one chunk of profiles per thread, whatever N.
//
// Example:
//   population::RunOptions options{.subjects = 100000, .threads = 2};
//   auto result = population::run_population(schedule, source, options, nullptr);

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "core/error.h"
#include "population/batch_model.h"
#include "population/batch_statistics.h"

namespace ketapath::population {

inline constexpr std::size_t kChunkSize = 64;       ///< subjects per unit of thread work
inline constexpr std::size_t kSegmentSize = 16384;  ///< subjects per unit of process work

/// Fills `out` (cleared by the caller) with subjects [first, first + count); must be a pure
/// function of the indices (e.g. keyed random streams), callable from several threads at once.
using SubjectSource =
    std::function<core::Status(std::size_t first, std::size_t count, BatchSubjects& out)>;

/// Receives results. Endpoint calls come on process 0 only, in subject order; profile calls come
/// on the process that computed the segment, in subject order within the segment, one call at a
/// time (never concurrently).
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  /// Endpoints of subjects [first, first + count): count x kEndpointCount values.
  virtual core::Status endpoints(std::size_t first, std::size_t count, const double* values);
  /// Derived values (RunOptions::derived) of subjects [first, first + count): count x
  /// per_subject values, on process 0 in subject order, right after endpoints().
  virtual core::Status derived(std::size_t first, std::size_t count, std::size_t per_subject,
                               const double* values);
  /// Start of segment `segment` (subjects [first, first + count)) on this process.
  virtual core::Status begin_segment(std::size_t segment, std::size_t first, std::size_t count);
  /// Profiles of subjects [first, first + count): count x times x kProfileVariables values
  /// (subject-major, then time, then variable).
  virtual core::Status profiles(std::size_t first, std::size_t count, const double* values);
  virtual core::Status end_segment(std::size_t segment);
};

/// The processes taking part (one process without MPI). Implementations move whole segments of
/// endpoints (followed by the segment's derived values, if any) between processes; every process
/// calls run_population with the same arguments.
class Cluster {
 public:
  virtual ~Cluster() = default;
  [[nodiscard]] virtual int rank() const = 0;
  [[nodiscard]] virtual int size() const = 0;
  /// Sends a computed segment's endpoints to process 0 (called on the owner, rank > 0).
  virtual core::Status send_segment(std::size_t segment, const std::vector<double>& endpoints) = 0;
  /// Receives segment `segment` from process `from` into `endpoints` (already sized).
  virtual core::Status receive_segment(std::size_t segment, int from,
                                       std::vector<double>& endpoints) = 0;
};

/// Per-subject values derived from each subject's time course (e.g. clinical endpoints), computed
/// on the worker threads next to the kernel and folded on process 0 in subject order, so they
/// share the runner's bit-identity on any thread or process count and its bounded memory.
struct DerivedValues {
  std::size_t per_subject = 0;  ///< values per subject (0: none)
  /// Values of subjects [first, first + lanes) (lanes <= kLanes) from one kernel block's profiles
  /// (output_times x kProfileVariables x kLanes, as simulate_block) into `out` (lanes x
  /// per_subject, subject-major). Called from several threads at once; must depend only on its
  /// arguments.
  std::function<core::Status(std::size_t first, std::size_t lanes, const double* profiles,
                             double* out)>
      compute = {};
  /// Receives one subject's values on process 0, in subject order.
  std::function<void(std::size_t subject, const double* values)> fold = {};
};

struct RunOptions {
  std::size_t subjects = 0;
  unsigned threads = 1;          ///< worker threads on this process (>= 1)
  bool profiles = false;         ///< compute time courses and pass them to the sink
  double responder_s_max = 0.3;  ///< see EndpointSummary
  DerivedValues derived = {};    ///< optional per-subject values from the profiles
  /// Called on process 0 after each folded segment with (subjects done, total).
  std::function<void(std::size_t, std::size_t)> progress = {};
};

struct RunResult {
  /// The statistics; present on process 0 only.
  std::optional<EndpointSummary> summary;
};

/// Simulates options.subjects subjects. Errors: InvalidArgument (0 threads, invalid subject
/// parameters, named by subject index), whatever the source, sink or cluster report.
core::Result<RunResult> run_population(const BatchSchedule& schedule, const SubjectSource& source,
                                       const RunOptions& options, BatchSink* sink,
                                       Cluster* cluster = nullptr);

}  // namespace ketapath::population
