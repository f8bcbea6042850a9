#include "jobs/trial_job.h"

#include <cmath>
#include <utility>

#include "io/design_file.h"

namespace ketapath::jobs {
namespace {

nlohmann::json finite_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

const char* endpoint_kind_name(trial::Endpoint::Kind kind) {
  switch (kind) {
    case trial::Endpoint::Kind::Value:
      return "value";
    case trial::Endpoint::Kind::Ordering:
      return "ordering";
    case trial::Endpoint::Kind::Ratio:
      return "ratio";
    case trial::Endpoint::Kind::MeanDifference:
      return "mean_difference";
    case trial::Endpoint::Kind::HedgesG:
      return "hedges_g";
    case trial::Endpoint::Kind::OddsRatio:
      return "odds_ratio";
    case trial::Endpoint::Kind::RiskDifference:
      return "risk_difference";
  }
  return "value";
}

nlohmann::json endpoint_json(const trial::EndpointResult& r) {
  nlohmann::json e;
  e["name"] = r.endpoint.name;
  e["simulated"] = {{"median", finite_or_null(r.simulated.median)},
                    {"p05", finite_or_null(r.simulated.p05)},
                    {"p95", finite_or_null(r.simulated.p95)}};
  if (!r.endpoint.published) {
    e["published"] = nullptr;
  } else if (const auto* d = std::get_if<double>(&*r.endpoint.published)) {
    e["published"] = *d;
  } else {
    e["published"] = std::get<std::string>(*r.endpoint.published);
  }
  e["tolerance"] =
      r.endpoint.tolerance
          ? nlohmann::json::array({r.endpoint.tolerance->first, r.endpoint.tolerance->second})
          : nlohmann::json(nullptr);
  e["pass"] = r.pass ? nlohmann::json(*r.pass) : nlohmann::json(nullptr);
  e["kind"] = endpoint_kind_name(r.endpoint.kind);
  if (trial::is_comparison(r.endpoint)) {
    // the per-replicate estimates with the interval each trial would report
    nlohmann::json reps = nlohmann::json::array();
    for (std::size_t i = 0; i < r.per_replicate.size(); ++i) {
      reps.push_back({{"estimate", finite_or_null(r.per_replicate[i])},
                      {"ci_low", finite_or_null(r.per_replicate_interval[i][0])},
                      {"ci_high", finite_or_null(r.per_replicate_interval[i][1])}});
    }
    e["per_replicate"] = std::move(reps);
    e["confidence"] = r.endpoint.confidence;
  }
  e["unit"] = r.endpoint.unit;
  e["definition"] = r.endpoint.definition;
  e["replicates_defined"] = r.simulated.defined;
  return e;
}

}  // namespace

core::Result<TrialRun> run_trial_job(const TrialRequest& request) {
  const auto path = KETAPATH_TRY(io::resolve_data_file(request.design, "designs", request.dirs));
  io::DesignAndModel loaded = KETAPATH_TRY(io::load_design_with_model(
      path, request.model.empty() ? std::nullopt : std::optional<std::string>(request.model),
      request.dirs));
  TrialRun run{std::move(loaded.design), request.model, {}};
  if (run.model.empty()) {
    run.model = run.design.model;
  }
  const pd::KetamineModel& model = loaded.model;
  run.result =
      KETAPATH_TRY(trial::run_trial(run.design, model,
                                    {.replicates = request.replicates,
                                     .seed = request.seed,
                                     .threads = request.threads,
                                     .per_subject = request.per_subject,
                                     .parameter_uncertainty = request.parameter_uncertainty,
                                     .progress = request.progress}));
  return run;
}

nlohmann::json trial_result_json(const trial::TrialResult& result) {
  nlohmann::json endpoints = nlohmann::json::array();
  for (const trial::EndpointResult& r : result.endpoints) {
    endpoints.push_back(endpoint_json(r));
  }
  nlohmann::json doc = {{"design", result.design},
                        {"replicates", result.replicates},
                        {"seed", result.seed},
                        {"endpoints", std::move(endpoints)}};
  if (!result.uncertain_parameters.empty()) {
    // each replicate's typical values, drawn from the model's [uncertainty]
    nlohmann::json reps = nlohmann::json::array();
    for (const auto& values : result.replicate_typical) {
      nlohmann::json one;
      for (std::size_t i = 0; i < values.size(); ++i) {
        one[result.uncertain_parameters[i]] = values[i];
      }
      reps.push_back(std::move(one));
    }
    doc["parameter_uncertainty"] = {{"source", result.uncertainty_source},
                                    {"parameters", result.uncertain_parameters},
                                    {"per_replicate", std::move(reps)}};
  }
  return doc;
}

bool any_endpoint_failed(const trial::TrialResult& result) {
  for (const trial::EndpointResult& r : result.endpoints) {
    if (r.endpoint.tolerance && !r.pass.value_or(false)) {
      return true;
    }
  }
  return false;
}

}  // namespace ketapath::jobs
