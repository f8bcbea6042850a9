#pragma once
// The [[scales]] tables of a model file (docs/model.md "Model file format"), read into
// pd::ScaleDefinition values. Internal to io (model_file.cpp); toml++ stays out of public headers.
//
// Every error names the file, the scale and the field:
//   models/x.toml: scales[6] (vas_anxiety).noise_sd must be >= 0 points (got -1 points)

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/error.h"
#include "pd/scales.h"

namespace ketapath::io::detail {

/// A TOML value as an error message shows it: a string quoted, a table or array named.
std::string describe(const toml::node& node);

/// Reads the `scales` array of one file into `scales` (the list inherited from a base, or empty):
/// an entry named like one already there replaces it (keeping its identity); the clinic's six
/// must equal their built-in definitions; any other new name is appended with the next identity.
core::Status read_scales(const toml::node& node, std::string_view origin,
                         std::vector<pd::ScaleDefinition>& scales);

/// The model's scale list, indexed by pd::Scale: the clinic's six must all be there (a model
/// without `base` must give them), then the file's own in order.
core::Result<std::vector<pd::ScaleDefinition>> finish_scales(
    std::vector<pd::ScaleDefinition> scales, std::string_view origin);

}  // namespace ketapath::io::detail
