#pragma once
// Free text typed by people (reasons, names, witnesses): what counts as saying nothing, and what
// may not appear in it. One definition for every field.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ketapath::core {

/// True when `text` has no visible character: empty, or only white space and invisible format
/// characters, ASCII or Unicode (no-break space U+00A0, U+2000-U+200F including the zero-width
/// space and joiners, U+2028-U+202F, U+205F-U+2064, U+3000, U+FEFF, ...). Such a text is no
/// reason, no name and no witness.
[[nodiscard]] bool is_blank(std::string_view text);

/// A required free-text field: Validation "<field>: must not be empty or only spaces" when
/// is_blank; "<field>: at most <max> characters (got N)" when longer; "<field>: must not contain
/// control characters (found \x1b at character N)" for C0/C1 controls other than tab and line
/// breaks (terminal escapes would be replayed to whoever reads it); and invalid UTF-8 refused.
[[nodiscard]] Status check_required_text(std::string_view field, std::string_view text,
                                         std::size_t max_chars = 2000,
                                         bool allow_line_breaks = true);

/// `text` with the ASCII letters A-Z made lower case (a-z); every other byte, UTF-8 included, as
/// it is. The one case fold of the project's keywords (routes, scales, names of enum values,
/// column and SQL words): readers that ignore case compare ascii_lower(text) with the spelling.
[[nodiscard]] std::string ascii_lower(std::string_view text);
/// The same to upper case (a-z made A-Z).
[[nodiscard]] std::string ascii_upper(std::string_view text);

}  // namespace ketapath::core
