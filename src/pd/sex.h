#pragma once
// Sex: the one definition, used by the model's covariates (pd), virtual patients (population) and
// the clinic's patient records. Text form (clinic records, JSON, database): "F", "M", "X".

#include <cstdint>
#include <string_view>

#include "core/error.h"

namespace ketapath::pd {

enum class Sex : std::uint8_t {
  Female,       ///< "F"
  Male,         ///< "M"
  Unspecified,  ///< "X": neither, or not stated; the model applies no sex effect
};

/// "F", "M", "X".
std::string_view sex_name(Sex sex);

/// Parses "f", "m", "x" (case ignored): the one parser. InvalidArgument names the accepted
/// values: sex: "q" is not one of F, M, X.
core::Result<Sex> parse_sex(std::string_view text);

}  // namespace ketapath::pd
