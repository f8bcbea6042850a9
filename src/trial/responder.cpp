#include "trial/responder.h"

#include <algorithm>

namespace ketapath::trial {

bool responds(const SubjectOutcome& outcome, const ResponderRule& rule,
              std::span<const std::size_t> sessions, const Assessments& assessments) {
  for (std::size_t k : sessions) {
    const SessionOutcome& so = outcome.sessions[k];
    for (pd::Scale scale : rule.scales) {
      const auto s = static_cast<std::size_t>(std::ranges::find(assessments.scales, scale) -
                                              assessments.scales.begin());
      const double pre = so.pre[s];
      if (!(pre > 0.0)) {
        continue;
      }
      for (std::size_t j = 0; j < assessments.ratings.size(); ++j) {
        const double t = assessments.ratings[j].value();
        if (t > 0.0 && t <= rule.within.value() + 1e-9 &&
            (pre - so.ratings[s][j]) / pre >= rule.min_reduction - 1e-12) {
          return true;
        }
      }
    }
  }
  return false;
}

core::Result<std::vector<std::size_t>> rule_sessions(
    const ResponderRule& rule, const std::vector<protocol::Administration>& sessions) {
  std::vector<std::size_t> out;
  if (rule.sessions.empty()) {
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      out.push_back(i);
    }
  }
  for (const SessionSelector& selector : rule.sessions) {
    out.push_back(KETAPATH_TRY(resolve_session(selector, sessions)));
  }
  return out;
}

}  // namespace ketapath::trial
