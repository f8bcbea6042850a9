#include "cli/forecast_options.h"

#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "io/model_file.h"

namespace ketapath::cli {

void add_forecast_query_options(CLI::App* command, ForecastQueryOptions& o) {
  command->add_option("--scale", o.scale, "ham-a, gad-7, fq or lsas (default: the most rated)");
  command->add_option("--risk", o.risk,
                      "Largest acceptable P(loss of response), 0-1 (default 0.2)");
  command->add_option("--model", o.model, "Model file or bundled name (default ketamine)");
  command->add_option("--data-dir", o.data_dir, "Where bundled models are looked up first");
  command->add_option("--seed", o.seed, "Seed of the posterior sampling (default 1)");
}

core::Result<LoadedForecastQuery> load_forecast_query(const ForecastQueryOptions& o) {
  LoadedForecastQuery q;
  q.query.risk = o.risk;
  q.query.seed = o.seed;
  if (!o.scale.empty()) {
    q.query.scale = KETAPATH_TRY(clinic::parse_scale(o.scale));
  }
  const auto dirs = io::DataDirectories::standard(
      o.data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(o.data_dir),
      KETAPATH_SOURCE_DATA_DIR);
  q.model = KETAPATH_TRY(io::load_model(o.model, dirs));
  q.query.model_label = fmt::format("{} (ketapath {})", q.model.name, KETAPATH_VERSION);
  return q;
}

}  // namespace ketapath::cli
