#include "usermodel/conditionals.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <regex>
#include <set>

#include <fmt/format.h>

namespace ketapath::usermodel {
namespace {

constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxGuard = 4000;  // characters of one combined condition

struct Node;

struct Branch {
  std::optional<std::string> condition;  // none: ELSE
  std::size_t line = 0;
  std::vector<Node> body;
};

struct Node {
  // An assignment (branches empty) or an IF (branches not empty).
  std::string target;
  std::string expression;
  std::size_t line = 0;
  std::vector<Branch> branches;
};

std::string trim(std::string_view s) {
  const std::size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string_view::npos)
    return {};
  const std::size_t b = s.find_last_not_of(" \t\r");
  return std::string(s.substr(a, b - a + 1));
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

/// Position of the assignment '=' (not part of ==, <=, >=, !=, /=), or npos.
std::size_t assignment(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=')
      continue;
    const char before = i > 0 ? s[i - 1] : ' ';
    const char after = i + 1 < s.size() ? s[i + 1] : ' ';
    if (after == '=' || before == '<' || before == '>' || before == '!' || before == '=' ||
        before == '/') {
      ++i;
      continue;
    }
    return i;
  }
  return std::string_view::npos;
}

/// The names an expression reads (THETA(n) and friends as THETA; the Fortran operators .EQ. ...
/// are not names).
std::set<std::string> names_in(std::string_view text) {
  static const std::regex name(R"([A-Za-z_][A-Za-z0-9_]*)");
  static const std::regex fortran(R"(\.[A-Za-z]+\.)");
  std::set<std::string> out;
  const std::string s = std::regex_replace(std::string(text), fortran, " ");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), name); it != std::sregex_iterator(); ++it)
    out.insert(it->str());
  return out;
}

std::string base_name(const std::string& target) {
  const std::size_t paren = target.find('(');
  return paren == std::string::npos ? target : target.substr(0, paren);
}

class Lowering {
 public:
  Lowering(std::span<const CodeLine> lines, std::string_view file, std::string_view key,
           std::size_t max_statements)
      : lines_(lines), file_(file), key_(key), max_statements_(max_statements) {}

  core::Result<std::vector<Statement>> run() {
    std::vector<Node> nodes = KETAPATH_TRY(parse_body(0, 0));
    if (next_ < lines_.size())
      return fail(lines_[next_].line, "\"{}\" without an open IF", trim(lines_[next_].text));
    std::set<std::string> assigned;
    KETAPATH_TRY(emit(nodes, "", assigned));
    return std::move(out_);
  }

 private:
  template <class... Args>
  std::unexpected<core::Error> fail(std::size_t line, fmt::format_string<Args...> format,
                                    Args&&... args) const {
    return core::fail(core::ErrorCode::InvalidData, "{}:{}: {}: {}", file_, line, key_,
                      fmt::format(format, std::forward<Args>(args)...));
  }

  // "IF (cond) rest": the condition and the rest; nullopt when the line is not an IF.
  struct IfLine {
    std::string condition;
    std::string rest;
  };

  std::optional<IfLine> if_line(std::string_view text, std::size_t& error_line) const {
    const std::string t = trim(text);
    if (t.size() < 2 || upper(t.substr(0, 2)) != "IF")
      return std::nullopt;
    std::size_t i = 2;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t'))
      ++i;
    if (i >= t.size() || t[i] != '(')
      return std::nullopt;  // a name starting with IF, such as IFLAG = 1
    int depth = 0;
    for (std::size_t j = i; j < t.size(); ++j) {
      if (t[j] == '(')
        ++depth;
      if (t[j] == ')' && --depth == 0)
        return IfLine{t.substr(i + 1, j - i - 1), trim(t.substr(j + 1))};
    }
    error_line = 1;  // unbalanced: reported by the caller
    return IfLine{};
  }

  static bool is_keyword(std::string_view text, std::string_view keyword) {
    std::string compact;
    for (char c : upper(text))
      if (c != ' ' && c != '\t' && c != '\r')
        compact += c;
    return compact == keyword;
  }

  static bool is_else_if(std::string_view text) {
    static const std::regex pattern(R"(^\s*ELSE\s*IF\s*\()", std::regex::icase);
    return std::regex_search(std::string(text), pattern);
  }

