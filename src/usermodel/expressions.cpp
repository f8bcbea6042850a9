#include "usermodel/expressions.h"

#include <cmath>
#include <limits>
#include <regex>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <muParser.h>

#include "pk/model.h"
#include "usermodel/translate.h"

namespace ketapath::usermodel {
namespace {

/// NM-TRAN spellings to muparser's: THETA(2) -> THETA_2, ** -> ^, .EQ. -> ==, /= -> !=, ...
std::string rewrite(const std::string& text) {
  static const std::regex indexed(R"(\b(THETA|ETA|A|DADT)\s*\(\s*([0-9]+)\s*\))");
  static const std::pair<std::regex, const char*> fortran[] = {
      {std::regex(R"(\.EQ\.)", std::regex::icase), " == "},
      {std::regex(R"(\.NE\.)", std::regex::icase), " != "},
      {std::regex(R"(\.GE\.)", std::regex::icase), " >= "},
      {std::regex(R"(\.GT\.)", std::regex::icase), " > "},
      {std::regex(R"(\.LE\.)", std::regex::icase), " <= "},
      {std::regex(R"(\.LT\.)", std::regex::icase), " < "},
      {std::regex(R"(\.AND\.)", std::regex::icase), " && "},
      {std::regex(R"(\.OR\.)", std::regex::icase), " || "},
      {std::regex(R"(/=)"), " != "}};
  std::string named = std::regex_replace(text, indexed, "$1_$2");
  if (named.find('.') != std::string::npos || named.find("/=") != std::string::npos) {
    for (const auto& [pattern, replacement] : fortran)
      named = std::regex_replace(named, pattern, replacement);
  }
  std::string out;
  out.reserve(named.size());
  for (std::size_t i = 0; i < named.size(); ++i) {
    if (named[i] == '*' && i + 1 < named.size() && named[i + 1] == '*') {
      out += '^';
      ++i;
    } else {
      out += named[i];
    }
  }
  return out;
}

}  // namespace

struct Program::Compiled {
  struct Line {
    std::size_t target = 0;
    std::unique_ptr<mu::Parser> parser;
    const Statement* source = nullptr;
  };

  std::vector<Line> pk;
  std::vector<Line> des;
  std::optional<Line> ipred;
};

Program::Program() = default;
Program::~Program() = default;

namespace {

class Compiler {
 public:
  explicit Compiler(const Definition& d) : d_(d) {}

  core::Result<Layout> layout() {
    Layout l;
    std::size_t next = 0;
    l.thetas = next;
    for (const Theta& t : d_.thetas) {
      KETAPATH_TRY(add(t.name, next, t.where));
      KETAPATH_TRY(add(fmt::format("THETA_{}", &t - d_.thetas.data() + 1), next++, t.where));
    }
    l.covariates = next;
    for (const Covariate& c : d_.covariates)
      KETAPATH_TRY(add(c.name, next++, c.where));
    l.etas = next;
    for (std::size_t k = 0; k < d_.etas.size(); ++k) {
      KETAPATH_TRY(add(d_.etas[k], next, {d_.file, 0}));
      KETAPATH_TRY(add(fmt::format("ETA_{}", k + 1), next++, {d_.file, 0}));
    }
    const pk::ModelSpec* catalogue =
        d_.structure.catalogue.empty() ? nullptr : pk::find_model(d_.structure.catalogue);
    l.compartments =
        catalogue != nullptr ? catalogue->compartments.size() : d_.structure.compartments.size();
    l.amounts = next;
    for (std::size_t n = 1; n <= l.compartments; ++n)
      KETAPATH_TRY(add(fmt::format("A_{}", n), next++, {d_.file, 0}));
    l.derivatives = next;
    for (std::size_t n = 1; n <= l.compartments; ++n)
      KETAPATH_TRY(add(fmt::format("DADT_{}", n), next++, {d_.file, 0}));
    l.time = next;
    if (!d_.structure.compartments.empty()) {
      // NM-TRAN's T: the time (h, the data set's clock), readable in $DES.
      if (symbols_.contains("T")) {
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: \"T\" is the time in des (as in NM-TRAN): rename the THETA, "
                          "covariate or ETA called T",
                          d_.file);
      }
      KETAPATH_TRY(add("T", next++, {d_.file, 0}));
    }
    l.pk = next;
    for (const Statement& s : d_.pk) {
      if (!symbols_.contains(s.target)) {
        KETAPATH_TRY(add(s.target, next++, s.where));
        l.pk_targets.push_back(s.target);
      } else if (!is_pk_target(l, s.target)) {
        return error(s, "pk",
                     fmt::format("\"{}\" is a {} and cannot be assigned", s.target,
                                 kind_of(l, symbols_[s.target])));
      }
    }
    l.des = next;
    for (const Statement& s : d_.structure.des) {
      const std::string target = rewrite(s.target);
      if (target.starts_with("DADT_"))
        continue;
      if (!symbols_.contains(target)) {
        KETAPATH_TRY(add(target, next++, s.where));
        l.des_targets.push_back(target);
      } else if (symbols_[target] < l.des) {
        return error(s, "des",
                     fmt::format("\"{}\" is a {} and cannot be assigned in des", target,
                                 kind_of(l, symbols_[target])));
      }
    }
    l.size = next;
    return l;
  }

