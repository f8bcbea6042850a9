#pragma once
// User model files (TOML): parameters with units and sources, covariates, OMEGA, SIGMA, the
// structure (a catalogue model with its closed form, or the user's ODEs), and $PK / $DES / IPRED
// code. Reading checks the file's shape; Program::compile (expressions.h) checks the code. The
// format, with an example: docs/user-models.md.
//
// Errors (InvalidData, NotFound, Io) name the file, the line where toml++ can tell it, the key,
// the value and the problem: `two_cmt_wt.toml:12: omega.block: is not positive definite`.

#include <filesystem>
#include <string_view>

#include "core/error.h"
#include "usermodel/definition.h"

namespace ketapath::usermodel {

core::Result<Definition> read_model_file(const std::filesystem::path& path);

/// As read_model_file, from text; `origin` names the file in messages.
core::Result<Definition> parse_model_file(std::string_view text, std::string_view origin);

}  // namespace ketapath::usermodel
