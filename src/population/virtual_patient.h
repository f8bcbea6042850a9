#pragma once
// Virtual patients: covariates (weight, age, sex, hypertension), diagnosis (GAD, SAD or both),
// baseline severity on each scale meeting the entry criteria (truncated sampling), correlated
// between-subject variability from the model's OMEGA (Cholesky), the responder class, and the
// resulting individual parameters.
//
// Every draw comes from core::RandomStream keyed by (seed, replicate, subject, stream) with fixed
// draw slots, so patient `subject` of replicate `replicate` depends only on the seed and those two
// indices: never on how many patients are drawn, in what order, or on which thread.
//
// Example:
//   population::PopulationSpec spec;                     // defaults: Glue 2017/2018-like adults
//   auto patient = population::make_virtual_patient(model, spec, seed, replicate, i);

#include <cstdint>
#include <optional>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "pd/ketamine_model.h"
#include "pd/typical_uncertainty.h"

namespace ketapath::population {

enum class Diagnosis : std::uint8_t { Gad, Sad, Both };

/// A normal distribution truncated to [min, max] (sampled by inverse CDF, exact).
struct TruncatedNormal {
  double mean = 0.0;
  double sd = 1.0;
  double min = -1e300;
  double max = 1e300;
};

/// A truncated normal with its CDF at the bounds computed once: sample(u) equals
/// sample_truncated_normal(d, u) bit for bit without its two erfc() calls.
class TruncatedSampler {
 public:
  TruncatedSampler() = default;
  explicit TruncatedSampler(const TruncatedNormal& d);
  [[nodiscard]] double sample(double u) const;

 private:
  TruncatedNormal d_;
  double lo_ = 0.0;  // CDF at d.min
  double hi_ = 1.0;  // CDF at d.max
};

/// Baseline ratings (points) of one patient.
struct Baselines {
  double ham_a = 0.0;
  double fq = 0.0;
  double gad7 = 0.0;
  double lsas = 0.0;
  /// The screening scores the entry criteria were applied to, with PopulationSpec::
  /// noisy_screening (the untreated score plus the scale's test-retest noise); nullopt otherwise
  /// or for a scale without an entry criterion for the patient's diagnosis.
  std::optional<double> screening_ham_a;
  std::optional<double> screening_lsas;
  /// Untreated score on each of the model file's own anxiety scales, indexed by
  /// pd::Scale - pd::kScaleCount (0 for a scale without one), from its ScaleModel::baseline.
  std::vector<double> own;
};

/// Covariate and severity distributions of a trial population. Entry criteria: GAD needs
/// HAM-A > ham_a_entry, SAD needs LSAS > lsas_entry (Glue registry ACTRN12615000617561). By
/// default the untreated baseline of a qualifying diagnosis is drawn from its distribution
/// truncated at the criterion. With noisy_screening, the criterion applies to a screening rating
/// S = B + e instead (B the untreated score, e the scale's test-retest noise, N(0, s), s the
/// model's SD_HAMA or SD_LSAS), as in a real trial: S is drawn from its marginal N(mean,
/// sqrt(sd^2 + s^2)) truncated above the criterion, then B from B | S, N(mean + k (S - mean),
/// sd s / sqrt(sd^2 + s^2)) with k = sd^2 / (sd^2 + s^2), within the scale's bounds. Enrolled
/// patients' true baselines then sit below their screening scores: regression to the mean, which
/// makes ratings fall between screening and the first pre-dose rating without any treatment.
struct PopulationSpec {
  TruncatedNormal weight_kg{75.0, 15.0, 45.0, 140.0};
  TruncatedNormal age_years{40.0, 12.0, 18.0, 70.0};
  double female_fraction = 0.5;
  double hypertension_fraction = 0.15;
  // Diagnosis mix (fractions summing to 1); default from Glue 2018 (75% GAD, 90% SAD of 20).
  double p_gad_only = 0.10;
  double p_sad_only = 0.25;
  double p_both = 0.65;
  double ham_a_entry = 20.0;     ///< GAD requires HAM-A > this
  double lsas_entry = 50.0;      ///< SAD requires LSAS > this
  bool noisy_screening = false;  ///< entry on a noisy screening rating (above); design "screening"
  TruncatedNormal ham_a{25.0, 5.0, 0.0, 56.0};
  TruncatedNormal fq{55.0, 18.0, 0.0, 120.0};
  TruncatedNormal gad7{15.0, 3.5, 0.0, 21.0};
  TruncatedNormal lsas{80.0, 18.0, 0.0, 144.0};

