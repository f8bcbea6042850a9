#pragma once
// The [uncertainty] table of a model file (docs/model.md "Model file format"): the covariance of
// log(typical value) of the parameters a calibration estimated, read into pd::TypicalUncertainty.
// Internal to io (model_file.cpp); toml++ stays out of public headers.
//
//   [uncertainty]
//   source = "ketapath calibrate --problem anxiolysis: Laplace covariance (docs/model.md)"
//   parameters = ["ANX_EMAX", "ANX_EC50"]
//   log_covariance = [[0.85, -0.9], [-0.9, 1.3]]
//
// Every error names the file and the field: `models/x.toml: uncertainty.log_covariance[2][1]:
// must be a number (got "a")`.

#include <string_view>

#include <toml++/toml.h>

#include "core/error.h"
#include "pd/ketamine_model.h"

namespace ketapath::io::detail {

/// Reads the table's shape and names (not yet checked against the typical values: see
/// pd::validate(TypicalUncertainty, typical), run once the whole model is read).
core::Result<pd::TypicalUncertainty> read_uncertainty(const toml::node& node,
                                                      std::string_view origin);

}  // namespace ketapath::io::detail
