#include "jobs/simulate_job.h"

#include <utility>

#include <fmt/format.h>

#include "io/nmtran.h"

namespace ketapath::jobs {
namespace {

/// pk names records as "line N: ..."; the user knows them as "FILE:N: ...".
core::Error locate(core::Error error, std::string_view file) {
  const std::string& m = error.message;
  if (m.starts_with("line ")) {
    std::size_t i = 5;
    while (i < m.size() && m[i] >= '0' && m[i] <= '9') {
      ++i;
    }
    if (i > 5 && i < m.size() && m[i] == ':') {
      error.message = fmt::format("{}:{}", file, m.substr(5));
    }
  }
  return error;
}

}  // namespace

std::vector<std::string> simulate_columns(const pk::ModelSpec& model, bool effect_site) {
  std::vector<std::string> names{"ID", "TIME", "CP"};
  for (const pk::CompartmentSpec& compartment : model.compartments) {
    names.push_back(fmt::format("A{}", compartment.number));
  }
  if (effect_site) {
    names.emplace_back("CE");
  }
  return names;
}

core::Result<SimulateRun> simulate_dataset(const SimulateRequest& request) {
  if (request.model == nullptr) {
    return core::fail(core::ErrorCode::InvalidArgument, "simulate: no model given");
  }
  const pk::ModelSpec& model = *request.model;
  pk::SimulationOptions simulation;
  simulation.extra_times = request.extra_times;
  // Missing, unknown or out-of-range parameters are reported before the data are read: an empty
  // timeline runs the model's own parameter checks and nothing else.
  KETAPATH_TRY(pk::simulate(model, request.parameters, pk::SubjectTimeline{}));

  const io::NmtranData data =
      KETAPATH_TRY(request.data_text ? io::parse_nmtran(*request.data_text, request.data.string())
                                     : io::read_nmtran(request.data));
  KETAPATH_TRY(io::validate_against(model, request.parameters, data));

  SimulateRun run;
  run.effect_site = request.parameters.contains("KE0");
  for (const pk::SubjectTimeline& subject : data.subjects) {
    auto rows = pk::simulate(model, request.parameters, subject, simulation);
    if (!rows) {
      return std::unexpected(locate(std::move(rows).error(), data.source));
    }
    run.subjects.push_back({subject.id, std::move(*rows)});
  }
  return run;
}

}  // namespace ketapath::jobs