  /// Compiles one block; `visible` are the slots readable before its first statement.
  core::Status block(std::string_view name, std::span<const Statement> statements,
                     std::set<std::size_t> visible, double* slots, const Layout& l,
                     std::vector<Program::Compiled::Line>& out) {
    for (const Statement& s : statements) {
      const std::string target = rewrite(s.target);
      auto found = symbols_.find(target);
      if (found == symbols_.end())
        return error(s, name, fmt::format("\"{}\" cannot be assigned here", s.target));
      Program::Compiled::Line line{found->second, make_parser(slots), &s};
      KETAPATH_TRY(parse(*line.parser, s, name, visible, l));
      visible.insert(found->second);
      out.push_back(std::move(line));
    }
    return {};
  }

  core::Status parse(mu::Parser& parser, const Statement& s, std::string_view block,
                     const std::set<std::size_t>& visible, const Layout& l) {
    try {
      parser.SetExpr(rewrite(s.expression));
      for (const auto& [name, pointer] : parser.GetUsedVar()) {
        const auto found = symbols_.find(name);
        if (found == symbols_.end()) {
          return error(s, block,
                       fmt::format("unknown symbol \"{}\" (not a THETA, covariate, ETA, "
                                   "amount or earlier assignment)",
                                   name));
        }
        if (name == "T")
          reads_time_ = true;
        if (!visible.contains(found->second)) {
          return error(s, block,
                       fmt::format("\"{}\" is used before it is assigned, or is a {} that {} "
                                   "cannot read",
                                   name, kind_of(l, found->second), block));
        }
      }
      parser.Eval();  // compiles to byte code now, so the first run is not the one that throws
    } catch (const mu::Parser::exception_type& e) {
      return error(s, block, e.GetMsg());
    }
    return {};
  }

  std::unique_ptr<mu::Parser> make_parser(double* slots) {
    auto parser = std::make_unique<mu::Parser>();
    for (const NmtranFunction& f : nmtran_functions())
      parser->DefineFun(std::string(f.name), f.evaluate);
    if (slots != nullptr) {
      for (const auto& [name, slot] : symbols_)
        parser->DefineVar(name, slots + slot);
    }
    return parser;
  }

  std::unexpected<core::Error> error(const Statement& s, std::string_view block,
                                     std::string_view problem) {
    return core::fail(core::ErrorCode::InvalidData, "{}:{}: {}: \"{} = {}\": {}", s.where.file,
                      s.where.line, block, s.target, s.expression, problem);
  }

  [[nodiscard]] const std::map<std::string, std::size_t>& symbols() const { return symbols_; }

  /// Whether a statement parsed since the last call read T; resets.
  bool take_reads_time() { return std::exchange(reads_time_, false); }

  /// $DES as C++ (Program::des_source), or the reason it cannot be.
  core::Result<std::string> des_cpp(std::span<const Statement> statements) const {
    const SlotOf slot_of = [this](std::string_view name) -> std::optional<std::size_t> {
      const auto found = symbols_.find(std::string(name));
      if (found == symbols_.end())
        return std::nullopt;
      return found->second;
    };
    std::string body;
    for (const Statement& s : statements) {
      auto expression = to_cpp(rewrite(s.expression), slot_of);
      if (!expression) {
        return core::fail(expression.error().code, "{}:{}: des: {}", s.where.file, s.where.line,
                          expression.error().message);
      }
      body +=
          fmt::format("  // line {}\n  v = {};\n  if (!std::isfinite(v)) return 0;\n  s[{}] = v;\n",
                      s.where.line, *expression, symbols_.at(rewrite(s.target)));
    }
    return fmt::format(
        "// $DES of a Ketapath user model, generated (usermodel/translate.h).\n{}"
        "extern \"C\" int ketapath_des(double* s) {{\n  double v = 0.0;\n{}"
        "  return 1;\n}}\n",
        cpp_prelude(), body);
  }

