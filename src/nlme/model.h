#pragma once
// A population model as a pharmacometrician states it: a structural model that predicts each
// output row of one subject from that subject's records and its random effects (ETAs), the
// between-subject variability OMEGA on those ETAs, and the residual error SIGMA. Simulation with
// variability (`simulate --nsub`), individual fits (`ketapath fit`) and diagnostics work on this
// interface only, so the catalogue models with exponential ETAs and the user models of model
// files (usermodel/) are interchangeable.
//
// Residual error, in NONMEM's $ERROR convention with EPS(1) proportional and EPS(2) additive:
//   DV = IPRED * (1 + EPS(1)) + EPS(2),  EPS ~ N(0, diag(SIGMA))
// so the SD of an observation is sqrt(SIGMA_prop * IPRED^2 + SIGMA_add).
//
// Example:
//   std::unique_ptr<nlme::PopulationModel> model = ...;
//   auto subject = KETAPATH_TRY(model->bind(timeline, grid));
//   std::vector<double> ipred(subject->rows().size());
//   KETAPATH_TRY(subject->predict(eta, ipred));        // eta.size() == model->etas().size()

#include <cmath>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/error.h"
#include "core/units.h"
#include "pk/event_timeline.h"

namespace ketapath::nlme {

/// SIGMA: variances of the proportional EPS(1) (dimensionless^2) and the additive EPS(2) (in the
/// squared unit of DV). Both zero: no residual error (DV = IPRED).
struct ResidualError {
  double proportional_variance = 0.0;
  double additive_variance = 0.0;

  /// SD of an observation whose prediction is `ipred`.
  [[nodiscard]] double sd(double ipred) const {
    return std::sqrt(proportional_variance * ipred * ipred + additive_variance);
  }

  [[nodiscard]] bool none() const {
    return proportional_variance == 0.0 && additive_variance == 0.0;
  }
};

/// One output row of a bound subject.
struct Row {
  core::Hours time{0.0};
  /// Index into the timeline's records for observation records (EVID 0), or kGridRow
  /// (pk/simulate.h) for an extra output time.
  std::size_t record_index = 0;
  /// DV of the record when the data set has one (fits use only these rows).
  bool has_dv = false;
  double dv = 0.0;
};

/// A population model bound to one subject: predictions for any ETA vector. Not thread-safe (it
/// may cache solver state); bind one per thread.
class SubjectModel {
 public:
  virtual ~SubjectModel() = default;

  /// Output rows in output order: the observation records in input order with the extra times
  /// merged in, as pk::simulate orders them.
  [[nodiscard]] virtual std::span<const Row> rows() const = 0;

  /// IPRED for every row given `eta` (size = PopulationModel::etas().size()); PRED is
  /// predict(zeros). Errors: Solver (a solver failure or a non-finite prediction), InvalidData
  /// (an expression of the model is undefined for this subject's data), naming the record line.
  virtual core::Status predict(std::span<const double> eta, std::span<double> ipred) = 0;

  /// This subject's named individual parameters for `eta`, in PopulationModel::parameter_names()
  /// order, where they depend on the subject's own data (a user model's $PK with covariates,
  /// evaluated at the subject's first record). Empty (the default) when the population model's
  /// individual_parameters apply to every subject.
  virtual core::Result<std::vector<double>> individual_parameters(std::span<const double> /*eta*/) {
    return std::vector<double>{};
  }
};

class PopulationModel {
 public:
  virtual ~PopulationModel() = default;

  /// Name for messages and output ("two_cmt", or the model file's name).
  [[nodiscard]] virtual const std::string& name() const = 0;

  /// ETA names in order (ETA1..n in output); OMEGA is etas() x etas().
  [[nodiscard]] virtual std::span<const std::string> etas() const = 0;
  [[nodiscard]] virtual const Eigen::MatrixXd& omega() const = 0;
  [[nodiscard]] virtual const ResidualError& sigma() const = 0;

  /// Named individual parameters that fits report (CL, V1, ...): their names, and their values
  /// for an ETA vector (same order). The defaults report none; a fit's %RSE of a parameter is the
  /// delta method on individual_parameters' gradient in ETA.
  [[nodiscard]] virtual std::span<const std::string> parameter_names() const { return {}; }

  [[nodiscard]] virtual std::vector<double> individual_parameters(
      std::span<const double> /*eta*/) const {
    return {};
  }

  /// Binds the model to one subject. `dv` holds the DV of each record (NaN where missing) or is
  /// empty. Errors name the record line, as pk::simulate does.
  virtual core::Result<std::unique_ptr<SubjectModel>> bind(
      const pk::SubjectTimeline& subject, std::span<const double> dv,
      std::span<const core::Hours> extra_times) const = 0;
};

}  // namespace ketapath::nlme
