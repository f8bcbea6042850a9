#pragma once
// The options that name a population model on the command line, shared by `simulate` and `fit`:
//   --model NAME --param CL=5,V1=50,... --omega CL=0.09,V1=0.04 --sigma prop=0.01,add=1e-4
// and their parsing into jobs::PopulationModelSpec; jobs::population_model builds the model (a
// catalogue model, or the user model of `--model-file`), as it does for the bindings.
//
// --omega grammar (items separated by commas; the option may repeat, items join in order):
//   NAME=VAR                        one ETA on NAME with variance VAR (a diagonal element)
//   N1,N2,...,Nk=V11,V21,V22,...    a block: k ETAs and the lower triangle of their covariance
//                                   row by row (NONMEM's $OMEGA BLOCK(k) order), k(k+1)/2 values
// e.g. "CL,V1=0.09,0.02,0.04,Q=0.1": a CL-V1 block and a diagonal Q. ETAs are numbered in the
// order written (ETA1 = CL, ...). Names are case-insensitive (cl is CL).

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <Eigen/Dense>

#include "core/error.h"
#include "jobs/population_model.h"
#include "nlme/model.h"
#include "pk/model.h"

namespace ketapath::cli {

struct PopulationOptions {
  std::string model;
  std::string model_file;  ///< --model-file: a user model (docs/user-models.md)
  std::vector<std::string> params;
  std::vector<std::string> omega;
  std::vector<std::string> sigma;
};

/// Adds --omega and --sigma (not required) to `app`; --model and --param are added by the command.
void add_variability_options(CLI::App& app, PopulationOptions& options);

/// Adds --model NAME, --model-file FILE and --param (one of the two models is required, checked
/// by population_model).
void add_model_options(CLI::App& app, PopulationOptions& options);

/// A decimal number of an option; InvalidArgument `<what>: "<text>" is not a number`.
core::Result<double> parse_number(std::string_view text, std::string_view what);

/// NAME=VALUE pairs; names are NONMEM's and case-insensitive (cl=2 is CL=2).
core::Result<pk::ParameterValues> parse_parameters(const std::vector<std::string>& items);

/// The --omega items (grammar above). InvalidArgument naming the item and the problem.
core::Result<jobs::EtaSpec> parse_omega(const std::vector<std::string>& items);

/// The --sigma items prop=VAR and add=VAR (variances; a missing one is 0).
core::Result<nlme::ResidualError> parse_sigma(const std::vector<std::string>& items);

/// The model the options name (jobs::population_model): --model-file's user model (which states
/// its own THETAs, OMEGA and SIGMA, so --param, --omega and --sigma are refused beside it) or the
/// catalogue model of --model with --param typical values, --omega and --sigma. InvalidArgument
/// when both or neither model is given.
core::Result<std::unique_ptr<nlme::PopulationModel>> population_model(
    const PopulationOptions& options);

}  // namespace ketapath::cli
