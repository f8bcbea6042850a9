#include "server/server_state.h"

#include <algorithm>

namespace ketapath::server {

extern const char* const kOpenApiDocument;  // openapi_document.cpp (generated from openapi.json)

std::optional<std::chrono::seconds> ServerState::sign_in_wait(std::string_view address) {
  const std::scoped_lock lock(mutex_);
  const auto it = failures_.find(address);
  if (it == failures_.end()) {
    return std::nullopt;
  }
  const auto now = Clock::now();
  if (now < it->second.blocked_until) {
    return std::chrono::ceil<std::chrono::seconds>(it->second.blocked_until - now);
  }
  return std::nullopt;
}

void ServerState::sign_in_failed(std::string_view address) {
  const std::scoped_lock lock(mutex_);
  const auto now = Clock::now();
  if (failures_.size() >= kMaxAddresses) {
    std::erase_if(failures_, [&](const auto& kv) { return now - kv.second.last > kForget; });
  }
  Failures& f = failures_[std::string(address)];
  if (now - f.last > kForget) {
    f = Failures{};
  }
  f.count += 1;
  f.last = now;
  if (f.count >= kFreeFailures) {
    const int doublings = std::min(f.count - kFreeFailures, 10);
    f.blocked_until =
        now + std::min<std::chrono::seconds>(std::chrono::seconds(1LL << doublings), kMaxWait);
  }
}

void ServerState::sign_in_succeeded(std::string_view address) {
  const std::scoped_lock lock(mutex_);
  if (const auto it = failures_.find(address); it != failures_.end()) {
    failures_.erase(it);
  }
}

std::optional<std::chrono::seconds> ServerState::admit_form(std::string_view address) {
  const std::scoped_lock lock(mutex_);
  const auto now = Clock::now();
  if (forms_.size() >= kMaxAddresses) {
    std::erase_if(forms_, [&](const auto& kv) { return now - kv.second.start >= kFormWindow; });
  }
  if (forms_.size() >= kMaxAddresses && !forms_.contains(address)) {
    return kFormWindow;  // memory stays bounded: new addresses wait while the table is full
  }
  Window& w = forms_[std::string(address)];
  if (now - w.start >= kFormWindow) {
    w = Window{0, now};
  }
  if (w.count >= forms_per_window) {
    return std::chrono::ceil<std::chrono::seconds>(w.start + kFormWindow - now);
  }
  w.count += 1;
  return std::nullopt;
}

std::string_view ServerState::openapi() const {
  return kOpenApiDocument;
}

}  // namespace ketapath::server
