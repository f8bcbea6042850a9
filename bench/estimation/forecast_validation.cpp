// The 1,000-virtual-patient validation of issue 13 (docs/model.md "Validation"): recovery (bias
// and RMSE per estimated eta for K = 4, 8, 12 ratings, class accuracy), calibration (coverage of
// the 80% and 95% prediction intervals of the held-out loading ratings) and, with --decisions,
// 12 weeks of maintenance under fixed weekly, fixed fortnightly, the rule, the model, and the
// model gated as the clinic gates it (the rule where the risk is not met).
// Usage (long: run under nice):
//   nice -n 19 build/bench/estimation/forecast_validation [--patients 1000] [--threads 2]
//       [--seed 1] [--decisions | --decisions-only] [--misspecified] [--threshold 0.5]
// --misspecified draws the truth with S_T12 x 2 and PLACEBO_T12 x 0.5 (a time course the prior
// does not assume).

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "estimation/validation.h"
#include "io/model_file.h"

int main(int argc, char** argv) {
  using namespace ketapath;
  estimation::ValidationOptions o;
  o.patients = 1000;
  o.threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto next = [&]() -> const char* {
      return i + 1 < argc ? argv[++i] : "0";
    };
    if (a == "--patients") {
      o.patients = std::atoi(next());
    } else if (a == "--threads") {
      o.threads = std::atoi(next());
    } else if (a == "--seed") {
      o.seed = std::strtoull(next(), nullptr, 10);
    } else if (a == "--decisions") {
      o.decisions = true;
    } else if (a == "--decisions-only") {  // skip recovery and calibration
      o.decisions = true;
      o.recovery_k.clear();
      o.calibration_k = 1 << 20;
    } else if (a == "--misspecified") {
      o.truth = {.s_t12_factor = 2.0, .placebo_t12_factor = 0.5};
    } else if (a == "--credit") {  // horizon | whole | gain (forecast.h Credit)
      const std::string_view c = next();
      o.credit = c == "horizon" ? estimation::Credit::Horizon
                 : c == "whole" ? estimation::Credit::WholeIntervals
                                : estimation::Credit::GainOverWholeIntervals;
    } else if (a == "--session9-horizon") {  // decisions see the end of the window (session 9)
      o.full_horizon = false;
    } else if (a == "--decide-every") {  // days between the model's re-decisions (28)
      o.decision_days = std::atof(next());
    } else if (a == "--threshold") {
      o.responder_reduction = std::atof(next());
    } else {
      fmt::print(stderr, "unknown option {}\n", a);
      return 2;
    }
  }
  const auto model = io::load_model(
      "ketamine",
      io::DataDirectories::from(std::nullopt, std::nullopt, std::nullopt, KETAPATH_SOURCE_DIR));
  if (!model) {
    fmt::print(stderr, "{}\n", model.error().message);
    return 1;
  }
  const auto r = estimation::validate(*model, o);
  if (!r) {
    fmt::print(stderr, "{}\n", r.error().message);
    return 1;
  }
  fmt::print("patients {} (seed {}, {}truth; true responder class {:.1f}%), fits {}\n", r->patients,
             o.seed, o.truth.s_t12_factor != 1.0 ? "misspecified " : "",
             100.0 * r->true_responder_fraction, r->fits);
  fmt::print("\n| Parameter (eta) | K | bias | RMSE | prior SD |\n|---|---|---|---|---|\n");
  for (const auto& p : r->recovery) {
    fmt::print("| {} | {} | {:+.3f} | {:.3f} | {:.3f} |\n", p.name, p.k, p.bias, p.rmse,
               p.prior_sd);
  }
  fmt::print("\n| K | class accuracy |\n|---|---|\n");
  for (const auto& [k, a] : r->class_accuracy) {
    fmt::print("| {} | {:.1f}% |\n", k, 100.0 * a);
  }
  fmt::print("\nheld-out ratings {}: 80% interval covers {:.1f}%, 95% interval covers {:.1f}%\n",
             r->held_out, 100.0 * r->coverage80, 100.0 * r->coverage95);
  if (!r->strategies.empty()) {
    fmt::print("\nresponse = at least {:.0f}% reduction (true state, daily), risk {:.2f}\n",
               100.0 * o.responder_reduction, o.risk);
    fmt::print(
        "| Schedule | infusions | weeks in response | weeks per infusion | relapse "
        "episodes | decisions within risk |\n|---|---|---|---|---|---|\n");
    for (const auto& s : r->strategies) {
      fmt::print(
          "| {} | {:.2f} | {:.2f} | {:.3f} | {:.2f} | {} |\n", s.name, s.infusions,
          s.weeks_in_response, s.weeks_per_infusion, s.relapse_episodes,
          s.name.starts_with("model") ? fmt::format("{:.0f}%", 100.0 * s.model_followed) : "-");
    }
  }
  if (!r->weekly_peak_reduction.empty()) {
    fmt::print("\nweekly dosing, largest true reduction at a daily check: patients reaching R\n");
    for (const double level : {0.15, 0.2, 0.25, 0.3, 0.4, 0.5}) {
      const auto n =
          std::ranges::count_if(r->weekly_peak_reduction, [&](double x) { return x >= level; });
      fmt::print("R {:.2f}: {} of {}\n", level, n, r->weekly_peak_reduction.size());
    }
  }
  return 0;
}
