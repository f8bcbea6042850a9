#include "usermodel/translate.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <muParser.h>

namespace ketapath::usermodel {
namespace {

struct Function {
  std::string_view name;
  std::string_view cpp;
  int arity;  // -1: one or more arguments
};

// muparser's built-in functions (the NM-TRAN capitals are nmtran_functions()).
constexpr std::array kFunctions{
    Function{"sin", "std::sin", 1},     Function{"cos", "std::cos", 1},
    Function{"tan", "std::tan", 1},     Function{"asin", "std::asin", 1},
    Function{"acos", "std::acos", 1},   Function{"atan", "std::atan", 1},
    Function{"sinh", "std::sinh", 1},   Function{"cosh", "std::cosh", 1},
    Function{"tanh", "std::tanh", 1},   Function{"asinh", "std::asinh", 1},
    Function{"acosh", "std::acosh", 1}, Function{"atanh", "std::atanh", 1},
    Function{"log2", "std::log2", 1},   Function{"log10", "std::log10", 1},
    Function{"log", "std::log", 1},     Function{"ln", "std::log", 1},
    Function{"exp", "std::exp", 1},     Function{"sqrt", "std::sqrt", 1},
    Function{"abs", "std::fabs", 1},    Function{"sign", "kp_sign", 1},
    Function{"rint", "kp_rint", 1},     Function{"min", "kp_min", -1},
    Function{"max", "kp_max", -1},      Function{"sum", "kp_sum", -1},
    Function{"avg", "kp_avg", -1},
};

// muparser's own value of its constants (2.3.3 has _pi = 3.141592653589, to 12 decimals): the
// compiled code computes what the interpreted code does.
double muparser_constant(std::string_view name) {
  mu::Parser parser;
  parser.SetExpr(std::string(name));
  return parser.Eval();
}

class Translator {
 public:
  Translator(std::string_view text, const SlotOf& slot_of) : text_(text), slot_of_(slot_of) {}

  core::Result<std::string> run() {
    std::string out = KETAPATH_TRY(ternary());
    skip();
    if (pos_ != text_.size())
      return refuse("unexpected \"{}\"", text_.substr(pos_, 8));
    return out;
  }

 private:
  template <class... Args>
  std::unexpected<core::Error> refuse(fmt::format_string<Args...> format, Args&&... args) const {
    return core::fail(core::ErrorCode::InvalidData, "cannot translate to C++: {}",
                      fmt::format(format, std::forward<Args>(args)...));
  }

  void skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }

  bool take(std::string_view token) {
    skip();
    if (text_.substr(pos_, token.size()) != token)
      return false;
    pos_ += token.size();
    return true;
  }

  // Depth guard: nesting is bounded by the statement length, but keep the stack small anyway.
  core::Status enter() {
    if (++depth_ > 200)
      return refuse("nested more than 200 deep");
    return {};
  }

  core::Result<std::string> ternary() {
    KETAPATH_TRY(enter());
    std::string condition = KETAPATH_TRY(logical_or());
    if (take("?")) {
      std::string yes = KETAPATH_TRY(ternary());
      if (!take(":"))
        return refuse("\"?\" without \":\"");
      std::string no = KETAPATH_TRY(ternary());
      condition = fmt::format("(({}) != 0.0 ? ({}) : ({}))", condition, yes, no);
    }
    --depth_;
    return condition;
  }

  // || over && over the comparisons; muparser takes any non-zero value (NaN too) as true.
  template <class Next>
  core::Result<std::string> logical(std::string_view op, Next next) {
    std::string left = KETAPATH_TRY(next());
    while (take(op)) {
      std::string right = KETAPATH_TRY(next());
      left = fmt::format("((({}) != 0.0 {} ({}) != 0.0) ? 1.0 : 0.0)", left, op, right);
    }
    return left;
  }

  core::Result<std::string> logical_or() {
    return logical("||", [this] { return logical_and(); });
  }

  core::Result<std::string> logical_and() {
    return logical("&&", [this] { return comparison(); });
  }

  core::Result<std::string> comparison() {
    std::string left = KETAPATH_TRY(additive());
    for (;;) {
      std::string_view op;
      for (std::string_view candidate : {"<=", ">=", "==", "!=", "<", ">"}) {
        if (take(candidate)) {
          op = candidate;
          break;
        }
      }
      if (op.empty())
        return left;
      std::string right = KETAPATH_TRY(additive());
      left = fmt::format("(({}) {} ({}) ? 1.0 : 0.0)", left, op, right);
    }
  }

  // One left-associative level of two single-character operators over the next level; "&&"
  // and "||" never reach here, since the operators are single characters.
  template <class Next>
  core::Result<std::string> level(char first, char second, Next next) {
    std::string left = KETAPATH_TRY(next());
    for (;;) {
      skip();
      if (pos_ >= text_.size() || (text_[pos_] != first && text_[pos_] != second))
        return left;
      const char op = text_[pos_++];
      std::string right = KETAPATH_TRY(next());
      left = fmt::format("({} {} {})", left, op, right);
    }
  }

  core::Result<std::string> additive() {
    return level('+', '-', [this] { return multiplicative(); });
  }

  core::Result<std::string> multiplicative() {
    return level('*', '/', [this] { return unary(); });
  }

