#pragma once
// Ketamine model files (TOML, models/<name>.toml; schema in docs/model.md) and the lookup of
// bundled data files by bare name.
//
// A model file has a [model] table (name, description, optional `base` naming another model
// whose values it overrides) and one [parameters.NAME] table per parameter:
//   [parameters.CL]
//   value = 79.0
//   unit = "L/h"            # canonical unit or an accepted edge unit (ng/mL, min, d, 1/min)
//   cv = 0.35               # optional between-subject variability
//   transform = "lognormal" # optional: lognormal (default), logit (fractions), additive
//   source = "Kamp 2020 Anesthesiology 133:1192, meta-analysis"
//   evidence = "verified"   # or "estimated" (then `how` is required)
// plus optional [[correlations]] {a = "CL", b = "V1", r = 0.3}. Without `base`, every parameter
// of pd::parameter_table() must be present. Unknown keys are errors.
//
// Errors name the file, the key and the value: "models/x.toml: parameters.CL.value: must be a
// number (got \"abc\")".

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "pd/ketamine_model.h"

namespace ketapath::io {

/// Where bundled data live, in lookup order (conventions.md): --data-dir, $KETAPATH_DATA, the
/// install prefix's share/ketapath, the source tree. Empty entries are skipped. Each directory
/// holds models/ and designs/.
struct DataDirectories {
  std::vector<std::filesystem::path> directories;

  /// Builds the list from the optional pieces, in the conventional order.
  static DataDirectories from(std::optional<std::filesystem::path> data_dir,
                              std::optional<std::filesystem::path> environment,
                              std::optional<std::filesystem::path> install_share,
                              std::optional<std::filesystem::path> source_tree);

  /// The conventional list for a command-line program: `data_dir` (--data-dir), then
  /// $KETAPATH_DATA, then <prefix>/share/ketapath where <prefix> is the parent of the running
  /// executable's folder (/proc/self/exe), then `source_tree` (KETAPATH_SOURCE_DATA_DIR).
  static DataDirectories standard(std::optional<std::filesystem::path> data_dir,
                                  std::filesystem::path source_tree);
};

/// Resolves `name_or_path` of kind `kind` ("models" or "designs"): an existing file path (or one
/// containing a '/' or ending in ".toml") is used as is; a bare name is looked up as
/// <dir>/<kind>/<name>.toml in each directory. NotFound lists the places tried.
core::Result<std::filesystem::path> resolve_data_file(std::string_view name_or_path,
                                                      std::string_view kind,
                                                      const DataDirectories& dirs);

/// Parses model text; `origin` names it in messages. `base` models are resolved with `dirs`.
core::Result<pd::KetamineModel> parse_model(std::string_view text, std::string_view origin,
                                            const DataDirectories& dirs);

/// Reads and parses a model file (Io if unreadable, InvalidData if malformed).
core::Result<pd::KetamineModel> load_model_file(const std::filesystem::path& path,
                                                const DataDirectories& dirs);

/// Resolves a bare name or a path, then loads it.
core::Result<pd::KetamineModel> load_model(std::string_view name_or_path,
                                           const DataDirectories& dirs);

}  // namespace ketapath::io
