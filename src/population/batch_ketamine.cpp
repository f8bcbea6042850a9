#include "population/batch_ketamine.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <set>

#include "population/subject_columns.h"

namespace ketapath::population {

core::Result<KetamineBatchPlan> plan_ketamine_batch(
    const std::vector<protocol::Administration>& sessions, const std::vector<double>& assessment_h,
    const pd::KetamineParameters& typical, double follow_up_h) {
  if (typical.s_gamma != 2.0) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: the batch engine needs S_GAMMA = 2 (got {})", typical.s_gamma);
  }
  if (typical.q3.value() > 0.0) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: the batch engine has two ketamine compartments (got Q3 {} L/h)",
                      typical.q3.value());
  }
  KetamineBatchPlan plan;
  std::optional<pd::Route> route;
  double last = 0.0;
  for (const protocol::Administration& session : sessions) {
    last = std::max(last, session.time.value());
    if (session.agent != protocol::Agent::Ketamine) {
      continue;  // placebo or midazolam: no drug enters the model
    }
    const pd::Route r = session.route;
    if (route && *route != r) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "population: session {} uses route {} after {}; the batch engine "
                        "handles one route per arm",
                        session.index + 1, pd::route_name(r), pd::route_name(*route));
    }
    route = r;
    const bool per_kg = session.dose.weight_based();
    plan.protocol.doses.push_back(
        {.time_h = session.time.value(),
         .amount_mg = session.dose.number(),
         .target = r == pd::Route::Iv ? DoseTarget::Central : DoseTarget::Depot,
         .scaled = per_kg,
         .duration_h = session.infusion_duration.value()});
  }
  if (!route) {
    // A placebo or midazolam arm: no drug enters the model. The kernel runs with no doses (every
    // amount stays 0), and the outcomes are the expectancy response and the rating noise, as in
    // `trial`. The route only names the arm's absorption parameters, which no dose uses.
    route = sessions.empty() ? pd::Route::Iv : sessions.front().route;
  }
  plan.route = *route;
  double follow_up = follow_up_h;
  for (double a : assessment_h) {
    follow_up = std::max(follow_up, a);
  }
  const double end = std::ceil(last + follow_up);
  std::set<double> times;
  for (int h = 0; h <= static_cast<int>(end); ++h) {
    times.insert(h);
  }
  for (const protocol::Administration& session : sessions) {
    times.insert(session.time.value());  // the pre-dose assessment (trial::assessment_times)
    for (double a : assessment_h) {
      times.insert(session.time.value() + a);
    }
  }
  plan.protocol.output_times_h.assign(times.begin(), times.end());
  return plan;
}

namespace {

// One thread's patients of the chunk it last drew.
struct DrawCache {
  std::uint64_t owner = 0;  // PatientDraws::id_ (0: none)
  std::size_t first = 0;
  std::vector<VirtualPatient> patients;
  VirtualPatient single;  // a patient outside the chunk, drawn on demand
};

thread_local DrawCache draw_cache;

std::uint64_t next_draws_id() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1);
}

}  // namespace

PatientDraws::PatientDraws(std::shared_ptr<const PatientGenerator> generator, pd::Route route,
                           std::uint64_t seed, std::uint64_t replicate,
                           std::optional<PatientSelection> selection)
    : generator_(std::move(generator)),
      selection_(std::move(selection)),
      route_(route),
      seed_(seed),
      replicate_(replicate),
      id_(next_draws_id()) {}

const VirtualPatient& PatientDraws::patient(std::size_t i) const {
  DrawCache& cache = draw_cache;
  if (cache.owner == id_ && i >= cache.first && i - cache.first < cache.patients.size()) {
    return cache.patients[i - cache.first];
  }
  // draw() has selected every subject it cached, so a selection of i succeeds here too (the same
  // candidates and the same outcome): value() cannot fail for a subject of a drawn chunk.
  cache.single = select(i).value();
  return cache.single;
}

core::Result<VirtualPatient> PatientDraws::select(std::size_t i) const {
  if (!selection_) {
    return generator_->draw(seed_, replicate_, i);
  }
  const std::uint64_t k = selection_->candidates_per_subject;
  for (std::uint64_t c = 0; c < k; ++c) {
    VirtualPatient candidate = generator_->draw(seed_, replicate_, i * k + c);
    if (KETAPATH_TRY(selection_->accepts(candidate))) {
      return candidate;
    }
  }
  return core::fail(core::ErrorCode::Validation,
                    "subject {}: none of its {} candidates passed {} (raise "
                    "max_candidates_per_subject or relax the rule)",
                    i + 1, k, selection_->what);
}

core::Status PatientDraws::draw(std::size_t first, std::size_t count, BatchSubjects& out) const {
  DrawCache& cache = draw_cache;
  cache.owner = 0;  // not valid until every subject of the chunk is drawn
  cache.first = first;
  cache.patients.clear();
  cache.patients.reserve(count);
  out.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) {
    cache.patients.push_back(KETAPATH_TRY(select(i)));
    const VirtualPatient& patient = cache.patients.back();
    out.push_back(ketamine_batch_subject(patient.parameters, route_, patient.covariates.weight));
  }
  cache.owner = id_;
  return {};
}

SubjectSource ketamine_subject_source(std::shared_ptr<const PatientDraws> draws) {
  return [draws = std::move(draws)](std::size_t first, std::size_t count,
                                    BatchSubjects& out) -> core::Status {
    return draws->draw(first, count, out);
  };
}

SubjectSource ketamine_subject_source(std::shared_ptr<const PatientGenerator> generator,
                                      pd::Route route, std::uint64_t seed) {
  return [generator = std::move(generator), route, seed](std::size_t first, std::size_t count,
                                                         BatchSubjects& out) -> core::Status {
    out.reserve(count);
    for (std::size_t i = first; i < first + count; ++i) {
      const VirtualPatient patient = generator->draw(seed, 0, i);
      out.push_back(ketamine_batch_subject(patient.parameters, route, patient.covariates.weight));
    }
    return {};
  };
}

}  // namespace ketapath::population
