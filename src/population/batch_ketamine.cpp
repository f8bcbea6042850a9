#include "population/batch_ketamine.h"

#include <algorithm>
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
    if (r != pd::Route::Iv && typical.absorption(r).first_pass_nk > 0.0) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "population: route {} forms norketamine presystemically (FPNK {}), which "
                        "the batch engine does not model",
                        pd::route_name(r), typical.absorption(r).first_pass_nk);
    }
    const bool per_kg = session.dose.weight_based();
    plan.protocol.doses.push_back(
        {.time_h = session.time.value(),
         .amount_mg = session.dose.number(),
         .target = r == pd::Route::Iv ? DoseTarget::Central : DoseTarget::Depot,
         .scaled = per_kg,
         .duration_h = session.infusion_duration.value()});
  }
  if (!route) {
    return core::fail(core::ErrorCode::InvalidArgument,
                      "population: the arm gives no ketamine, nothing to simulate");
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
