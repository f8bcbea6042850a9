#pragma once
// A catalogue PK model (pk::find_model) as a population model: fixed typical values, exponential
// ETAs on named parameters (P_k = TV_k exp(ETA_k), so ETA_k is log-normal between-subject
// variability on P_k), a full OMEGA (diagonal or block) and SIGMA. IPRED is CP = central amount /
// central volume from pk::simulate (closed form where the model has one).
//
// Example:
//   auto model = KETAPATH_TRY(nlme::make_catalogue_model({
//       .model = pk::find_model("two_cmt"),
//       .parameters = {{"CL", 5}, {"V1", 50}, {"Q", 10}, {"V2", 100}},
//       .etas = {"CL", "V1"},
//       .omega = (Eigen::MatrixXd(2, 2) << 0.09, 0.02, 0.02, 0.04).finished(),
//       .sigma = {.proportional_variance = 0.01, .additive_variance = 1e-4}}));

#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/error.h"
#include "nlme/model.h"
#include "pk/model.h"
#include "pk/simulate.h"

namespace ketapath::nlme {

struct CatalogueModelSpec {
  const pk::ModelSpec* model = nullptr;
  pk::ParameterValues parameters;  ///< typical values in data units (as `simulate --param`)
  std::vector<std::string> etas;   ///< parameter names carrying an ETA, in ETA order
  Eigen::MatrixXd omega;           ///< etas x etas
  ResidualError sigma;
  pk::SolverKind solver = pk::SolverKind::Automatic;
};

/// Checks and builds the model. InvalidArgument (pk's messages for the parameters; an ETA on a
/// parameter the model lacks, given twice, without a typical value, or on a bioavailability F<n>,
/// which needs a logit-normal ETA; OMEGA and SIGMA as nlme::check_omega and check_sigma), NotFound
/// without a model.
core::Result<std::unique_ptr<PopulationModel>> make_catalogue_model(CatalogueModelSpec spec);

}  // namespace ketapath::nlme
