#pragma once
// A design's enrichment run-in (Design::enrichment) as a test of one candidate: the run-in regimen
// simulated subject by subject and the run-in's responder rule applied. One definition, used by
// replicate trials (run_trial enrols candidates in order until each arm is full) and by the batch
// population (`ketapath population`: patient i is the first of its own candidates that passes).
//
// Example:
//   auto run_in = trial::RunIn::create(design, expectancy).value();   // design.enrichment set
//   bool enrolled = run_in.accepts(candidate, seed).value();

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "population/virtual_patient.h"
#include "protocol/regimen.h"
#include "trial/design.h"
#include "trial/subject_outcome.h"

namespace ketapath::trial {

/// Where the noise slots of the trial's own sessions start when a design has a run-in: the run-in
/// uses slots from 0, the trial's sessions from here, so the two are independent.
inline constexpr std::uint64_t kTrialSlots = std::uint64_t{1} << 40;

class RunIn {
 public:
  /// InvalidArgument when the design has no enrichment; errors of the run-in regimen or of its
  /// rule's sessions otherwise (a validated design has none).
  static core::Result<RunIn> create(const Design& design, const Expectancy& expectancy);

  /// True when the candidate, given the run-in regimen (noise slots from 0), meets the run-in's
  /// responder rule. Errors come from the model.
  [[nodiscard]] core::Result<bool> accepts(const population::VirtualPatient& candidate,
                                           std::uint64_t seed) const;

  /// The most candidates tried per enrolled subject (Enrichment::max_candidates_per_subject).
  [[nodiscard]] int max_candidates_per_subject() const { return max_candidates_; }

 private:
  const Design* design_ = nullptr;
  std::vector<protocol::Administration> sessions_;
  std::vector<std::size_t> rule_sessions_;
  Expectancy expectancy_;
  int max_candidates_ = 0;
};

}  // namespace ketapath::trial
