#pragma once
// Trial design files (TOML, designs/<name>.toml; schema in docs/trial-designs.md) read into a
// trial::Design. Unknown keys are errors (a misspelt key must not silently keep a default).
//
// Errors name the file, the line, the key and the value:
//   "designs/x.toml:41: endpoints[2].tolerance: must be [low, high] with low <= high (got [3, 1])"
//
// Example:
//   auto path = io::resolve_data_file("glue2017", "designs", dirs);
//   auto design = io::load_design_file(*path);   // Result<trial::Design>, already validated

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"
#include "io/model_file.h"
#include "trial/design.h"

namespace ketapath::io {

/// Parses design text against a model's scales (pd::KetamineModel::scales): scale names resolve
/// to those definitions (Assessments::definitions), so a design rates any scale its model file
/// defines. The overload without `scales` uses the clinic's built-in six.
core::Result<trial::Design> parse_design(std::string_view text, std::string_view origin,
                                         std::span<const pd::ScaleDefinition> scales);

/// Parses design text; `origin` names it in messages. The result has passed trial::validate
/// (its errors come back as InvalidData prefixed with the origin). InvalidData for malformed
/// TOML, wrong types, unknown keys or values out of range.
core::Result<trial::Design> parse_design(std::string_view text, std::string_view origin);

/// Reads and parses a design file (Io if unreadable).
core::Result<trial::Design> load_design_file(const std::filesystem::path& path);

struct DesignAndModel {
  trial::Design design;
  pd::KetamineModel model;
};

/// Reads a design file and the model it runs with (`model` if given, else the design's `model`
/// key, resolved with `dirs`), and parses the design against that model's scales.
core::Result<DesignAndModel> load_design_with_model(const std::filesystem::path& path,
                                                    std::optional<std::string> model,
                                                    const DataDirectories& dirs);

}  // namespace ketapath::io
