// The grouped chart-access log (chart_access_log.h).

#include "clinic/service/chart_access_log.h"

#include "clinic/json/json.h"

namespace ketapath::clinic {

namespace {

/// The hard cap on buffered reads: past it record() refuses (the reads could not be written).
constexpr std::size_t kOverflowFactor = 16;

}  // namespace

ChartAccessLog::ChartAccessLog(ClinicStore& store, Mode mode, std::size_t max_pending)
    : store_(store), mode_(mode), max_pending_(std::max<std::size_t>(1, max_pending)) {}

core::Status ChartAccessLog::record(ChartAccess access) {
  const Timestamp at = access.at;
  {
    const std::scoped_lock lock(mutex_);
    if (pending_.size() >= max_pending_ * kOverflowFactor) {
      return core::fail(core::ErrorCode::Storage,
                        "chart-access log: {} reads could not be written yet; refusing further "
                        "chart reads until they are",
                        pending_.size());
    }
    pending_.push_back(std::move(access));
    if (mode_ == Mode::Grouped) {
      if (pending_.size() >= max_pending_) {
        wake_.notify_all();
      }
      return {};
    }
  }
  return flush(at);
}

core::Status ChartAccessLog::flush(Timestamp now) {
  const std::scoped_lock writing(write_mutex_);
  std::vector<ChartAccess> batch;
  {
    const std::scoped_lock lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty()) {
    return {};
  }
  auto written = [&]() -> core::Status {
    auto tx = KETAPATH_TRY(store_.begin());
    Json reads = Json::array();
    for (const ChartAccess& a : batch) {
      KETAPATH_TRY(tx->chart_accesses().add(a));
      reads.push_back({{"user", a.user},
                       {"patient", a.patient.value()},
                       {"what", a.what},
                       {"at", format_timestamp(a.at)}});
    }
    KETAPATH_TRY(
        tx->append_audit(AuditRecord{now, "chart-access-log", "chart.access", "chart_access",
                                     "null", canonical({{"reads", reads}})}));
    return tx->commit();
  }();
  if (!written) {
    const std::scoped_lock lock(mutex_);
    pending_.insert(pending_.begin(), std::make_move_iterator(batch.begin()),
                    std::make_move_iterator(batch.end()));
  }
  return written;
}

std::size_t ChartAccessLog::pending() const {
  const std::scoped_lock lock(mutex_);
  return pending_.size();
}

void ChartAccessLog::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, timeout, [&] { return stopped_ || pending_.size() >= max_pending_; });
}

void ChartAccessLog::stop() {
  const std::scoped_lock lock(mutex_);
  stopped_ = true;
  wake_.notify_all();
}

}  // namespace ketapath::clinic
