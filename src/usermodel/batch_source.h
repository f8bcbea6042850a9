#pragma once
// A user model on the batch kernel's structure (`structure = "ketamine_batch"` in the model file:
// depot, two compartments, norketamine, effect site and the plasticity state S, the model of
// population/batch_model.h): its $PK, run once per virtual subject, gives the kernel's
// per-subject parameters, so a population of the user's model runs at the batch engine's speed
// (`ketapath population benchmark --model-file F`).
//
// Subject i's ETAs are L z with L the Cholesky factor of OMEGA and z the draws 0..n-1 of
// core::RandomStream(seed, {replicate 0, subject i, Stream::Parameters}), as nlme::simulate and
// the built-in benchmark draw them, so any subject can be made alone on any thread.

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/error.h"
#include "population/batch_runner.h"
#include "usermodel/user_model.h"

namespace ketapath::usermodel {

/// The structure name of the batch kernel's model in a model file.
inline constexpr std::string_view kBatchStructure = "ketamine_batch";

/// The $PK variables the batch structure reads, with their units (KA 1/h, F1 fraction, V1 L, ...).
struct BatchParameter {
  std::string_view name;
  std::string_view unit;
};

std::span<const BatchParameter> batch_parameters();

/// The subject source of a ketamine_batch user model. Errors (InvalidArgument): another
/// structure, or a model that reads covariates (a batch population has no data set).
core::Result<population::SubjectSource> batch_source(std::shared_ptr<const UserModel> model,
                                                     std::uint64_t seed);

}  // namespace ketapath::usermodel
