#include "trial/batch_outcome.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "population/batch_kernel.h"

namespace ketapath::trial {
namespace {

using population::kProfileC;
using population::kProfileCe;
using population::kProfileNk;
using population::kProfileS;

}  // namespace

BatchOutcomes::BatchOutcomes(std::vector<protocol::Administration> sessions,
                             Assessments assessments, pd::DoseHistory history,
                             std::vector<core::Hours> times, std::vector<std::size_t> rows,
                             std::uint64_t seed, std::uint64_t slot_base)
    : sessions_(std::move(sessions)),
      assessments_(std::move(assessments)),
      history_(std::move(history)),
      times_(std::move(times)),
      rows_(std::move(rows)),
      seed_(seed),
      slot_base_(slot_base) {}

core::Result<BatchOutcomes> BatchOutcomes::create(
    const std::vector<protocol::Administration>& sessions, const Assessments& assessments,
    const Expectancy& expectancy, const std::vector<double>& output_times_h, std::uint64_t seed,
    std::uint64_t slot_base) {
  std::vector<core::Hours> times = assessment_times(sessions, assessments);
  std::vector<std::size_t> rows;
  rows.reserve(times.size());
  for (core::Hours t : times) {
    const auto it = std::ranges::lower_bound(output_times_h, t.value() - kSameAssessmentTime);
    if (it == output_times_h.end() || std::abs(*it - t.value()) > kSameAssessmentTime) {
      return core::fail(core::ErrorCode::InvalidArgument,
                        "batch outcomes: assessment time {} h is not an output time of the batch "
                        "schedule",
                        t.value());
    }
    rows.push_back(static_cast<std::size_t>(it - output_times_h.begin()));
  }
  // Only which sessions give drug, their times and expectancy matter to the outputs, not the
  // amounts: a positive dose is positive at any body weight, so one history serves every subject.
  pd::DoseHistory history(to_model_doses(sessions, core::Kilograms(70.0), expectancy));
  return BatchOutcomes(sessions, assessments, std::move(history), std::move(times), std::move(rows),
                       seed, slot_base);
}

pd::TimeCourse BatchOutcomes::course(const population::VirtualPatient& patient,
                                     const double* profiles, std::size_t lane) const {
  const pd::KetamineParameters& p = patient.parameters;
  constexpr std::size_t kVars = population::kProfileVariables;
  constexpr std::size_t kLanes = population::kLanes;
  const std::size_t m = times_.size();
  pd::TimeCourse c;
  c.time = times_;
  c.ketamine.reserve(m);
  c.norketamine.reserve(m);
  c.effect_site.reserve(m);
  c.cadss.reserve(m);
  c.dsbp.reserve(m);
  c.ddbp.reserve(m);
  c.dhr.reserve(m);
  c.acute.reserve(m);
  c.sustained.reserve(m);
  c.drug_reduction.reserve(m);
  c.placebo.reserve(m);
  c.total_reduction.reserve(m);
  c.doses_before.reserve(m);
  for (std::size_t i = 0; i < m; ++i) {
    const double* row = profiles + rows_[i] * kVars * kLanes + lane;
    // Same clamps as simulate_ketamine: rounding residue below 0, S inside [0, 1].
    const double ce = std::max(0.0, row[kProfileCe * kLanes]);
    const double s = std::clamp(row[kProfileS * kLanes], 0.0, 1.0);
    const pd::KetamineOutputs y = pd::ketamine_outputs(p, history_, times_[i], ce, s);
    pd::append_row(c, std::max(0.0, row[kProfileC * kLanes]),
                   std::max(0.0, row[kProfileNk * kLanes]), ce, s, y);
  }
  return c;
}

SubjectOutcome BatchOutcomes::outcome(const population::VirtualPatient& patient,
                                      const double* profiles, std::size_t lane) const {
  return record_outcome(patient, sessions_, assessments_, times_, course(patient, profiles, lane),
                        seed_, slot_base_);
}

}  // namespace ketapath::trial
