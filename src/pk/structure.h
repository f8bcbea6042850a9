#pragma once
// A catalogue model with its parameter values checked and turned into numbers the solvers use:
// compartment roles (depot, central, peripherals), rate constants, the linear rate matrix and the
// optional Michaelis-Menten elimination and effect site. Built once per subject.

#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/error.h"
#include "pk/model.h"

namespace ketapath::pk {

struct Peripheral {
  int index = 0;        ///< 0-based state index
  double q = 0.0;       ///< intercompartmental clearance, L/h
  double volume = 0.0;  ///< L
};

struct ModelStructure {
  std::string model;            ///< catalogue name, for messages
  int compartments = 0;         ///< number of NONMEM compartments (amount states)
  int central = 0;              ///< 0-based index of the central compartment
  int depot = -1;               ///< 0-based index of the depot, -1 when absent
  int default_dose = 0;         ///< 0-based default dose compartment (CMT 0)
  double ka = 0.0;              ///< 1/h, depot models only
  double cl = 0.0;              ///< L/h, linear elimination (0 for Michaelis-Menten)
  double central_volume = 0.0;  ///< L
  std::vector<Peripheral> peripherals;
  bool michaelis_menten = false;  ///< elimination VM*C/(KM+C) instead of CL*C
  double vm = 0.0;                ///< mg/h
  double km = 0.0;                ///< mg/L
  std::optional<double> ke0;      ///< 1/h: effect site CE (mg/L) when given

  /// Number of solver states: the amounts plus CE when ke0 is set (CE is the last state).
  [[nodiscard]] int states() const { return compartments + (ke0 ? 1 : 0); }

  [[nodiscard]] bool linear() const { return !michaelis_menten; }

  /// The linear part of dx/dt over all states(): amounts and CE. For Michaelis-Menten models the
  /// nonlinear elimination is not included.
  [[nodiscard]] Eigen::MatrixXd rate_matrix() const;
};

/// Checks parameter names and values against the model and builds its structure. Errors
/// (InvalidArgument): "two_cmt: parameter Q is missing", "one_cmt: parameter CL must be > 0
/// (got -1)", "one_cmt: parameter F3 is not a parameter of this model (got 1)",
/// "one_cmt: parameter ALAG1 must be >= 0 (got -0.5)".
core::Result<ModelStructure> make_structure(const ModelSpec& model, const ParameterValues& values);

/// The value of an optional per-compartment modifier (F, ALAG, R or D followed by the NONMEM
/// compartment number), if given.
std::optional<double> dose_modifier(const ParameterValues& values, std::string_view prefix,
                                    int compartment_number);

}  // namespace ketapath::pk
