#include "usermodel/model_file.h"

#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/limits.h"
#include "core/text_file.h"
#include "pk/model.h"
#include "usermodel/batch_source.h"
#include "usermodel/conditionals.h"

namespace ketapath::usermodel {
namespace {

constexpr std::size_t kMaxStatements = 2000;
constexpr std::size_t kMaxEtas = 64;

class Reader {
 public:
  Reader(std::string_view text, std::string_view origin) : text_(text), origin_(origin) {}

  core::Result<Definition> read() {
    toml::table root;
    try {
      root = toml::parse(text_, origin_);
    } catch (const toml::parse_error& e) {
      return core::fail(core::ErrorCode::InvalidData, "{}:{}: {}", origin_, e.source().begin.line,
                        e.description());
    }
    Definition d;
    d.file = origin_;
    KETAPATH_TRY(model(root, d));
    KETAPATH_TRY(thetas(root, d));
    KETAPATH_TRY(covariates(root, d));
    KETAPATH_TRY(omega(root, d));
    KETAPATH_TRY(sigma(root, d));
    d.pk = KETAPATH_TRY(code(root, "pk", true));
    d.structure.des = KETAPATH_TRY(code(root, "des", !d.structure.compartments.empty()));
    if (d.structure.compartments.empty() && !d.structure.des.empty())
      return fail(root, "des", "a des block needs model.compartments (an ODE model)");
    KETAPATH_TRY(des_solver(root, d));
    KETAPATH_TRY(output(root, d));
    return d;
  }

 private:
  std::size_t line_of(const toml::node* node) const {
    return node == nullptr ? 0 : node->source().begin.line;
  }

  template <class... Args>
  std::unexpected<core::Error> fail_at(std::size_t line, std::string_view key,
                                       fmt::format_string<Args...> format, Args&&... args) const {
    return core::fail(core::ErrorCode::InvalidData, "{}:{}: {}: {}", origin_, line, key,
                      fmt::format(format, std::forward<Args>(args)...));
  }

  std::unexpected<core::Error> fail(const toml::table& t, std::string_view key,
                                    std::string_view problem) const {
    return fail_at(line_of(t.at_path(key).node()), key, "{}", problem);
  }

  core::Result<std::string> string(const toml::node_view<const toml::node> node,
                                   std::string_view key, bool required) const {
    if (!node) {
      if (required)
        return fail_at(0, key, "is missing");
      return std::string();
    }
    if (const auto* s = node.as_string())
      return s->get();
    return fail_at(line_of(node.node()), key, "must be a string");
  }

  core::Result<double> number(const toml::node_view<const toml::node> node,
                              std::string_view key) const {
    double value = NAN;
    if (const auto* f = node.as_floating_point())
      value = f->get();
    else if (const auto* i = node.as_integer())
      value = static_cast<double>(i->get());
    else
      return fail_at(line_of(node.node()), key, "must be a number");
    if (!std::isfinite(value))
      return fail_at(line_of(node.node()), key, "must be a finite number (got {})", value);
    return value;
  }

  core::Status model(const toml::table& root, Definition& d) const {
    const auto m = root["model"];
    if (!m.is_table())
      return fail_at(0, "model", "the [model] table is missing");
    d.name = KETAPATH_TRY(string(m["name"], "model.name", true));
    d.description = KETAPATH_TRY(string(m["description"], "model.description", false));
    d.structure.catalogue = KETAPATH_TRY(string(m["structure"], "model.structure", false));
    if (const auto* list = m["compartments"].as_array()) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto* name = list->get(i)->as_string();
        if (name == nullptr)
          return fail_at(line_of(list), "model.compartments", "item {} must be a string", i + 1);
        d.structure.compartments.push_back(name->get());
      }
      if (d.structure.compartments.empty() || d.structure.compartments.size() > 64)
        return fail_at(line_of(list), "model.compartments", "must list 1 to 64 compartments");
    }
    if (d.structure.catalogue.empty() == d.structure.compartments.empty()) {
      return fail_at(line_of(m.node()), "model",
                     "give either structure (a catalogue model: `ketapath models`) or "
                     "compartments with a des block (an ODE model), not {}",
                     d.structure.catalogue.empty() ? "neither" : "both");
    }
    if (!d.structure.catalogue.empty()) {
      const pk::ModelSpec* spec = pk::find_model(d.structure.catalogue);
      if (spec == nullptr && d.structure.catalogue != kBatchStructure)
        return fail_at(line_of(m["structure"].node()), "model.structure",
                       "\"{}\" is not a catalogue model (see `ketapath models`) or {}",
                       d.structure.catalogue, kBatchStructure);
    }
    if (m["dose_compartment"]) {
      const double dose = KETAPATH_TRY(number(m["dose_compartment"], "model.dose_compartment"));
      if (d.structure.compartments.empty() || dose != std::floor(dose) || dose < 1 ||
          dose > static_cast<double>(d.structure.compartments.size()))
        return fail_at(line_of(m["dose_compartment"].node()), "model.dose_compartment",
                       "must be a compartment number of an ODE model, 1 to {} (got {})",
                       d.structure.compartments.size(), dose);
      d.structure.dose_compartment = static_cast<int>(dose);
    }
    return {};
  }

