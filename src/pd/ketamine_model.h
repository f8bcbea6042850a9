#pragma once
// The ketamine PK/PD model: parameters (typed units), the model description loaded from a model
// file (typical values, between-subject variability, sources), individualisation of one subject
// (covariates + etas), and the exact per-subject simulation of a dosing history.
//
// Structure (docs/model.md has the equations and sources):
//   PK  racemic ketamine, 2 compartments (CL, V1, Q, V2; optional third Q3, V3), one first-order
//   depot per extravascular
//       route (F, KA); norketamine 1 compartment (CLNK, VNK) formed from a fraction FM of systemic
//       clearance and, for swallowed doses, presystemically (FPNK of the non-bioavailable dose);
//       effect site (KE0). Allometric scaling to 70 kg: CL, Q, CLNK ^0.75, volumes ^1.
//   PD  CADSS (sigmoid Emax on Ce, tolerance over repeated doses), dSBP/dDBP/dHR (Emax on Ce),
//       anxiolysis R = 1 - (1 - Ra)(1 - S): acute Ra (sigmoid Emax on Ce) and plasticity state
//       dS/dt = KON g(Ce) (1 - S) - KOFF S, g = Ce^g / (EC50^g + Ce^g); placebo response per
//       session decaying with PLACEBO_T12.
// Example:
//   pd::KetamineParameters p = model.typical;                         // or pd::individualize(...)
//   std::vector<pd::Dose> doses{{.time = 0.0_h, .route = pd::Route::Sc, .amount = 70.0_mg}};
//   auto course = pd::simulate_ketamine(p, doses, times);             // Result<TimeCourse>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "core/error.h"
#include "core/units.h"
#include "pd/route.h"
#include "pd/scales.h"
#include "pd/sex.h"

