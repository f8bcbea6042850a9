#pragma once
// A trial design as a value: population, arms with regimens, what is assessed when, the responder
// rule and the endpoints with their published values and tolerances. Designs are data files
// (designs/*.toml, read by io/design_file.h; schema in docs/trial-designs.md), so a new trial
// needs no C++.
//
// Endpoint vocabulary. A *metric* is one number per replicate trial, a mean over the subjects of
// some arms at one session (or a responder count). An *endpoint* is a metric (kind Value), or an
// ordering of several metrics (1 when strictly monotone in that replicate, else 0), or the ratio
// of two metrics. Sessions are chosen by index, by week or by agent, so the same endpoint works
// for every arm of a design.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "pd/rating_scales.h"
#include "population/virtual_patient.h"
#include "protocol/regimen.h"

namespace ketapath::trial {

/// Which session of an arm's regimen a metric refers to.
struct SessionSelector {
  enum class Kind : std::uint8_t {
    Index,  ///< the number-th session (1-based)
    Week,   ///< the first session in week `number` (1-based; week w is [(w-1) 168 h, w 168 h))
    Agent,  ///< the number-th session (1-based occurrence) giving `agent`
  };
  Kind kind = Kind::Index;
  int number = 1;
  protocol::Agent agent = protocol::Agent::Ketamine;