  core::Status thetas(const toml::table& root, Definition& d) const {
    const auto* list = root["theta"].as_array();
    if (list == nullptr)
      return root["theta"] ? fail(root, "theta", "must be an array of tables ([[theta]])")
                           : core::Status{};
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto* t = list->get(i)->as_table();
      const std::string key = fmt::format("theta[{}]", i + 1);
      if (t == nullptr)
        return fail_at(line_of(list->get(i)), key, "must be a table");
      const toml::node_view<const toml::node> view(t);
      Theta theta;
      theta.where = {origin_, line_of(t)};
      theta.name = KETAPATH_TRY(string(view["name"], key + ".name", true));
      if (!view["value"])
        return fail_at(line_of(t), key + ".value", "is missing");
      theta.value = KETAPATH_TRY(number(view["value"], key + ".value"));
      theta.unit = KETAPATH_TRY(string(view["unit"], key + ".unit", true));
      theta.source = KETAPATH_TRY(string(view["source"], key + ".source", true));
      if (theta.source.empty())
        return fail_at(line_of(t), key + ".source",
                       "every parameter carries its source (a citation, or \"assumed: why\")");
      d.thetas.push_back(std::move(theta));
    }
    return {};
  }

  core::Status covariates(const toml::table& root, Definition& d) const {
    const auto* list = root["covariate"].as_array();
    if (list == nullptr)
      return {};
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto* t = list->get(i)->as_table();
      const std::string key = fmt::format("covariate[{}]", i + 1);
      if (t == nullptr)
        return fail_at(line_of(list->get(i)), key, "must be a table");
      const toml::node_view<const toml::node> view(t);
      Covariate c;
      c.where = {origin_, line_of(t)};
      c.name = KETAPATH_TRY(string(view["name"], key + ".name", true));
      c.unit = KETAPATH_TRY(string(view["unit"], key + ".unit", true));
      d.covariates.push_back(std::move(c));
    }
    return {};
  }

  core::Status omega(const toml::table& root, Definition& d) const {
    const auto o = root["omega"];
    if (!o) {
      d.omega = Eigen::MatrixXd(0, 0);
      return {};
    }
    const auto* etas = o["etas"].as_array();
    if (etas == nullptr || etas->empty() || etas->size() > kMaxEtas)
      return fail_at(line_of(o.node()), "omega.etas", "must list 1 to {} ETA names", kMaxEtas);
    for (std::size_t i = 0; i < etas->size(); ++i) {
      const auto* name = etas->get(i)->as_string();
      if (name == nullptr)
        return fail_at(line_of(etas), "omega.etas", "item {} must be a string", i + 1);
      d.etas.push_back(name->get());
    }
    const auto n = static_cast<Eigen::Index>(d.etas.size());
    d.omega = Eigen::MatrixXd::Zero(n, n);
    const bool block = static_cast<bool>(o["block"]);
    if (block == static_cast<bool>(o["diagonal"]))
      return fail_at(line_of(o.node()), "omega",
                     "give either diagonal = [variances] or block = [lower triangle, row by row]");
    const std::string key = block ? "omega.block" : "omega.diagonal";
    const auto* values = o[block ? "block" : "diagonal"].as_array();
    const std::size_t expected = block ? d.etas.size() * (d.etas.size() + 1) / 2 : d.etas.size();
    if (values == nullptr || values->size() != expected)
      return fail_at(line_of(o.node()), key, "must hold {} numbers for {} ETAs", expected,
                     d.etas.size());
    std::size_t k = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = block ? 0 : i; j <= i; ++j) {
        const double v =
            KETAPATH_TRY(number(toml::node_view<const toml::node>(values->get(k++)), key));
        d.omega(i, j) = v;
        d.omega(j, i) = v;
      }
    }
    Eigen::LLT<Eigen::MatrixXd> llt(d.omega);
    if (llt.info() != Eigen::Success || (d.omega.diagonal().array() <= 0.0).any())
      return fail_at(line_of(values), key,
                     "OMEGA is not positive definite (every variance > 0, |correlations| < 1)");
    d.omega_source = KETAPATH_TRY(string(o["source"], "omega.source", true));
    return {};
  }

  core::Status sigma(const toml::table& root, Definition& d) const {
    const auto s = root["sigma"];
    if (!s)
      return {};
    if (s["proportional"])
      d.sigma_proportional = KETAPATH_TRY(number(s["proportional"], "sigma.proportional"));
    if (s["additive"])
      d.sigma_additive = KETAPATH_TRY(number(s["additive"], "sigma.additive"));
    if (d.sigma_proportional < 0.0 || d.sigma_additive < 0.0)
      return fail_at(line_of(s.node()), "sigma", "variances must be >= 0 (got {} and {})",
                     d.sigma_proportional, d.sigma_additive);
    d.sigma_source = KETAPATH_TRY(string(s["source"], "sigma.source", true));
    return {};
  }

  core::Status output(const toml::table& root, Definition& d) const {
    const auto o = root["output"];
    d.dv_unit = KETAPATH_TRY(string(o["dv_unit"], "output.dv_unit", false));
    if (o["ipred"]) {
      const std::string text = KETAPATH_TRY(string(o["ipred"], "output.ipred", true));
      d.ipred = Statement{"IPRED", text, {origin_, line_of(o["ipred"].node())}};
    } else if (!d.structure.compartments.empty()) {
      return fail_at(line_of(o.node()), "output.ipred",
                     "an ODE model states its prediction, e.g. ipred = \"A(2)/V\"");
    }
    return {};
  }

  /// Statements of a code block: one `NAME = expression` per line; `;` and `#` start comments.
  core::Status des_solver(const toml::table& root, Definition& d) const {
    const auto node = root["des"]["solver"];
    if (!node)
      return {};
    const std::string text = KETAPATH_TRY(string(node, "des.solver", true));
    const auto method = pk::parse_ode_method(text);
    if (!method) {
      return fail_at(line_of(node.node()), "des.solver",
                     "\"{}\" is not a solver (auto, bdf or dopri5)", text);
    }
    d.structure.ode_method = *method;
    return {};
  }

  core::Result<std::vector<Statement>> code(const toml::table& root, std::string_view block,
                                            bool required) const {
    const auto node = root[block]["code"];
    const std::string key = fmt::format("{}.code", block);
    if (!node) {
      if (required)
        return fail_at(0, key, "is missing ([{}] with code = '''...''')", block);
      return std::vector<Statement>{};
    }
    const std::string text = KETAPATH_TRY(string(node, key, true));
    std::size_t line = line_of(node.node());
    // A multi-line string that opens with a newline starts on the next line.
    if (line > 0 && opens_with_newline(line))
      ++line;
    std::vector<CodeLine> content;
    std::istringstream lines(text);
    std::string raw;
    for (; std::getline(lines, raw); ++line) {
      std::string code_part = raw.substr(0, raw.find_first_of(";#"));
      if (code_part.find_first_not_of(" \t\r") == std::string::npos)
        continue;
      content.push_back({std::move(code_part), line});
    }
    // NM-TRAN's IF ... THEN ... ELSE ... ENDIF become plain assignments (conditionals.h).
    std::vector<Statement> out = KETAPATH_TRY(lower_code(content, origin_, key, kMaxStatements));
    if (required && out.empty())
      return fail_at(line_of(node.node()), key, "has no statements");
    return out;
  }

  static std::string trim(std::string_view s) {
    const std::size_t a = s.find_first_not_of(" \t\r");
    if (a == std::string_view::npos)
      return {};
    const std::size_t b = s.find_last_not_of(" \t\r");
    return std::string(s.substr(a, b - a + 1));
  }

  bool opens_with_newline(std::size_t line) const {
    std::size_t start = 0;
    for (std::size_t l = 1; l < line && start != std::string_view::npos; ++l) {
      start = text_.find('\n', start);
      if (start != std::string_view::npos)
        ++start;
    }
    if (start == std::string_view::npos)
      return false;
    const std::size_t end = text_.find('\n', start);
    const std::string_view row =
        text_.substr(start, end == std::string_view::npos ? end : end - start);
    for (std::string_view quote : {"'''", "\"\"\""}) {
      const std::size_t at = row.find(quote);
      if (at != std::string_view::npos)
        return row.substr(at + 3).find_first_not_of(" \t\r") == std::string_view::npos;
    }
    return false;
  }

  std::string_view text_;
  std::string origin_;
};

}  // namespace

core::Result<Definition> parse_model_file(std::string_view text, std::string_view origin) {
  return Reader(text, origin).read();
}

core::Result<Definition> read_model_file(const std::filesystem::path& path) {
  const std::string content = KETAPATH_TRY(
      core::read_text_file(path, core::limits::kMaxTomlFileBytes, "a user model file"));
  return parse_model_file(content, path.string());
}

}  // namespace ketapath::usermodel