  /// Checks fractions in [0, 1], mix sums to 1 (within 1e-9), sd > 0, min < max and a truncation
  /// interval with positive probability. InvalidArgument naming the field.
  [[nodiscard]] core::Status validate() const;
};

struct VirtualPatient {
  std::uint64_t replicate = 0;
  std::uint64_t subject = 0;
  pd::SubjectCovariates covariates;
  Diagnosis diagnosis = Diagnosis::Both;
  Baselines baseline;
  std::vector<double> etas;  ///< one per model.etas entry
  bool nonresponder = false;
  pd::KetamineParameters parameters;  ///< individual parameters (pd::individualize)
};

/// Fixed draw slots in each stream (documented so other executors can reproduce the draws).
namespace slots {
inline constexpr std::uint64_t kWeight = 0;
inline constexpr std::uint64_t kAge = 1;
inline constexpr std::uint64_t kSex = 2;
inline constexpr std::uint64_t kHypertension = 3;
inline constexpr std::uint64_t kDiagnosis = 4;
inline constexpr std::uint64_t kHamA = 5;
inline constexpr std::uint64_t kFq = 6;
inline constexpr std::uint64_t kGad7 = 7;
inline constexpr std::uint64_t kLsas = 8;
/// With noisy screening: kHamA / kLsas draw the screening score, these the baseline given it.
inline constexpr std::uint64_t kHamAGivenScreening = 9;
inline constexpr std::uint64_t kLsasGivenScreening = 10;
/// The model file's own scales: slot kOwnScales + (pd::Scale - pd::kScaleCount).
inline constexpr std::uint64_t kOwnScales = 16;
inline constexpr std::uint64_t kNonresponder = 0;  ///< in Stream::Response
// Stream::Parameters: eta i uses standard normal draw i (before Cholesky).
}  // namespace slots

/// Draws patient `subject` of replicate `replicate`. The spec and model must be valid (check
/// spec.validate() once); the Cholesky factor of model.omega is computed per call, so use
/// PatientGenerator for many patients.
VirtualPatient make_virtual_patient(const pd::KetamineModel& model, const PopulationSpec& spec,
                                    std::uint64_t seed, std::uint64_t replicate,
                                    std::uint64_t subject);

/// Reusable generator: validates once and caches the Cholesky factor of OMEGA.
struct GeneratorOptions {
  /// Each patient draws its own typical values from the model's [uncertainty] (stream (seed,
  /// replicate, subject, Uncertainty); pd/typical_uncertainty.h) before individualisation: the
  /// patients are then draws of the predictive distribution with the typical values uncertain
  /// (`ketapath population --parameter-uncertainty`).
  bool typical_per_subject = false;
};

class PatientGenerator {
 public:
  /// InvalidArgument if the spec is invalid or OMEGA is not symmetric positive definite; with
  /// typical_per_subject, if the model has no [uncertainty] or its draws fall outside the
  /// parameters' range more than 95% of the time.
  static core::Result<PatientGenerator> create(pd::KetamineModel model, PopulationSpec spec,
                                               GeneratorOptions options = {});

  [[nodiscard]] VirtualPatient draw(std::uint64_t seed, std::uint64_t replicate,
                                    std::uint64_t subject) const;
  /// The same patient (covariates, baselines, etas, class: the same draws) individualised from
  /// other typical values: a draw of the model's parameter uncertainty (pd/typical_uncertainty.h).
  [[nodiscard]] VirtualPatient draw(std::uint64_t seed, std::uint64_t replicate,
                                    std::uint64_t subject,
                                    const pd::KetamineParameters& typical) const;
  /// Correlated etas of one subject: L z with z from Stream::Parameters.
  [[nodiscard]] std::vector<double> draw_etas(std::uint64_t seed, std::uint64_t replicate,
                                              std::uint64_t subject) const;

  [[nodiscard]] const pd::KetamineModel& model() const { return model_; }

  [[nodiscard]] const PopulationSpec& spec() const { return spec_; }

 private:
  PatientGenerator(pd::KetamineModel model, PopulationSpec spec, Eigen::MatrixXd cholesky,
                   GeneratorOptions options);
  pd::KetamineModel model_;
  GeneratorOptions options_;
  std::optional<pd::TypicalSampler> typical_sampler_;  // with typical_per_subject
  PopulationSpec spec_;
  Eigen::MatrixXd cholesky_;  // lower factor of OMEGA
  // The spec's distributions with their bounds' CDFs computed once (entry: above the criterion).
  TruncatedSampler weight_, age_, ham_a_, ham_a_entry_, fq_, gad7_, lsas_, lsas_entry_;

  // One entry scale's samplers: unscreened (no criterion for this diagnosis), above the entry
  // criterion (exact entry), and the screening score's marginal with the noise (noisy entry).
  struct EntryScale {
    const TruncatedNormal& distribution;
    const TruncatedSampler& unscreened;
    const TruncatedSampler& above_entry;
    const TruncatedSampler& screening;
    double noise;
  };

  /// The untreated baseline of an entry scale (PopulationSpec: exact or noisy entry); sets
  /// `screening` when the entry was on a noisy screening score.
  double entry_baseline(const EntryScale& scale, bool qualifies, double u, double u_given,
                        std::optional<double>& screening) const;

  // Noisy screening: the test-retest noise SDs and the screening scores' marginals above entry.
  double ham_a_noise_ = 0.0;
  double lsas_noise_ = 0.0;
  TruncatedSampler ham_a_screening_, lsas_screening_;
};

/// Sample of a truncated normal from one uniform u in (0, 1) (inverse CDF).
double sample_truncated_normal(const TruncatedNormal& d, double u);

}  // namespace ketapath::population
