#pragma once
// A progress bar on stderr for long runs (`trial`, `population`): shown only when enabled (stderr
// is a terminal and the output is not JSON), and only after the first second, so short runs and
// piped or scripted runs print nothing. Erased when destroyed. Not thread-safe: the engines call
// their progress hooks one at a time.
//
//   ProgressBar bar(ProgressBar::wanted(format != "json"), "replicates");
//   bar.update(done, total);

#include <chrono>
#include <cstddef>
#include <string>

namespace ketapath::cli {

class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string unit);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// True when stderr is a terminal and `allowed` (e.g. not --format json).
  [[nodiscard]] static bool wanted(bool allowed);

  void update(std::size_t done, std::size_t total);

 private:
  bool enabled_;
  std::string unit_;
  std::chrono::steady_clock::time_point start_;
  bool shown_ = false;
};

}  // namespace ketapath::cli
