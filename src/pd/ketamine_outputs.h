#pragma once
// The algebraic outputs of the ketamine model: everything except the plasticity state S is a
// function of the effect-site concentration Ce, S and the dose history at one time. This is the
// one implementation of those formulas; pd::simulate_ketamine (per subject) and the batch
// engine's clinical endpoints (trial/batch_outcome.h) both call it, so they cannot drift apart.
//
//   CADSS  = clamp(CADSS_EMAX tol g_cadss(Ce), 0, 92)     tol from earlier doses (TOL_T12)
//   dSBP   = SBP_EMAX g_hemo(Ce), dDBP, dHR alike          Ra = clamp(ANX_EMAX g_anx(Ce), 0, 1)
//   R      = 1 - (1 - Ra)(1 - S)                           placebo of the last session
//   (PLACEBO_T12) total  = 1 - (1 - R)(1 - placebo)
// Doses at exactly time t are not yet given (pre-dose convention of simulate_ketamine).
//
// Example:
//   pd::DoseHistory history(doses);
//   pd::KetamineOutputs o = pd::ketamine_outputs(p, history, core::Hours(25.0), ce, s);

#include <span>
#include <vector>

#include "core/units.h"
#include "pd/ketamine_model.h"

namespace ketapath::pd {

/// The dose list in administration order (stable sort by start time), as the outputs need it:
/// drug start times (amount > 0) and every session's start and expectancy.
class DoseHistory {
 public:
  explicit DoseHistory(std::span<const Dose> doses);

  /// Number of drug doses (amount > 0) started strictly before t (h).
  [[nodiscard]] int drug_doses_before(double t) const;

  /// Start times (h) of drug doses, non-decreasing.
  [[nodiscard]] const std::vector<double>& drug_times() const { return drug_times_; }

  /// Start times (h) of every session (drug or not), non-decreasing, and their expectancy.
  [[nodiscard]] const std::vector<double>& session_times() const { return session_times_; }

  [[nodiscard]] const std::vector<double>& session_expectancy() const {
    return session_expectancy_;
  }

 private:
  std::vector<double> drug_times_;  // h, non-decreasing
  std::vector<double> session_times_;
  std::vector<double> session_expectancy_;
};

/// Model outputs at one time (no noise). Units as pd::TimeCourse.
struct KetamineOutputs {
  double cadss = 0.0;            ///< expected CADSS, points 0..92
  double dsbp = 0.0;             ///< change in systolic BP, mmHg
  double ddbp = 0.0;             ///< change in diastolic BP, mmHg
  double dhr = 0.0;              ///< change in heart rate, beats/min
  double acute = 0.0;            ///< Ra, fraction 0..1
  double drug_reduction = 0.0;   ///< R = 1 - (1 - Ra)(1 - S)
  double placebo = 0.0;          ///< placebo reduction of the last session before t, 0..1
  double total_reduction = 0.0;  ///< 1 - (1 - R)(1 - placebo)
  int doses_before = 0;          ///< drug doses started before t
};

/// Outputs at time t (h from the regimen start) for effect-site concentration `ce` (mg/L;
/// negative rounding residue is treated as 0) and plasticity state `s` (0..1). Parameters must be
/// valid (pd::validate).
KetamineOutputs ketamine_outputs(const KetamineParameters& p, const DoseHistory& history,
                                 core::Hours t, double ce, double s);

/// The drive of the plasticity state at effect-site concentration `ce` (mg/L):
/// g = Ce^S_GAMMA / (S_EC50^S_GAMMA + Ce^S_GAMMA), so dS/dt = S_KON g (1 - S) - ln2/S_T12 S.
double plasticity_drive(const KetamineParameters& p, double ce);

/// Appends one time's row to `course`: the state's concentrations (mg/L), Ce and S as given, and
/// the algebraic outputs `y`. The time itself is the caller's to append.
void append_row(TimeCourse& course, double ketamine, double norketamine, double ce, double s,
                const KetamineOutputs& y);

}  // namespace ketapath::pd
