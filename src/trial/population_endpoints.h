#pragma once
// Clinical endpoints of a virtual population, folded in bounded memory. Each subject's record
// (SubjectOutcome) is reduced to a fixed list of numbers (ClinicalLayout), which ClinicalSummary
// folds one subject at a time in subject order: exact streaming means/SDs (Welford), integer
// responder counts and fixed-bin histograms for quantiles, so the result is bit-identical on any
// thread or process count and memory does not grow with the number of subjects.
//
// Per subject of one arm, in this order:
//   responder by the design's rule (0/1; only when the design has a rule),
//   then per session k: responder by the rule applied to session k alone (0/1; with a rule),
//   the fractional reduction of every rated scale at every rating time after 0 from that
//   session's pre-dose rating (undefined, and skipped, when the pre-dose rating is 0),
//   the highest rated CADSS and the highest dSBP and dHR at the assessment times after 0;
// then, after every session's items (appended so the columns above keep their positions), per
// session k and rating time (0 included): the model's acute Ra and sustained S, noise-free;
// then per session k: every rated scale's score at every rating time (0 included), its change in
// points from the pre-dose rating at every rating time after 0, and the highest dDBP.
//
// Example:
//   auto layout = trial::ClinicalLayout::create(design, sessions).value();
//   trial::ClinicalSummary summary(layout);
//   std::vector<double> v(layout.size());
//   layout.values(outcome, v.data());
//   summary.add(v.data());

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "population/batch_ketamine.h"
#include "population/batch_runner.h"
#include "population/batch_statistics.h"
#include "population/virtual_patient.h"
#include "protocol/regimen.h"
#include "trial/batch_outcome.h"
#include "trial/design.h"
#include "trial/subject_outcome.h"

namespace ketapath::trial {

struct ClinicalItem {
  enum class Kind : std::uint8_t {
    Responder,         ///< the design's responder rule (all its sessions), 0/1
    SessionResponder,  ///< the rule applied to `session` alone, 0/1
    Reduction,         ///< (pre - rating) / pre of `scale` at `rating` after `session`, fraction
    CadssPeak,         ///< highest rated CADSS after `session`, points
    SbpPeak,           ///< highest dSBP at the vitals times after `session`, mmHg
    HrPeak,            ///< highest dHR at the vitals times after `session`, beats/min
    Acute,             ///< the model's acute anxiolysis Ra at `rating` after `session`, fraction
    Sustained,         ///< the model's sustained state S at `rating` after `session`, fraction
    Score,             ///< the rating of `scale` at `rating` after `session` (time 0: pre-dose)
    PointChange,       ///< rating at `rating` minus the pre-dose rating of `scale`, points
    DbpPeak,           ///< highest dDBP at the vitals times after `session`, mmHg
  };
  Kind kind = Kind::Responder;
  std::size_t session = 0;  ///< 0-based index into the arm's sessions
  std::size_t scale = 0;    ///< index into Assessments::scales
  std::size_t rating = 0;   ///< index into Assessments::ratings
};

/// The list of per-subject values of one arm.
class ClinicalLayout {
 public:
  /// Errors: NotFound when the responder rule names a session the arm lacks.
  static core::Result<ClinicalLayout> create(const Design& design,
                                             const std::vector<protocol::Administration>& sessions);

  [[nodiscard]] std::size_t size() const { return items_.size(); }

  [[nodiscard]] const std::vector<ClinicalItem>& items() const { return items_; }

  [[nodiscard]] bool has_responder_rule() const { return rule_.has_value(); }

  /// Machine column names of the items, in order: "responder", "s2_responder",
  /// "s2_ham_a_reduction_1h", "s2_cadss_peak", "s2_dsbp_peak_mmhg", "s2_dhr_peak_bpm" (sessions
  /// 1-based), then "s2_acute_reduction_1h", "s2_sustained_reduction_1h", then "s2_ham_a_0h",
  /// "s2_ham_a_change_1h", "s2_ddbp_peak_mmhg".
  [[nodiscard]] std::vector<std::string> column_names() const;

  /// Writes size() values of one subject's record (NaN for undefined reductions) to `out`.
  void values(const SubjectOutcome& outcome, double* out) const;

 private:
  ClinicalLayout() = default;
  Assessments assessments_;
  std::optional<ResponderRule> rule_;
  std::vector<std::size_t> rule_sessions_;
  std::vector<ClinicalItem> items_;
};

/// Running statistics of a layout's values over subjects.
class ClinicalSummary {
 public:
  explicit ClinicalSummary(const ClinicalLayout& layout);

  /// Folds one subject (layout.size() values); NaN values are skipped.
  void add(const double* values);

  /// Subjects folded.
  [[nodiscard]] std::uint64_t subjects() const { return subjects_; }

  /// Statistics of item i over the subjects where it is defined.
  [[nodiscard]] const population::RunningStatistic& statistic(std::size_t i) const {
    return statistics_[i];
  }

  /// Subjects with value 1 of a responder item (exact integer count; 0 for other items).
  [[nodiscard]] std::uint64_t positives(std::size_t i) const { return positives_[i]; }

  /// p-quantile of item i from its histogram: reductions on [-1, 1] in 0.001 bins (values below
  /// -100% count as -100%), CADSS on [0, 92] in 0.1-point bins, dSBP, dDBP and dHR on [0, 100]
  /// in 0.1 bins, scores on [0, 200] and changes on [-200, 200] in 0.1-point bins
  /// (population::Histogram), within the smallest and largest value. NaN when none is defined.
  [[nodiscard]] double quantile(std::size_t i, double p) const {
    return histograms_[i].quantile(p);
  }

  bool operator==(const ClinicalSummary&) const = default;

 private:
  std::uint64_t subjects_ = 0;
  std::vector<population::RunningStatistic> statistics_;
  std::vector<population::Histogram> histograms_;
  std::vector<std::uint64_t> positives_;
  std::vector<bool> indicator_;  // responder items (0/1 values)
};

/// The batch runner's per-subject values for one arm: population subject i is
/// generator.draw(seed, 0, i) (as population::ketamine_subject_source), its record comes from
/// `outcomes` and is reduced by `layout`; process 0 folds the values into *summary in subject
/// order (*summary must outlive the run). Uses the kernel's profiles, so the arm's assessment
/// times must be output times (population::plan_ketamine_batch puts them there).
population::DerivedValues clinical_values(
    std::shared_ptr<const population::PatientGenerator> generator,
    std::shared_ptr<const BatchOutcomes> outcomes, std::shared_ptr<const ClinicalLayout> layout,
    std::uint64_t seed, ClinicalSummary* summary);

/// The same values with each patient taken from `draws` (drawn once: the arm's subject source must
/// be population::ketamine_subject_source(draws), whose chunk the runner computes on one thread).
population::DerivedValues clinical_values(std::shared_ptr<const population::PatientDraws> draws,
                                          std::shared_ptr<const BatchOutcomes> outcomes,
                                          std::shared_ptr<const ClinicalLayout> layout,
                                          ClinicalSummary* summary);

/// Wilson score interval (95%) of a proportion of `positives` in `n` trials, as fractions.
std::pair<double, double> wilson_interval(std::uint64_t positives, std::uint64_t n);

}  // namespace ketapath::trial