namespace ketapath::pd {

/// Absorption of one extravascular route.
struct Absorption {
  double f = 1.0;              ///< bioavailability of ketamine, fraction 0..1
  core::PerHour ka{1.0};       ///< first-order absorption rate constant
  double first_pass_nk = 0.0;  ///< fraction of the non-bioavailable dose (1 - F) that reaches
                               ///< the norketamine compartment presystemically (swallowed dose)
};

/// Every parameter of the model for one subject (typical or individual), in canonical units.
/// The defaults equal models/ketamine.toml (tested), so KetamineParameters{} is the default model.
/// Concentration parameters are mg/L (1 mg/L = 1000 ng/mL); half-lives in h.
struct KetamineParameters {
  // --- PK, for a 70-kg reference adult before covariates ---
  core::LitresPerHour cl{79.0};     ///< ketamine clearance
  core::Litres v1{80.0};            ///< central volume
  core::LitresPerHour q{250.0};     ///< intercompartmental clearance
  core::Litres v2{172.0};           ///< peripheral volume
  double fm = 0.7;                  ///< fraction of systemic ketamine clearance forming norketamine
  core::LitresPerHour cl_nk{50.0};  ///< norketamine clearance
  core::Litres v_nk{100.0};         ///< norketamine volume
  core::PerHour ke0{5.0};           ///< plasma - effect-site equilibration rate
  Absorption sc{0.90, core::PerHour(4.0), 0.0};
  Absorption im{0.93, core::PerHour(8.0), 0.0};
  Absorption in{0.45, core::PerHour(3.0), 0.7};
  Absorption po{0.20, core::PerHour(1.2), 0.7};
  Absorption sl{0.29, core::PerHour(1.5), 0.7};
  // --- covariates ---
  core::Kilograms reference_weight{70.0};
  double allometric_cl = 0.75;  ///< exponent on CL, Q, CLNK
  double allometric_v = 1.0;    ///< exponent on V1, V2, VNK
  double cl_female = 0.20;      ///< fractional CL increase in women
  double cl_age = 0.0105;       ///< fractional CL decrease per year of age above 60
  // --- CADSS (0..92) ---
  double cadss_emax = 37.241;                  ///< points
  core::MilligramsPerLitre cadss_ec50{0.240};  ///< Ce at half-maximal dissociation
  double cadss_gamma = 2.42378;
  double tolerance_floor = 0.321913;  ///< asymptotic fraction of Emax after many doses
  double tolerance_doses = 6.0;       ///< dose-count scale of the tolerance decline
  core::Hours tolerance_t12{1440.0};  ///< half-life of the loss of tolerance between doses
  // --- haemodynamics (Emax on Ce, change from pre-dose) ---
  double sbp_emax = 18.2618;  ///< mmHg
  core::MilligramsPerLitre sbp_ec50{0.175};
  double dbp_emax = 14.3627;  ///< mmHg
  core::MilligramsPerLitre dbp_ec50{0.175};
  double hr_emax = 12.0;  ///< beats/min
  core::MilligramsPerLitre hr_ec50{0.175};
  double hemo_gamma = 1.0;
  double sbp_hypertension = 1.5;  ///< multiplier on SBP/DBP Emax with a history of hypertension
  double sbp_age = 0.01;          ///< fractional SBP/DBP Emax increase per year above 40
  // --- anxiolysis ---
  double anx_emax = 0.727933;  ///< acute maximal fractional reduction
  core::MilligramsPerLitre anx_ec50{0.14606};
  double anx_gamma = 2.0;
  core::PerHour s_kon{0.304257};  ///< plasticity formation rate at full drive
  core::MilligramsPerLitre s_ec50{0.200};
  double s_gamma = 2.0;
  core::Hours s_t12{168.0};   ///< plasticity half-life (KOFF = ln2 / S_T12)
  double placebo_max = 0.07;  ///< session placebo (expectancy) reduction
  core::Hours placebo_t12{24.0};
  // --- rating scales: sensitivity to the reduction, and measurement noise (SD, points) ---
  double sens_ham_a = 0.8;
  double sens_fq = 1.0;
  double sens_gad7 = 0.9;
  double sens_lsas = 0.8;
  double sd_ham_a = 3.0;
  double sd_fq = 6.0;
  double sd_gad7 = 1.5;
  double sd_lsas = 6.0;
  double sd_cadss = 4.0;
  // --- responder classes and residual error ---
  double nonresponder_fraction = 0.15;  ///< probability of the non-responder class
  double nonresponder_factor = 0.2;     ///< multiplier on ANX_EMAX and S_KON for non-responders
  double ruv_prop = 0.25;               ///< proportional residual error on concentrations (SD)
  // --- optional second peripheral compartment (3-compartment presets such as Domino) ---
  core::LitresPerHour q3{0.0};  ///< 0 = two-compartment model
  core::Litres v3{100.0};

