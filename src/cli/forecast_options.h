#pragma once
// The options of a model-informed maintenance forecast (issue 13), shared by `clinic forecast`
// (and its accept and reject) and `clinic report`, whose letter carries the forecast: the scale,
// the clinic's risk, the model file and the seed of the posterior sampling.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "clinic/service/forecast.h"
#include "core/error.h"
#include "pd/ketamine_model.h"

namespace ketapath::cli {

struct ForecastQueryOptions {
  std::string scale;
  double risk = 0.2;
  std::string model = "ketamine";
  std::string data_dir;
  std::uint64_t seed = 1;
};

void add_forecast_query_options(CLI::App* command, ForecastQueryOptions& options);

struct LoadedForecastQuery {
  pd::KetamineModel model;
  clinic::ForecastQuery query;
};

/// The model file loaded and the query built; errors name the option (an unknown scale, a model
/// file that does not load).
core::Result<LoadedForecastQuery> load_forecast_query(const ForecastQueryOptions& options);

}  // namespace ketapath::cli
