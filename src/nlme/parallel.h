#pragma once
// Subjects in parallel with a fixed subject-to-thread mapping: thread t of T takes the
// contiguous indices [t n / T, (t + 1) n / T). Callers write results into slots by index, so the
// output never depends on the thread count.

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace ketapath::nlme {

/// Calls f(i) for i in [0, count) on min(threads, count) threads (the calling one when 1).
template <class F>
void for_each_index(std::size_t count, unsigned threads, const F& f) {
  const std::size_t t = std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(count, 1));
  if (t == 1) {
    for (std::size_t i = 0; i < count; ++i) {
      f(i);
    }
    return;
  }
  std::vector<std::jthread> workers;
  workers.reserve(t);
  for (std::size_t w = 0; w < t; ++w) {
    workers.emplace_back([&f, begin = w * count / t, end = (w + 1) * count / t] {
      for (std::size_t i = begin; i < end; ++i) {
        f(i);
      }
    });
  }
}

}  // namespace ketapath::nlme
