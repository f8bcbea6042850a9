#pragma once
// pk and nlme name a record as "line N: ..."; a user knows it as "FILE:N: ...".

#include <string_view>

#include "core/error.h"

namespace ketapath::jobs {

/// `error` with a leading "line N:" rewritten to "FILE:N:"; other messages unchanged.
core::Error locate_record_error(core::Error error, std::string_view file);

}  // namespace ketapath::jobs
