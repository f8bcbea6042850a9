#pragma once
// Trial records from the batch engine. The batch kernel (population/batch_kernel.h) gives exact
// plasma ketamine, norketamine, Ce and plasticity S of kLanes subjects at its output times; this
// layer reads them at an arm's assessment times, evaluates the model's algebraic outputs with
// pd::ketamine_outputs (the one implementation simulate_ketamine uses) and records the trial
// outcome with trial::record_outcome (the one simulate_subject uses), so a virtual patient's
// observed scores come from the same noise slots on both paths.
//
// Mapping: population subject i of an arm is PatientGenerator::draw(seed, r, i) (r = 0, or the
// arm's index for parallel arms), rated with slot_base 0, i.e. the i-th subject of replicate r of
// a `ketapath trial` run of that arm alone. With an enrichment run-in, subject i is instead the
// first of candidates i K .. i K + K - 1 the run-in keeps, rated from slot_base trial::kTrialSlots
// (population::PatientSelection, trial/run_in.h). The only difference is the integrator of S (Gauss
// collocation here, RK4 substeps in simulate_ketamine); tests/trial/batch_outcome_test.cpp measures
// it.
//
// Example:
//   auto batch = trial::BatchOutcomes::create(sessions, design.assessments, expectancy,
//                                             schedule.protocol.output_times_h, seed).value();
//   trial::SubjectOutcome o = batch.outcome(generator.draw(seed, 0, i), block_profiles, lane);

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "pd/ketamine_model.h"
#include "pd/ketamine_outputs.h"
#include "population/virtual_patient.h"
#include "protocol/regimen.h"
#include "trial/design.h"
#include "trial/subject_outcome.h"

namespace ketapath::trial {

class BatchOutcomes {
 public:
  /// Locates assessment_times(sessions, assessments) in `output_times_h` (the batch schedule's
  /// output grid, h). InvalidArgument naming the time if one is not an output time (1e-9 h).
  static core::Result<BatchOutcomes> create(const std::vector<protocol::Administration>& sessions,
                                            const Assessments& assessments,
                                            const Expectancy& expectancy,
                                            const std::vector<double>& output_times_h,
                                            std::uint64_t seed, std::uint64_t slot_base = 0);

  /// The model's noise-free course at times() for the subject in lane `lane` of a kernel block:
  /// `profiles` is output_times x kProfileVariables x kLanes (simulate_block's layout).
  [[nodiscard]] pd::TimeCourse course(const population::VirtualPatient& patient,
                                      const double* profiles, std::size_t lane) const;

  /// What the trial records for that subject (record_outcome of course()).
  [[nodiscard]] SubjectOutcome outcome(const population::VirtualPatient& patient,
                                       const double* profiles, std::size_t lane) const;

  /// The arm's distinct assessment times (assessment_times()).
  [[nodiscard]] const std::vector<core::Hours>& times() const { return times_; }

 private:
  BatchOutcomes(std::vector<protocol::Administration> sessions, Assessments assessments,
                pd::DoseHistory history, std::vector<core::Hours> times,
                std::vector<std::size_t> rows, std::uint64_t seed, std::uint64_t slot_base);

  std::vector<protocol::Administration> sessions_;
  Assessments assessments_;
  pd::DoseHistory history_;
  std::vector<core::Hours> times_;
  std::vector<std::size_t> rows_;  // output-grid index of each entry of times_
  std::uint64_t seed_;
  std::uint64_t slot_base_;
};

}  // namespace ketapath::trial
