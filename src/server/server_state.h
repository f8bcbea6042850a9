#pragma once
// Per-process state the handlers share: the sign-in throttle and the public form's rate limit per
// client address (in memory: a second server process keeps its own; the per-account lockout lives
// in the database) and the embedded OpenAPI document.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace ketapath::pd {
struct KetamineModel;
}

namespace ketapath::server {

class ServerState {
 public:
  using Clock = std::chrono::steady_clock;

  /// Failures from one address before it must wait; the wait doubles with each further failure
  /// up to kMaxWait. A success from the address clears its count; an address that stays quiet for
  /// kForget is forgotten.
  static constexpr int kFreeFailures = 5;
  static constexpr std::chrono::seconds kMaxWait{std::chrono::minutes(15)};
  static constexpr std::chrono::seconds kForget{std::chrono::minutes(30)};
  static constexpr std::size_t kMaxAddresses = 100000;

  /// How long the address must still wait before its next sign-in attempt, if at all.
  std::optional<std::chrono::seconds> sign_in_wait(std::string_view address);
  void sign_in_failed(std::string_view address);
  void sign_in_succeeded(std::string_view address);

  /// The public consultation form: at most forms_per_window submissions (valid or not) per
  /// address per kFormWindow. Counts this one and returns nothing when admitted, else how long
  /// the address must wait (the handler answers 429 rate_limited and stores nothing).
  static constexpr std::chrono::seconds kFormWindow{std::chrono::minutes(10)};
  std::optional<std::chrono::seconds> admit_form(std::string_view address);
  int forms_per_window = 5;  ///< ServerOptions::forms_per_window

  std::string_view openapi() const;

  /// The model forecasts are made with (ServerOptions::forecast_model; none: the forecast
  /// routes answer 500 naming it) and its label, shown with every forecast.
  std::shared_ptr<const pd::KetamineModel> forecast_model;
  std::string forecast_model_label;

 private:
  struct Failures {
    int count = 0;
    Clock::time_point last{};
    Clock::time_point blocked_until{};
  };

  std::mutex mutex_;
  std::map<std::string, Failures, std::less<>> failures_;

  struct Window {
    int count = 0;
    Clock::time_point start{};
  };

  std::map<std::string, Window, std::less<>> forms_;
};

}  // namespace ketapath::server
