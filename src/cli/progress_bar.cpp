#include "cli/progress_bar.h"

#include <cstdio>
#include <utility>

#include <unistd.h>

namespace ketapath::cli {

ProgressBar::ProgressBar(bool enabled, std::string unit)
    : enabled_(enabled), unit_(std::move(unit)), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  if (shown_) {
    std::fprintf(stderr, "\r%80s\r", "");
  }
}

bool ProgressBar::wanted(bool allowed) {
  return allowed && isatty(fileno(stderr)) != 0;
}

void ProgressBar::update(std::size_t done, std::size_t total) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (!enabled_ || elapsed < 1.0 || total == 0) {
    return;
  }
  constexpr int kWidth = 30;
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(fraction * kWidth);
  std::fprintf(stderr, "\r[%s%s] %3.0f%% %zu/%zu %s, %.0f/s", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), 100 * fraction, done, total,
               unit_.c_str(), static_cast<double>(done) / elapsed);
  shown_ = true;
}

}  // namespace ketapath::cli
