#include "trial/run_in.h"

#include "trial/responder.h"

namespace ketapath::trial {

core::Result<RunIn> RunIn::create(const Design& design, const Expectancy& expectancy) {
  if (!design.enrichment) {
    return core::fail(core::ErrorCode::InvalidArgument, "design {} has no enrichment run-in",
                      design.name);
  }
  RunIn run_in;
  run_in.design_ = &design;
  run_in.sessions_ = KETAPATH_TRY(protocol::administrations(design.enrichment->regimen));
  run_in.rule_sessions_ = KETAPATH_TRY(rule_sessions(design.enrichment->rule, run_in.sessions_));
  run_in.expectancy_ = expectancy;
  run_in.max_candidates_ = design.enrichment->max_candidates_per_subject;
  return run_in;
}

core::Result<bool> RunIn::accepts(const population::VirtualPatient& candidate,
                                  std::uint64_t seed) const {
  const SubjectOutcome outcome = KETAPATH_TRY(
      simulate_subject(candidate, sessions_, design_->assessments, expectancy_, seed, 0));
  return responds(outcome, design_->enrichment->rule, rule_sessions_, design_->assessments);
}

}  // namespace ketapath::trial