  // Parses lines until ELSE / ELSE IF / ENDIF (left for the caller) or the end.
  core::Result<std::vector<Node>> parse_body(int depth, std::size_t opened_at) {
    if (depth > kMaxDepth)
      return fail(opened_at, "IF blocks are nested more than {} deep", kMaxDepth);
    std::vector<Node> body;
    while (next_ < lines_.size()) {
      const CodeLine& l = lines_[next_];
      if (is_keyword(l.text, "ENDIF") || is_keyword(l.text, "ELSE") || is_else_if(l.text))
        return body;
      std::size_t unbalanced = 0;
      if (auto conditional = if_line(l.text, unbalanced)) {
        if (unbalanced != 0)
          return fail(l.line, "\"{}\": unbalanced parenthesis in the IF", trim(l.text));
        body.push_back(KETAPATH_TRY(parse_if(*conditional, l.line, depth)));
        continue;
      }
      body.push_back(KETAPATH_TRY(parse_assignment(l.text, l.line)));
      ++next_;
    }
    return body;
  }

  core::Result<Node> parse_if(const IfLine& first, std::size_t line, int depth) {
    Node node;
    node.line = line;
    ++next_;
    if (!is_keyword(first.rest, "THEN")) {
      // One line: IF (cond) NAME = expression.
      Branch branch{first.condition, line, {}};
      branch.body.push_back(KETAPATH_TRY(parse_assignment(first.rest, line)));
      node.branches.push_back(std::move(branch));
      return node;
    }
    // Each body is parsed into a local first: KETAPATH_TRY returns from inside its expression, so
    // it must not sit in an aggregate whose other members are already built (they would leak).
    std::vector<Node> first_body = KETAPATH_TRY(parse_body(depth + 1, line));
    node.branches.push_back({first.condition, line, std::move(first_body)});
    for (;;) {
      if (next_ >= lines_.size())
        return fail(line, "IF ... THEN without ENDIF");
      const CodeLine& l = lines_[next_];
      if (is_keyword(l.text, "ENDIF")) {
        ++next_;
        return node;
      }
      if (!node.branches.back().condition)
        return fail(l.line, "\"{}\" after ELSE (expected ENDIF)", trim(l.text));
      if (is_keyword(l.text, "ELSE")) {
        ++next_;
        const std::size_t else_line = l.line;
        std::vector<Node> body = KETAPATH_TRY(parse_body(depth + 1, line));
        node.branches.push_back({std::nullopt, else_line, std::move(body)});
        continue;
      }
      // ELSE IF (cond) THEN, or ELSEIF.
      if (!is_else_if(l.text))
        return fail(l.line, "\"{}\" is not ELSE, ELSE IF (...) THEN or ENDIF", trim(l.text));
      std::string rest = trim(trim(l.text).substr(4));
      std::size_t unbalanced = 0;
      const auto chained = if_line(rest, unbalanced);
      if (!chained || unbalanced != 0 || !is_keyword(chained->rest, "THEN"))
        return fail(l.line, "\"{}\" is not ELSE, ELSE IF (...) THEN or ENDIF", trim(l.text));
      ++next_;
      const std::size_t branch_line = l.line;
      std::string condition = chained->condition;
      std::vector<Node> body = KETAPATH_TRY(parse_body(depth + 1, line));
      node.branches.push_back({std::move(condition), branch_line, std::move(body)});
    }
  }

  core::Result<Node> parse_assignment(std::string_view content, std::size_t line) const {
    static const std::regex target(R"(^\s*([A-Za-z][A-Za-z0-9_]*(\s*\(\s*[0-9]+\s*\))?)\s*$)");
    const std::size_t eq = assignment(content);
    const std::string left(content.substr(0, eq == std::string_view::npos ? 0 : eq));
    std::smatch m;
    if (eq == std::string_view::npos || !std::regex_match(left, m, target))
      return fail(line, "\"{}\" is not an assignment NAME = expression", trim(content));
    std::string name = m[1].str();
    std::erase_if(name, [](char c) { return c == ' ' || c == '\t'; });
    Node node;
    node.target = std::move(name);
    node.expression = trim(content.substr(eq + 1));
    node.line = line;
    return node;
  }

