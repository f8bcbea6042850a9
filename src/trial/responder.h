#pragma once
// The design's responder rule applied to one subject's record. One implementation, used by
// replicate trials (run_trial) and by the population summary of the batch engine.
//
// Example:
//   auto sessions = trial::rule_sessions(*design.responder, arm_sessions).value();
//   bool yes = trial::responds(outcome, *design.responder, sessions, design.assessments);

#include <span>
#include <vector>

#include "core/error.h"
#include "protocol/regimen.h"
#include "trial/design.h"
#include "trial/subject_outcome.h"

namespace ketapath::trial {

/// True when, at any of `sessions` (0-based indices into outcome.sessions), for any of the rule's
/// scales with a pre-dose rating > 0, a rating in (0, rule.within] after that session is reduced
/// from the pre-dose rating by at least rule.min_reduction (1e-12 slack for rounding of the
/// fraction). The rule's scales must be rated in `assessments`.
bool responds(const SubjectOutcome& outcome, const ResponderRule& rule,
              std::span<const std::size_t> sessions, const Assessments& assessments);

/// The rule's sessions resolved in an arm's regimen: all sessions when the rule lists none.
/// NotFound (from resolve_session) when a listed session does not exist in the arm.
core::Result<std::vector<std::size_t>> rule_sessions(
    const ResponderRule& rule, const std::vector<protocol::Administration>& sessions);

}  // namespace ketapath::trial