  // A leading sign applies to the whole power: -2^2 = -(2^2); also an exponent's own sign.
  core::Result<std::string> unary() {
    KETAPATH_TRY(enter());
    std::string out;
    if (take("-")) {
      out = fmt::format("(-{})", KETAPATH_TRY(unary()));
    } else if (take("+")) {
      out = KETAPATH_TRY(unary());
    } else {
      out = KETAPATH_TRY(power());
    }
    --depth_;
    return out;
  }

  // Right-associative, and the exponent may carry its own sign: 2^-1^2 = 2^(-(1^2)).
  core::Result<std::string> power() {
    std::string base = KETAPATH_TRY(primary());
    if (take("^")) {
      std::string exponent = KETAPATH_TRY(unary());  // its own sign: 2^-1^2 = 2^(-(1^2))
      return fmt::format("std::pow({}, {})", base, exponent);
    }
    return base;
  }

  core::Result<std::string> primary() {
    skip();
    if (pos_ >= text_.size())
      return refuse("the expression ends early");
    const char c = text_[pos_];
    if (take("(")) {
      std::string inner = KETAPATH_TRY(ternary());
      if (!take(")"))
        return refuse("unbalanced parenthesis");
      return fmt::format("({})", inner);
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.')
      return number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_')
      return name();
    return refuse("unexpected \"{}\"", c);
  }

  core::Result<std::string> number() {
    // std::from_chars: the C locale's decimal point whatever the process locale is.
    double value = 0.0;
    const char* first = text_.data() + pos_;
    const auto [end, error] = std::from_chars(first, text_.data() + text_.size(), value);
    if (error != std::errc() || !std::isfinite(value))
      return refuse("bad number at \"{}\"", text_.substr(pos_, 8));
    pos_ += static_cast<std::size_t>(end - first);
    // Hexadecimal floating point: the exact double muparser read.
    return fmt::format("({:a})", value);
  }

  core::Result<std::string> name() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    const std::string_view id = text_.substr(start, pos_ - start);
    skip();
    if (pos_ < text_.size() && text_[pos_] == '(')
      return call(id);
    if (id == "_pi" || id == "_e")
      return fmt::format("({:a})", muparser_constant(id));
    const auto slot = slot_of_(id);
    if (!slot)
      return refuse("unknown name \"{}\"", id);
    return fmt::format("s[{}]", *slot);
  }

  core::Result<std::string> call(std::string_view id) {
    std::optional<Function> f;
    for (const Function& candidate : kFunctions)
      if (candidate.name == id)
        f = candidate;
    for (const NmtranFunction& capital : nmtran_functions())
      if (capital.name == id)
        f = Function{capital.name, capital.cpp, 1};
    if (!f)
      return refuse("unknown function \"{}\"", id);
    take("(");
    std::vector<std::string> args;
    if (!take(")")) {
      do {
        args.push_back(KETAPATH_TRY(ternary()));
      } while (take(","));
      if (!take(")"))
        return refuse("unbalanced parenthesis after {}(", id);
    }
    if (args.empty() || (f->arity > 0 && std::ssize(args) != f->arity))
      return refuse("{} takes {} argument(s), not {}", id, f->arity, args.size());
    return fmt::format("{}({})", f->cpp, fmt::join(args, ", "));
  }

  std::string_view text_;
  const SlotOf& slot_of_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

constexpr NmtranFunction kCapitals[] = {
    {"EXP", "std::exp",
     [](double x) {
       return std::exp(x);
     }},
    {"LOG", "std::log",
     [](double x) {
       return std::log(x);
     }},
    {"LOG10", "std::log10",
     [](double x) {
       return std::log10(x);
     }},
    {"SQRT", "std::sqrt",
     [](double x) {
       return std::sqrt(x);
     }},
    {"ABS", "std::fabs",
     [](double x) {
       return std::fabs(x);
     }},
    {"SIN", "std::sin",
     [](double x) {
       return std::sin(x);
     }},
    {"COS", "std::cos",
     [](double x) {
       return std::cos(x);
     }},
    {"TAN", "std::tan",
     [](double x) {
       return std::tan(x);
     }},
    {"ASIN", "std::asin",
     [](double x) {
       return std::asin(x);
     }},
    {"ACOS", "std::acos",
     [](double x) {
       return std::acos(x);
     }},
    {"ATAN", "std::atan",
     [](double x) {
       return std::atan(x);
     }},
};

}  // namespace

std::span<const NmtranFunction> nmtran_functions() {
  return kCapitals;
}

core::Result<std::string> to_cpp(std::string_view expression, const SlotOf& slot_of) {
  return Translator(expression, slot_of).run();
}

std::string_view cpp_prelude() {
  // muparser's definitions (muParserTemplateMagic.h, muParser.cpp): min and max fold with
  // std::min/std::max from the first argument; rint rounds half up.
  return R"(#include <algorithm>
#include <cmath>
namespace {
inline double kp_sign(double v) { return v < 0.0 ? -1.0 : (v > 0.0 ? 1.0 : 0.0); }
inline double kp_rint(double v) { return std::floor(v + 0.5); }
inline double kp_min(double a) { return a; }
template <class... R> inline double kp_min(double a, double b, R... r) {
  return kp_min(std::min(a, b), r...);
}
inline double kp_max(double a) { return a; }
template <class... R> inline double kp_max(double a, double b, R... r) {
  return kp_max(std::max(a, b), r...);
}
template <class... R> inline double kp_sum(R... r) { return (0.0 + ... + r); }
template <class... R> inline double kp_avg(R... r) { return kp_sum(r...) / sizeof...(r); }
}  // namespace
)";
}

}  // namespace ketapath::usermodel
