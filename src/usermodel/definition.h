#pragma once
// A user model as its model file states it (io/user_model_file.h reads it): plain data, no
// parsing of expressions yet (compile.h does that). The model-file format: docs/user-models.md.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "pk/ode_function.h"

namespace ketapath::usermodel {

/// Where a piece of text came from, for messages: "two_cmt_wt.toml:14".
struct SourceLine {
  std::string file;
  std::size_t line = 0;
};

/// A fixed-effect parameter (NONMEM's THETA), usable by name in the expressions.
struct Theta {
  std::string name;  ///< "TVCL"
  double value = 0.0;
  std::string unit;    ///< "L/h"
  std::string source;  ///< citation or "assumed: ..."
  SourceLine where;
};

/// A data column the expressions read, with its unit ("WT", "kg").
struct Covariate {
  std::string name;
  std::string unit;
  SourceLine where;
};

/// One assignment `NAME = expression` of a $PK, $DES or $ERROR block.
struct Statement {
  std::string target;      ///< as written: "CL", "DADT(2)"
  std::string expression;  ///< as written
  SourceLine where;
};

/// The structure: a catalogue model (closed form where it has one) or the user's own ODEs.
struct Structure {
  /// Catalogue model name (`ketapath models`): $PK must set its parameters. Empty for ODE models.
  std::string catalogue;
  /// ODE models: compartment names in NONMEM order (A(1) is the first).
  std::vector<std::string> compartments;
  int dose_compartment = 1;  ///< NONMEM number CMT 0 doses into
  std::vector<Statement> des;
  /// The integrator of $DES ([des] solver = "auto" | "bdf" | "dopri5"; pk/ode_function.h).
  pk::OdeMethod ode_method = pk::OdeMethod::Automatic;
};

struct Definition {
  std::string name;
  std::string description;
  std::string file;  ///< the model file, as given
  std::vector<Theta> thetas;
  std::vector<Covariate> covariates;
  std::vector<std::string> etas;  ///< ETA names in order: ETA(1) is etas[0]
  Eigen::MatrixXd omega;          ///< etas x etas (zero-size when there are no etas)
  std::string omega_source;
  double sigma_proportional = 0.0;  ///< variance of EPS(1)
  double sigma_additive = 0.0;      ///< variance of EPS(2), in DV's unit squared
  std::string sigma_source;
  Structure structure;
  std::vector<Statement> pk;
  /// IPRED: an expression of the amounts A(n) and $PK variables; empty = the central amount
  /// divided by the catalogue model's central volume (closed-form models only).
  std::optional<Statement> ipred;
  std::string dv_unit;  ///< unit of DV and IPRED, e.g. "mg/L"
};

}  // namespace ketapath::usermodel
