#include "core/text.h"

#include <cstdint>
#include <optional>

#include <fmt/format.h>

namespace ketapath::core {
namespace {

// Decodes one UTF-8 code point at `i` (advancing it); nullopt for an invalid sequence.
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) {
    return static_cast<std::uint8_t>(s[k]);
  };
  const std::uint8_t b0 = byte(i);
  int length = 0;
  char32_t cp = 0;
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    cp = b0 & 0x07;
  } else {
    return std::nullopt;
  }
  if (i + static_cast<std::size_t>(length) > s.size()) {
    return std::nullopt;
  }
  for (int k = 1; k < length; ++k) {
    const std::uint8_t b = byte(i + static_cast<std::size_t>(k));
    if ((b & 0xC0) != 0x80) {
      return std::nullopt;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return std::nullopt;  // overlong, out of range or a surrogate
  }
  i += static_cast<std::size_t>(length);
  return cp;
}

bool invisible(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         c == 0x180E || (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
         (c >= 0x205F && c <= 0x2064) || c == 0x3000 || c == 0xFEFF;
}

bool control(char32_t c, bool allow_line_breaks) {
  if (c == '\t' || (allow_line_breaks && (c == '\n' || c == '\r'))) {
    return false;
  }
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

}  // namespace

bool is_blank(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = next_code_point(text, i);
    if (!c || !invisible(*c)) {
      return false;  // an invalid byte is not blank (check_required_text refuses it anyway)
    }
  }
  return true;
}

Status check_required_text(std::string_view field, std::string_view text, std::size_t max_chars,
                           bool allow_line_breaks) {
  if (is_blank(text)) {
    return fail(ErrorCode::Validation, "{}: must not be empty or only spaces", field);
  }
  std::size_t i = 0;
  std::size_t chars = 0;
  while (i < text.size()) {
    const auto c = next_code_point(text, i);
    ++chars;
    if (!c) {
      return fail(ErrorCode::Validation, "{}: is not valid UTF-8 (at character {})", field, chars);
    }
    if (control(*c, allow_line_breaks)) {
      return fail(ErrorCode::Validation,
                  "{}: must not contain control characters (found U+{:04X} at character {})", field,
                  static_cast<std::uint32_t>(*c), chars);
    }
  }
  if (chars > max_chars) {
    return fail(ErrorCode::Validation, "{}: at most {} characters (got {})", field, max_chars,
                chars);
  }
  return {};
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

}  // namespace ketapath::core
