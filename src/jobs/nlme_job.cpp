#include "jobs/nlme_job.h"

#include <cmath>
#include <limits>
#include <utility>

#include "core/check.h"
#include "core/limits.h"
#include "core/svg.h"
#include "jobs/record_error.h"

namespace ketapath::jobs {
namespace {

/// The error with "line N:" turned into "FILE:N:".
template <class T>
core::Result<T> located(core::Result<T> result, std::string_view file) {
  if (!result) {
    return std::unexpected(locate_record_error(std::move(result).error(), file));
  }
  return result;
}

core::Status check_work(std::string_view what, const NlmeData& d, std::size_t replicates,
                        std::size_t extra_times) {
  KETAPATH_TRY(core::check_limited_count(fmt::format("{}: replicates", what),
                                         static_cast<long long>(replicates), "", 1,
                                         core::limits::kMaxReplicates));
  std::size_t rows = 0;
  for (const pk::SubjectTimeline& s : d.data.subjects) {
    rows += s.records.size() + extra_times;
  }
  const double work = static_cast<double>(rows) * static_cast<double>(replicates);
  return core::check_range(fmt::format("{}: replicates x output rows", what), work, "rows",
                           {.high = static_cast<double>(core::limits::kMaxSimulatedRows)},
                           core::ErrorCode::LimitExceeded);
}

std::vector<std::string> ids_of(const io::NmtranData& data) {
  std::vector<std::string> ids;
  for (const pk::SubjectTimeline& s : data.subjects) {
    ids.push_back(s.id);
  }
  return ids;
}

}  // namespace

core::Result<NlmeData> read_nlme_data(const std::filesystem::path& path,
                                      const std::optional<std::string>& text) {
  NlmeData out{
      .data = KETAPATH_TRY(text ? io::parse_nmtran(*text, path.string()) : io::read_nmtran(path)),
      .dv = {}};
  const double missing = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t s = 0; s < out.data.subjects.size(); ++s) {
    const pk::SubjectTimeline& subject = out.data.subjects[s];
    std::vector<double> dv(subject.records.size(), missing);
    for (std::size_t r = 0; r < dv.size(); ++r) {
      const io::NmtranRecordExtras& extra = out.data.extras[s][r];
      if (subject.records[r].kind == pk::RecordKind::Observation && extra.mdv == 0 && extra.dv) {
        dv[r] = *extra.dv;
      }
    }
    out.dv.push_back(std::move(dv));
  }
  return out;
}

core::Result<NlmeSimulateRun> simulate_population(const nlme::PopulationModel& model,
                                                  const NlmeSimulateRequest& request) {
  const NlmeData d = KETAPATH_TRY(read_nlme_data(request.data, request.data_text));
  KETAPATH_TRY(check_work("simulate", d, request.replicates, request.extra_times.size()));
  const nlme::SimulationInput input{
      .subjects = d.data.subjects, .dv = d.dv, .extra_times = request.extra_times};
  NlmeSimulateRun run;
  run.ids = ids_of(d.data);
  run.subjects = KETAPATH_TRY(located(
      nlme::simulate(
          model, input,
          {.replicates = request.replicates, .seed = request.seed, .threads = request.threads}),
      d.data.source));
  return run;
}

core::Result<NlmeFitRun> fit_population(const nlme::PopulationModel& model,
                                        const NlmeFitRequest& request) {
  const NlmeData d = KETAPATH_TRY(read_nlme_data(request.data, request.data_text));
  bool any = false;
  for (const auto& dv : d.dv) {
    for (const double v : dv) {
      any = any || !std::isnan(v);
    }
  }
  if (!any) {
    return core::fail(core::ErrorCode::InvalidData,
                      "{}: no observation record (EVID 0, MDV 0) has a DV; a fit needs DV",
                      d.data.source);
  }
  if (request.vpc_replicates > 0) {
    KETAPATH_TRY(check_work("fit --vpc", d, request.vpc_replicates, 0));
  }
  const nlme::FitInput input{.subjects = d.data.subjects, .dv = d.dv};
  NlmeFitRun run;
  run.ids = ids_of(d.data);
  run.fit = KETAPATH_TRY(located(nlme::fit(model, input, request.fit), d.data.source));
  if (request.vpc_replicates > 0) {
    run.vpc = KETAPATH_TRY(located(nlme::vpc(model, input,
                                             {.replicates = request.vpc_replicates,
                                              .seed = request.seed,
                                              .threads = request.fit.threads}),
                                   d.data.source));
  }
  if (request.plots) {
    run.gof_svg = core::render_svg(nlme::gof_chart(run.fit, model.name()));
    if (run.vpc) {
      run.vpc_svg = core::render_svg(nlme::vpc_chart(*run.vpc, model.name()));
    }
  }
  return run;
}

}  // namespace ketapath::jobs
