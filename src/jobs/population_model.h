#pragma once
// The population model a front end names: a catalogue model (pk::find_model) with typical
// parameter values, exponential ETAs on named parameters, OMEGA and SIGMA, or a user model file
// (docs/user-models.md), which states its own THETAs, OMEGA and SIGMA. One definition for the CLI
// (`simulate`/`fit` --model, --model-file, --param, --omega, --sigma) and the bindings' facade;
// each parses its own input into PopulationModelSpec and names its fields for the messages, as
// check_predict_request does.
//
// Example:
//   auto model = KETAPATH_TRY(jobs::population_model(
//       {.model = "two_cmt", .parameters = {{"CL", 5}, {"V1", 50}, {"Q", 10}, {"V2", 100}},
//        .omega = jobs::EtaSpec{.etas = {"CL"}, .omega = Eigen::MatrixXd::Constant(1, 1, 0.09)},
//        .sigma = nlme::ResidualError{.proportional_variance = 0.01}},
//       {}));

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "core/error.h"
#include "nlme/model.h"
#include "pk/model.h"

namespace ketapath::jobs {

/// Exponential ETAs on named parameters (ETA1..n in this order) and their OMEGA (n x n).
struct EtaSpec {
  std::vector<std::string> etas;
  Eigen::MatrixXd omega;
};

/// What names the model. A field that is set counts as given (even when empty), so a front end
/// that refuses before parsing can pass only that something was given.
struct PopulationModelSpec {
  std::string model;                              ///< a catalogue model name, or:
  std::string model_file;                         ///< a user model file
  std::optional<pk::ParameterValues> parameters;  ///< typical values (catalogue model only)
  std::optional<EtaSpec> omega;                   ///< catalogue model only; none: no ETAs
  std::optional<nlme::ResidualError> sigma;       ///< catalogue model only; none: no error
};

/// How the caller spells each field in messages (the CLI's options by default).
struct PopulationModelFields {
  std::string_view model = "--model";
  std::string_view model_file = "--model-file";
  std::string_view parameters = "--param";
  std::string_view omega = "--omega";
  std::string_view sigma = "--sigma";
};

/// A catalogue model by name; NotFound "<model>: \"x\" is not a model (known: ...)".
core::Result<const pk::ModelSpec*> find_catalogue_model(const std::string& name,
                                                        std::string_view field = "--model");

/// Builds the model. InvalidArgument when both or neither of model and model_file are given, when
/// a catalogue model has no parameters, or when parameters, omega or sigma are given beside a
/// model file; NotFound for an unknown catalogue model; nlme::make_catalogue_model's checks;
/// usermodel's errors naming the file, line and symbol.
core::Result<std::unique_ptr<nlme::PopulationModel>> population_model(
    const PopulationModelSpec& spec, const PopulationModelFields& fields);

/// What a user of `model` should know about how it runs: for a user model whose $DES could not be
/// compiled, "model.toml: $DES runs interpreted on muparser (slower): REASON"; empty otherwise.
std::string model_note(const nlme::PopulationModel& model);

}  // namespace ketapath::jobs