  // Names assigned on every path through `body`.
  static std::set<std::string> covered(const std::vector<Node>& body) {
    std::set<std::string> out;
    for (const Node& n : body) {
      if (n.branches.empty()) {
        out.insert(n.target);
        continue;
      }
      if (n.branches.back().condition)
        continue;  // no ELSE: some path assigns nothing
      std::optional<std::set<std::string>> all;
      for (const Branch& b : n.branches) {
        std::set<std::string> these = covered(b.body);
        if (!all) {
          all = std::move(these);
        } else {
          std::set<std::string> both;
          std::set_intersection(all->begin(), all->end(), these.begin(), these.end(),
                                std::inserter(both, both.begin()));
          all = std::move(both);
        }
      }
      out.insert(all->begin(), all->end());
    }
    return out;
  }

  static void targets_in(const std::vector<Node>& body, std::set<std::string>& out) {
    for (const Node& n : body) {
      if (n.branches.empty())
        out.insert(base_name(n.target));
      for (const Branch& b : n.branches)
        targets_in(b.body, out);
    }
  }

  core::Status push(Statement statement, std::size_t line) {
    if (out_.size() >= max_statements_)
      return fail(line, "has more than {} statements", max_statements_);
    out_.push_back(std::move(statement));
    return {};
  }

  core::Status emit(const std::vector<Node>& body, const std::string& guard,
                    std::set<std::string>& assigned) {
    for (const Node& n : body) {
      if (n.branches.empty()) {
        if (guard.empty()) {
          KETAPATH_TRY(push({n.target, n.expression, {std::string(file_), n.line}}, n.line));
          assigned.insert(n.target);
          continue;
        }
        if (!assigned.contains(n.target)) {
          return fail(n.line,
                      "{} is assigned only under a condition: give it a value before the IF, or "
                      "assign it in every branch of an IF with an ELSE",
                      n.target);
        }
        KETAPATH_TRY(push({n.target,
                           fmt::format("({}) ? ({}) : {}", guard, n.expression, n.target),
                           {std::string(file_), n.line}},
                          n.line));
        continue;
      }
      KETAPATH_TRY(emit_if(n, guard, assigned));
    }
    return {};
  }

  core::Status emit_if(const Node& n, const std::string& guard, std::set<std::string>& assigned) {
    std::set<std::string> inside;
    for (const Branch& b : n.branches)
      targets_in(b.body, inside);
    for (const Branch& b : n.branches) {
      if (!b.condition)
        continue;
      for (const std::string& name : names_in(*b.condition)) {
        if (inside.contains(name)) {
          return fail(b.line,
                      "the condition reads {}, which this IF block assigns: compute the "
                      "condition into a variable before the IF",
                      name);
        }
      }
    }
    // Names every path assigns start at 0, which every path overwrites.
    const Node whole{{}, {}, n.line, n.branches};
    for (const std::string& name : covered({whole})) {
      if (assigned.insert(name).second)
        KETAPATH_TRY(push({name, "0", {std::string(file_), n.line}}, n.line));
    }
    std::string earlier;  // the negations of the branches before this one
    for (const Branch& b : n.branches) {
      std::string mine = earlier;
      if (b.condition)
        mine += (mine.empty() ? "" : " && ") + fmt::format("({})", *b.condition);
      std::string combined = guard;
      if (!mine.empty())
        combined += (combined.empty() ? "" : " && ") + mine;
      if (combined.size() > kMaxGuard)
        return fail(b.line, "the conditions around this line are longer than {} characters",
                    kMaxGuard);
      KETAPATH_TRY(emit(b.body, combined, assigned));
      if (b.condition)
        earlier += (earlier.empty() ? "" : " && ") + fmt::format("(({}) == 0)", *b.condition);
    }
    return {};
  }

  std::span<const CodeLine> lines_;
  std::string_view file_;
  std::string_view key_;
  std::size_t max_statements_;
  std::size_t next_ = 0;
  std::vector<Statement> out_;
};

}  // namespace

core::Result<std::vector<Statement>> lower_code(std::span<const CodeLine> lines,
                                                std::string_view file, std::string_view key,
                                                std::size_t max_statements) {
  return Lowering(lines, file, key, max_statements).run();
}

}  // namespace ketapath::usermodel
