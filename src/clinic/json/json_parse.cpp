// The one entry point for JSON text from outside (json.h): files the CLI reads, settings and
// stored forms. Bounded before anything is built: the file size (limits::kMaxJsonFileBytes) and
// the nesting depth (limits::kMaxJsonDepth, checked by the SAX handler as the parser descends,
// so a file of 65,600 '[' is refused at the 65th). Errors name the file, line and column and
// quote at most a short excerpt of the input.

#include "clinic/json/json.h"
#include "core/check.h"
#include "core/limits.h"
#include "core/text_file.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

// nlohmann's DOM builder, refusing to descend deeper than the limit and recording the first
// error instead of throwing. sax_parse is a template on the handler type, so these members
// replace the base's.
class BoundedDomParser : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit BoundedDomParser(Json& result)
      : nlohmann::detail::json_sax_dom_parser<Json>(result, false) {}

  bool start_object(std::size_t n) {
    return descend() && nlohmann::detail::json_sax_dom_parser<Json>::start_object(n);
  }

  bool end_object() {
    --depth_;
    return nlohmann::detail::json_sax_dom_parser<Json>::end_object();
  }

  bool start_array(std::size_t n) {
    return descend() && nlohmann::detail::json_sax_dom_parser<Json>::start_array(n);
  }

  bool end_array() {
    --depth_;
    return nlohmann::detail::json_sax_dom_parser<Json>::end_array();
  }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token, const Exception& ex) {
    position_ = position;
    token_ = core::excerpt(last_token, 24);
    if (ex.id == 406) {  // out_of_range.406: number overflow
      problem_ =
          fmt::format("number {} is out of range (finite numbers only, |x| < 1.8e308)", token_);
    } else {
      // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while
      // parsing value - invalid literal; last read: '...'" -> the part between.
      std::string_view what = ex.what();
      if (const auto colon = what.find(": "); colon != std::string_view::npos) {
        what.remove_prefix(colon + 2);
      }
      if (const auto last = what.find("; last read"); last != std::string_view::npos) {
        what = what.substr(0, last);
      }
      problem_ = fmt::format("{} (near \"{}\")", core::excerpt(what, 120), token_);
    }
    return false;
  }

  [[nodiscard]] bool too_deep() const { return too_deep_; }

  [[nodiscard]] std::size_t position() const { return position_; }

  [[nodiscard]] const std::string& problem() const { return problem_; }

 private:
  bool descend() {
    if (++depth_ > core::limits::kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  std::size_t depth_ = 0;
  bool too_deep_ = false;
  std::size_t position_ = 0;
  std::string token_;
  std::string problem_;
};

// "file:line:column" for a byte offset into `text`.
std::string locate(std::string_view text, std::string_view where, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return fmt::format("{}:{}:{}", where, line, offset - line_start + 1);
}

}  // namespace

core::Result<Json> parse_json(std::string_view text, std::string_view where) {
  KETAPATH_TRY(core::check_range(
      fmt::format("{}: JSON text", where), static_cast<double>(text.size()), "bytes",
      {.high = static_cast<double>(core::limits::kMaxJsonFileBytes)}, ErrorCode::LimitExceeded));
  Json j;
  BoundedDomParser handler(j);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &handler,
                                  nlohmann::detail::input_format_t::json, true);
  if (handler.too_deep()) {
    // The parser stopped at the bracket that went one level too deep; count to find it.
    std::size_t depth = 0;
    std::size_t offset = 0;
    bool in_string = false;
    for (; offset < text.size(); ++offset) {
      const char c = text[offset];
      if (in_string) {
        if (c == '\\') {
          ++offset;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if ((c == '[' || c == '{') && ++depth > core::limits::kMaxJsonDepth) {
        break;
      } else if (c == ']' || c == '}') {
        --depth;
      }
    }
    return core::fail(ErrorCode::LimitExceeded,
                      "{}: JSON nesting must be at most {} levels deep (a limit of "
                      "docs/limits.md)",
                      locate(text, where, offset), core::limits::kMaxJsonDepth);
  }
  if (!ok) {
    return core::fail(ErrorCode::InvalidData, "{}: malformed JSON: {}",
                      locate(text, where, handler.position() > 0 ? handler.position() - 1 : 0),
                      handler.problem());
  }
  return j;
}

core::Result<Json> read_json_file(const std::string& path) {
  const std::string text =
      KETAPATH_TRY(core::read_text_file(path, core::limits::kMaxJsonFileBytes, "a JSON file"));
  return parse_json(text, path);
}

std::string describe_json(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      return fmt::format("an object of {} keys", j.size());
    case Json::value_t::array:
      return fmt::format("an array of {} values", j.size());
    case Json::value_t::string:
      return fmt::format("\"{}\"", core::excerpt(j.get_ref<const std::string&>()));
    case Json::value_t::null:
      return "null";
    default:
      return j.dump();  // a scalar: a number or a boolean, short
  }
}

}  // namespace ketapath::clinic
