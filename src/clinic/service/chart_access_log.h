#pragma once
// Buffers chart reads (clinic/domain/chart_access.h) and writes them in groups: one transaction
// and ONE audit entry ("chart.access", listing the reads) per group, so reading a chart is not a
// durable write each time.
//
// - Immediate: every record() writes at once (the CLI: one command, a few reads).
// - Grouped: record() only buffers; flush() writes the buffer (the server calls it from a
//   background thread at least once a second, when `max_pending` reads are waiting, and at
//   shutdown). A crash loses at most the reads of the last second; a buffer that cannot be
//   written (the database is down) fills up, and then record() refuses, so the read itself fails
//   rather than going unrecorded.

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "clinic/domain/chart_access.h"
#include "clinic/service/ports.h"
#include "core/error.h"

namespace ketapath::clinic {

class ChartAccessLog {
 public:
  enum class Mode { Immediate, Grouped };

  ChartAccessLog(ClinicStore& store, Mode mode, std::size_t max_pending = 256);

  /// Buffers one read (and writes it now in Immediate mode). Storage error when the buffer is
  /// full of reads that could not be written.
  core::Status record(ChartAccess access);
  /// Writes every buffered read: one transaction, one audit entry at `now`. Nothing to do: ok.
  /// On failure the reads stay buffered for the next flush.
  core::Status flush(Timestamp now);
  std::size_t pending() const;
  /// Grouped mode: waits until `max_pending` reads are buffered or `timeout` passed (the flusher
  /// thread's sleep); returns at once when stop() was called.
  void wait(std::chrono::milliseconds timeout);
  void stop();

 private:
  ClinicStore& store_;
  Mode mode_;
  std::size_t max_pending_;
  mutable std::mutex mutex_;
  std::mutex write_mutex_;  ///< one flush at a time, in buffer order
  std::condition_variable wake_;
  std::vector<ChartAccess> pending_;
  bool stopped_ = false;
};

}  // namespace ketapath::clinic