  /// The absorption of an extravascular route (Route::Iv has F 1 and no depot).
  [[nodiscard]] const Absorption& absorption(Route route) const;
  Absorption& absorption(Route route);
};

// X-macro over every named parameter: NAME as written in model files, canonical unit, member
// expression. The model file loader, the variability and reports all use this one table.
// clang-format off
#define KETAPATH_KETAMINE_PARAMETERS(X)                                         \
  X(CL, "L/h", cl) X(V1, "L", v1) X(Q, "L/h", q) X(V2, "L", v2) X(FM, "1", fm)  \
  X(CLNK, "L/h", cl_nk) X(VNK, "L", v_nk) X(KE0, "1/h", ke0)                     \
  X(F_SC, "1", sc.f) X(KA_SC, "1/h", sc.ka) X(FPNK_SC, "1", sc.first_pass_nk)     \
  X(F_IM, "1", im.f) X(KA_IM, "1/h", im.ka) X(FPNK_IM, "1", im.first_pass_nk)     \
  X(F_IN, "1", in.f) X(KA_IN, "1/h", in.ka) X(FPNK_IN, "1", in.first_pass_nk)     \
  X(F_PO, "1", po.f) X(KA_PO, "1/h", po.ka) X(FPNK_PO, "1", po.first_pass_nk)     \
  X(F_SL, "1", sl.f) X(KA_SL, "1/h", sl.ka) X(FPNK_SL, "1", sl.first_pass_nk)     \
  X(WT_REF, "kg", reference_weight) X(ALLO_CL, "1", allometric_cl)              \
  X(ALLO_V, "1", allometric_v) X(CL_FEMALE, "1", cl_female) X(CL_AGE, "1/year", cl_age) \
  X(CADSS_EMAX, "points", cadss_emax) X(CADSS_EC50, "mg/L", cadss_ec50)          \
  X(CADSS_GAMMA, "1", cadss_gamma) X(TOL_FLOOR, "1", tolerance_floor)           \
  X(TOL_DOSES, "doses", tolerance_doses) X(TOL_T12, "h", tolerance_t12)          \
  X(SBP_EMAX, "mmHg", sbp_emax) X(SBP_EC50, "mg/L", sbp_ec50)                    \
  X(DBP_EMAX, "mmHg", dbp_emax) X(DBP_EC50, "mg/L", dbp_ec50)                    \
  X(HR_EMAX, "bpm", hr_emax) X(HR_EC50, "mg/L", hr_ec50) X(HEMO_GAMMA, "1", hemo_gamma) \
  X(SBP_HTN, "1", sbp_hypertension) X(SBP_AGE, "1/year", sbp_age)               \
  X(ANX_EMAX, "1", anx_emax) X(ANX_EC50, "mg/L", anx_ec50) X(ANX_GAMMA, "1", anx_gamma) \
  X(S_KON, "1/h", s_kon) X(S_EC50, "mg/L", s_ec50) X(S_GAMMA, "1", s_gamma)      \
  X(S_T12, "h", s_t12) X(PLACEBO_MAX, "1", placebo_max) X(PLACEBO_T12, "h", placebo_t12) \
  X(SENS_HAMA, "1", sens_ham_a) X(SENS_FQ, "1", sens_fq) X(SENS_GAD7, "1", sens_gad7) \
  X(SENS_LSAS, "1", sens_lsas) X(SD_HAMA, "points", sd_ham_a) X(SD_FQ, "points", sd_fq) \
  X(SD_GAD7, "points", sd_gad7) X(SD_LSAS, "points", sd_lsas) X(SD_CADSS, "points", sd_cadss) \
  X(NONRESP_FRACTION, "1", nonresponder_fraction) X(NONRESP_FACTOR, "1", nonresponder_factor) \
  X(RUV_PROP, "1", ruv_prop) X(Q3, "L/h", q3) X(V3, "L", v3)
// clang-format on

/// Identifies one parameter of KetamineParameters.
enum class ParameterId : std::uint8_t {
#define KETAPATH_PARAMETER_ENUM(name, unit, member) name,
  KETAPATH_KETAMINE_PARAMETERS(KETAPATH_PARAMETER_ENUM)
#undef KETAPATH_PARAMETER_ENUM
};

struct ParameterInfo {
  ParameterId id;
  std::string_view name;  ///< "CL"
  std::string_view unit;  ///< canonical unit: "L/h", "mg/L", "h", "1" (dimensionless), ...
};

/// All parameters in table order.
std::span<const ParameterInfo> parameter_table();
/// The parameter called `name` (exact, upper case), or nullopt.
std::optional<ParameterId> find_parameter(std::string_view name);
const ParameterInfo& parameter_info(ParameterId id);
/// Raw value in the canonical unit (for variability, calibration and reports).
double get_parameter(const KetamineParameters& p, ParameterId id);
void set_parameter(KetamineParameters& p, ParameterId id, double value);

/// True for parameters that must stay in [0, 1] (bioavailabilities, FM, FPNK_*, TOL_FLOOR,
/// ANX_EMAX, PLACEBO_MAX, NONRESP_*): their variability must be logit-normal.
bool is_fraction(ParameterId id);

/// Checks ranges: structural parameters > 0, fractions in [0, 1], exponents finite. Error
/// (InvalidArgument) names the parameter: "ketamine model: parameter CL must be > 0 L/h (got -1
/// L/h)".
core::Status validate(const KetamineParameters& p);

/// How an eta acts on its parameter.
enum class EtaTransform : std::uint8_t {
  LogNormal,    ///< P = TV * exp(eta)
  LogitNormal,  ///< logit(P) = logit(TV) + eta (fractions such as F: never leaves (0, 1))
  Additive,     ///< P = TV + eta
};

/// One random effect of the OMEGA matrix.
struct EtaSpec {
  ParameterId parameter = ParameterId::CL;
  EtaTransform transform = EtaTransform::LogNormal;
  double cv = 0.0;  ///< as written in the model file (log-normal: CV; logit: SD on logit scale)
};

/// A correlation between two etas (indices into KetamineModel::etas).
struct EtaCorrelation {
  std::size_t first = 0;
  std::size_t second = 0;
  double r = 0.0;
};

/// Where a parameter value comes from (model files carry one per parameter).
struct ParameterSource {
  std::string citation;  ///< "Kamp 2020 Anesthesiology 133:1192, meta-analysis, Table 3"
  std::string evidence;  ///< "verified" or "estimated"
  std::string how;       ///< for estimated values: how they were obtained
};

/// Uncertainty of typical values: covariance of log(value) of `parameters`
/// (pd/typical_uncertainty.h).
struct TypicalUncertainty {
  std::vector<ParameterId> parameters;  ///< the uncertain typical values, in matrix order
  Eigen::MatrixXd log_covariance;       ///< of log(value), symmetric positive definite
  std::string source;                   ///< where the covariance comes from
};

/// A complete model: typical values, variability and provenance (from models/<name>.toml).
struct KetamineModel {
  std::string name;  ///< "ketamine"
  std::string description;
  KetamineParameters typical;
  std::vector<EtaSpec> etas;
  /// OMEGA: covariance of the etas (same order); diagonal omega^2 with omega = sqrt(ln(1+CV^2))
  /// for log-normal etas, off-diagonals from the file's correlations.
  Eigen::MatrixXd omega;
  /// Correlations between etas (indices into `etas`), as given in the model file.
  std::vector<EtaCorrelation> correlations;
  /// Source per parameter, in table order where given (absent for parameters left at defaults).
  std::vector<std::pair<ParameterId, ParameterSource>> sources;
  /// The scales the model rates, indexed by Scale: the clinic's six (pd::scale_definitions())
  /// first, then the model file's own in file order (pd/scales.h).
  std::vector<ScaleDefinition> scales{scale_definitions().begin(), scale_definitions().end()};
  /// Uncertainty of the typical values (the file's [uncertainty]); none = not propagated.
  std::optional<TypicalUncertainty> uncertainty;
};

/// Standard deviation of an eta on its own scale from the CV written in a model file: log-normal
/// omega = sqrt(ln(1 + CV^2)); logit-normal omega = CV / (1 - F) (delta method at the typical
/// F, so the CV of F near the typical value is CV); additive omega = CV (an SD in the unit).
double eta_sd(const EtaSpec& eta, double typical_value);

/// OMEGA from the etas' SDs and correlations. InvalidArgument if |r| >= 1, an index is out of
/// range, or the result is not positive definite.
core::Result<Eigen::MatrixXd> build_omega(const KetamineParameters& typical,
                                          std::span<const EtaSpec> etas,
                                          std::span<const EtaCorrelation> correlations);

/// The built-in default: typical values only (no etas), equal to KetamineParameters{}.
KetamineModel default_ketamine_model();

/// Covariates that act on the parameters. Sex::Unspecified = population average (no sex effect
/// on CL; the typical patient of `predict`).

struct SubjectCovariates {
  core::Kilograms weight{70.0};
  double age_years = 40.0;
  Sex sex = Sex::Unspecified;
  bool hypertension = false;  ///< history of hypertension (larger BP response)
};

/// One subject's parameters: typical values, covariate effects (allometry, sex, age,
/// hypertension), then etas (one per model.etas entry, same order; empty = typical subject), then
/// the non-responder class (false = responder class). Does not validate the result.
KetamineParameters individualize(const KetamineModel& model, const SubjectCovariates& covariates,
                                 std::span<const double> etas = {}, bool nonresponder = false);
/// The same with other typical values in place of model.typical (a draw of the model's
/// parameter uncertainty, pd/typical_uncertainty.h); the model gives the etas' definitions.
KetamineParameters individualize(const KetamineModel& model, const KetamineParameters& typical,
                                 const SubjectCovariates& covariates,
                                 std::span<const double> etas = {}, bool nonresponder = false);

/// One administration (a session). Amount 0 with a route is a placebo session.
struct Dose {
  core::Hours time{0.0};
  Route route = Route::Iv;
  core::Milligrams amount{0.0};
  core::Hours duration{0.0};  ///< zero-order duration (Route::Iv only; 0 = bolus)
  /// Multiplier of the session's placebo (expectancy) response: 1 for an ordinary session,
  /// 0 for none; an active placebo may use more.
  double expectancy = 1.0;
};

struct SimulateOptions {
  /// RK4 substep of the plasticity state S during the first `fine_window` after each dose start
  /// or infusion end, and elsewhere. Ce is exact at every substep (matrix exponential).
  core::Hours fine_step{1.0 / 60.0};
  core::Hours coarse_step{0.25};
  core::Hours fine_window{6.0};
  double initial_sustained = 0.0;  ///< S at time 0 (prior treatment)
};

/// Model outputs at each requested time (typical or individual subject, no noise).
struct TimeCourse {
  std::vector<core::Hours> time;
  std::vector<core::MilligramsPerLitre> ketamine;     ///< plasma ketamine
  std::vector<core::MilligramsPerLitre> norketamine;  ///< plasma norketamine
  std::vector<core::MilligramsPerLitre> effect_site;  ///< Ce
  std::vector<double> cadss;                          ///< expected CADSS, 0..92
  std::vector<core::MillimetresOfMercury> dsbp;       ///< change in systolic BP
  std::vector<core::MillimetresOfMercury> ddbp;       ///< change in diastolic BP
  std::vector<core::BeatsPerMinute> dhr;              ///< change in heart rate
  std::vector<double> acute;                          ///< Ra, fraction 0..1
  std::vector<double> sustained;                      ///< S, fraction 0..1
  std::vector<double> drug_reduction;                 ///< R = 1 - (1 - Ra)(1 - S)
  std::vector<double> placebo;                        ///< placebo reduction, fraction 0..1
  std::vector<double> total_reduction;                ///< 1 - (1 - R)(1 - placebo)
  /// Number of drug doses (amount > 0) started before each time: the session index for CADSS.
  std::vector<int> doses_before;
};

/// Simulates one subject exactly (linear PK by matrix exponential between events; S by RK4 on
/// exact Ce). `times` must be >= 0 and non-decreasing; doses may come in any order. Errors
/// (InvalidArgument): invalid parameters, negative amount or duration, duration on a non-IV
/// route, decreasing times.
core::Result<TimeCourse> simulate_ketamine(const KetamineParameters& p, std::span<const Dose> doses,
                                           std::span<const core::Hours> times,
                                           const SimulateOptions& options = {});

/// Output times 0, step, 2 step, ... up to and including `end` (within rounding).
std::vector<core::Hours> time_grid(core::Hours end, core::Hours step);

}  // namespace ketapath::pd