  bool operator==(const SessionSelector&) const = default;
};

/// "session 3", "week 14", "placebo session 1".
std::string describe(const SessionSelector& selector);

/// The 0-based index of the selected session in `sessions`, or NotFound naming the selector.
core::Result<std::size_t> resolve_session(const SessionSelector& selector,
                                          const std::vector<protocol::Administration>& sessions);

/// Continuous model outputs assessed at the monitoring times (vitals_h) or CADSS times.
/// Rated CADSS has additive noise clamped at 0, so near the floor its mean is biased upwards;
/// pharmacological targets such as "resolved by 2 h" use CadssModel.
enum class Variable : std::uint8_t {
  Cadss,        ///< rated CADSS (model + measurement noise, rounded, 0..92), at cadss_h
  CadssModel,   ///< the model's CADSS without rating noise (0..92), at cadss_h
  Dsbp,         ///< change in systolic BP, mmHg, at vitals_h
  Ddbp,         ///< change in diastolic BP, mmHg
  Dhr,          ///< change in heart rate, beats/min
  Ketamine,     ///< plasma ketamine, ng/mL
  Norketamine,  ///< plasma norketamine, ng/mL
};

/// "cadss", "cadss_model", "dsbp", "ddbp", "dhr", "ketamine_ng_ml", "norketamine_ng_ml".
std::string_view variable_name(Variable variable);
std::optional<Variable> parse_variable(std::string_view name);

struct Endpoint;
/// True for MeanDifference, HedgesG, OddsRatio and RiskDifference.
bool is_comparison(const Endpoint& endpoint);

/// A subject responds when, for any listed scale and any rating after a listed session up to
/// `within` (inclusive), the reduction from that session's pre-dose rating is >= min_reduction.
struct ResponderRule {
  std::string definition;                 ///< the rule in words, as stated in the design file
  std::vector<pd::Scale> scales;          ///< any of these
  double min_reduction = 0.5;             ///< fraction of the pre-dose rating
  std::vector<SessionSelector> sessions;  ///< empty: every session
  core::Hours within{168.0};
};

struct Metric {
  enum class Kind : std::uint8_t {
    MeanReduction,  ///< mean fractional reduction of `scale` at `at` after the session, from
                    ///< that session's pre-dose rating (subjects with a 0 pre-dose excluded)
    MeanScore,      ///< mean rating of `scale` at `at` after the session (0 = pre-dose)
    MeanChange,     ///< mean of (rating at `at` - that session's pre-dose rating), points
    MeanValue,      ///< mean of `variable` at `at` after the session
    MeanPeak,       ///< mean over subjects of the highest `variable` in (0, within] after it
    Responders,     ///< subjects meeting the responder rule (at `session` only, if given)
  };
  Kind kind = Kind::MeanReduction;
  std::vector<std::string> arms;           ///< empty: all arms, pooled
  std::optional<SessionSelector> session;  ///< required except for Responders
  pd::Scale scale = pd::Scale::HamA;
  Variable variable = Variable::Cadss;
  core::Hours at{0.0};
  core::Hours within{2.0};
  std::optional<ResponderRule> rule;  ///< Responders: overrides the design's rule
};

/// A published value: a number, or words when the paper gives none ("minor").
using Published = std::variant<double, std::string>;

struct Endpoint {
  enum class Kind : std::uint8_t {
    Value,     ///< items[0]
    Ordering,  ///< items strictly increasing (or decreasing); the fraction of replicates
    Ratio,     ///< items[0] / items[1]
    // Between-arm comparisons of items[0] (treatment) against items[1] (control), each with its
    // confidence interval per replicate (trial/statistics.h), as papers report them:
    MeanDifference,  ///< difference of the per-subject means, Welch t interval
    HedgesG,         ///< standardised mean difference (Hedges' g), normal interval
    OddsRatio,       ///< responders' odds ratio, Woolf interval (0.5 added to empty cells)
    RiskDifference,  ///< responders' risk difference, Wald interval
  };
  std::string name;
  std::string definition;  ///< how it is computed, in words (required in design files)
  std::string unit;        ///< "fraction", "subjects", "points", "mmHg", "bpm", "ng/mL", ...
  Kind kind = Kind::Value;
  bool increasing = true;  ///< Ordering direction
  std::vector<Metric> items;
  std::optional<Published> published;
  /// [low, high]; absent for report-only endpoints (no verdict).
  std::optional<std::pair<double, double>> tolerance;
  double confidence = 0.95;  ///< comparisons: two-sided level of the per-replicate interval
};

struct Arm {
  std::string name;
  int subjects = 0;
  protocol::Regimen regimen;
};

/// What is measured, relative to each session's start (0 = immediately before dosing).
struct Assessments {
  std::vector<pd::Scale> scales;  ///< anxiety scales rated (first = primary, for plots)
  /// Their definitions from the model's scales (io::parse_design fills them), in the same order;
  /// empty: the built-in definitions of the clinic's scales (designs built in code).
  std::vector<pd::ScaleDefinition> definitions;
  std::vector<core::Hours> ratings;  ///< rating times of those scales
  std::vector<core::Hours> cadss;    ///< CADSS rating times
  std::vector<core::Hours> vitals;   ///< BP, HR and concentration times
  /// Probability that a subject still in the trial drops out within a week (0 <= p < 1, from the
  /// first session); a dropped-out subject's later assessments are missing
  /// (trial/subject_outcome.h).
  double dropout_per_week = 0.0;
  /// Reading-to-reading SD of one blood-pressure or heart-rate reading (0: every reading is the
  /// model's exact value). A reported change is reading(t) - reading(pre-dose), so it carries the
  /// errors of two readings, and a reported peak is taken over the noisy readings, as a trial's is.
  /// Sourced value for SBP: docs/trial-designs.md "Vitals readings"; none for DBP and HR.
  core::MillimetresOfMercury sbp_reading_sd{0.0};
  core::MillimetresOfMercury dbp_reading_sd{0.0};
  core::BeatsPerMinute hr_reading_sd{0.0};
};

/// The definition of the s-th rated scale (see Assessments::definitions).
const pd::ScaleDefinition& rated_scale(const Assessments& assessments, std::size_t s);
/// The name of a rated scale ("ham_a", "vas_anxiety"); a scale not rated: its built-in name, or
/// "scale N" for a model file's own.
std::string scale_name_in(const Assessments& assessments, pd::Scale scale);

/// InvalidArgument unless every rated scale is the model's scale of that identity (a design read
/// against one model file and run with another that lacks or redefines its scale).
core::Status check_model_scales(const Assessments& assessments, const pd::KetamineModel& model);

/// Run-in that selects the enrolled population (e.g. responders of an earlier study): candidates
/// are drawn in subject order, given `regimen` and kept when they meet `rule`, until each arm is
/// full. The trial regimen then starts without carry-over (after a washout).
struct Enrichment {
  std::string definition;
  protocol::Regimen regimen;
  ResponderRule rule;
  int max_candidates_per_subject = 50;  ///< gives up (error) beyond this many candidates
};

/// Which patients the arms hold (design key `allocation`). Parallel: each arm its own patients,
/// as randomised groups are (a crossover is written as sequences, each arm a sequence whose
/// phases its patients all receive). Paired: every arm the same patients, a within-patient
/// comparison of the arms' regimens (what-if comparisons; less variance in the differences).
enum class Allocation { Parallel, Paired };

struct Design {
  std::string name;  ///< "glue2017"
  std::string title;
  std::string citation;
  std::string description;
  std::string model = "ketamine";  ///< model file name under models/
  population::PopulationSpec population;
  std::vector<Arm> arms;
  Allocation allocation = Allocation::Parallel;
  Assessments assessments;
  std::optional<ResponderRule> responder;
  std::optional<Enrichment> enrichment;
  /// Expectancy multiplier of a session's placebo response, by agent (pd::Dose::expectancy).
  double expectancy_ketamine = 1.0;
  double expectancy_placebo = 1.0;
  double expectancy_midazolam = 1.0;
  std::vector<Endpoint> endpoints;
};

/// Checks consistency that a file's syntax cannot: arms non-empty with valid regimens, unique
/// names, assessment times >= 0, every metric's arm exists, its session resolves in each arm,
/// `at` is an assessment time of the right kind, scales are rated, Responders has a rule,
/// item counts (Value 1, Ordering >= 2, Ratio 2), tolerance low <= high. InvalidArgument naming
/// the endpoint: "endpoint \"cadss_week14\": arm twice_weekly has no session in week 20".
core::Status validate(const Design& design);

}  // namespace ketapath::trial