 private:
  core::Status add(const std::string& name, std::size_t slot, const SourceLine& where) {
    static const std::regex valid("[A-Za-z][A-Za-z0-9_]*");
    if (!std::regex_match(name, valid)) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}:{}: \"{}\" is not a valid name (a letter, then letters, digits or _)",
                        where.file, where.line, name);
    }
    // muparser refuses names of its functions, operators and constants (exp, sin, pi, _e, ...);
    // ask it here, where the file line of the definition is known.
    try {
      double probe = 0.0;
      probe_parser().DefineVar(name, &probe);
      probe_parser().RemoveVar(name);
    } catch (const mu::Parser::exception_type& e) {
      return core::fail(core::ErrorCode::InvalidData,
                        "{}:{}: \"{}\" cannot name a variable: {} (choose another name)",
                        where.file, where.line, name, e.GetMsg());
    }
    if (!symbols_.emplace(name, slot).second) {
      return core::fail(core::ErrorCode::InvalidData, "{}:{}: \"{}\" is defined twice", where.file,
                        where.line, name);
    }
    return {};
  }

  static bool is_pk_target(const Layout& l, const std::string& name) {
    return std::find(l.pk_targets.begin(), l.pk_targets.end(), name) != l.pk_targets.end();
  }

  static std::string_view kind_of(const Layout& l, std::size_t slot) {
    if (slot < l.covariates)
      return "THETA";
    if (slot < l.etas)
      return "covariate";
    if (slot < l.amounts)
      return "ETA";
    if (slot < l.derivatives)
      return "compartment amount";
    if (slot < l.time)
      return "derivative";
    if (slot < l.pk)
      return "time (T)";
    if (slot < l.des)
      return "pk variable";
    return "des variable";
  }

  /// A parser with the functions every statement's parser has, to test names against.
  mu::Parser& probe_parser() {
    if (probe_ == nullptr)
      probe_ = make_parser(nullptr);
    return *probe_;
  }

  const Definition& d_;
  bool reads_time_ = false;
  std::map<std::string, std::size_t> symbols_;
  std::unique_ptr<mu::Parser> probe_;
};

/// A statement's value; NaN if muparser throws (it checks everything at compile time, but no
/// exception may cross CVODE's C frames, which call $DES).
double evaluate(mu::Parser& parser) noexcept {
  try {
    return parser.Eval();
  } catch (...) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}

std::set<std::size_t> range(std::size_t from, std::size_t to) {
  std::set<std::size_t> out;
  for (std::size_t i = from; i < to; ++i)
    out.insert(i);
  return out;
}

}  // namespace

core::Result<std::unique_ptr<Program>> Program::compile(const Definition& definition) {
  std::unique_ptr<Program> program(new Program());
  program->compiled_ = std::make_unique<Compiled>();
  Compiler compiler(definition);
  program->layout_ = KETAPATH_TRY(compiler.layout());
  const Layout& l = program->layout_;
  program->slots_ = std::make_unique<double[]>(l.size);
  double* slots = program->slots_.get();
  for (std::size_t i = 0; i < definition.thetas.size(); ++i)
    slots[l.thetas + i] = definition.thetas[i].value;

  // $PK reads THETAs, covariates and ETAs; $DES also the amounts and $PK's variables; IPRED
  // reads everything but the derivatives and $DES intermediates.
  KETAPATH_TRY(
      compiler.block("pk", definition.pk, range(0, l.amounts), slots, l, program->compiled_->pk));
  std::set<std::size_t> des_visible = range(0, l.derivatives);
  for (std::size_t i = l.time; i < l.des; ++i)
    des_visible.insert(i);  // T and $PK's variables
  compiler.take_reads_time();
  KETAPATH_TRY(compiler.block("des", definition.structure.des, des_visible, slots, l,
                              program->compiled_->des));
  program->layout_.des_reads_time = compiler.take_reads_time();
  if (!definition.structure.compartments.empty()) {
    std::set<std::size_t> assigned;
    for (const auto& line : program->compiled_->des)
      assigned.insert(line.target);
    for (std::size_t n = 0; n < l.compartments; ++n) {
      if (!assigned.contains(l.derivatives + n)) {
        return core::fail(core::ErrorCode::InvalidData,
                          "{}: des: DADT({}) (compartment {}) is never assigned", definition.file,
                          n + 1, definition.structure.compartments[n]);
      }
    }
  }
  if (!definition.structure.des.empty()) {
    if (auto source = compiler.des_cpp(definition.structure.des))
      program->des_source_ = std::move(*source);
    else
      program->des_problem_ = source.error().message;
  }
  if (definition.ipred) {
    // IPRED is an output, not a slot: its line has no target.
    Compiled::Line line{0, compiler.make_parser(slots), &*definition.ipred};
    KETAPATH_TRY(compiler.parse(*line.parser, *definition.ipred, "ipred", des_visible, l));
    program->compiled_->ipred = std::move(line);
  }
  return program;
}

core::Status Program::run_pk() {
  double* slots = slots_.get();
  for (const auto& line : compiled_->pk) {
    const double value = evaluate(*line.parser);
    if (!std::isfinite(value)) {
      return core::fail(core::ErrorCode::InvalidData, "{}:{}: pk: \"{} = {}\" gives {}",
                        line.source->where.file, line.source->where.line, line.source->target,
                        line.source->expression, value);
    }
    slots[line.target] = value;
  }
  return {};
}

bool Program::run_des() {
  double* slots = slots_.get();
  if (native_des_ != nullptr)
    return native_des_(slots) != 0;
  for (const auto& line : compiled_->des) {
    const double value = evaluate(*line.parser);
    if (!std::isfinite(value))
      return false;
    slots[line.target] = value;
  }
  return true;
}

bool Program::has_ipred() const {
  return compiled_->ipred.has_value();
}

double Program::run_ipred() {
  return evaluate(*compiled_->ipred->parser);
}

}  // namespace ketapath::usermodel
