#include "io/design_file_reader.h"

#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "core/check.h"

namespace ketapath::io::detail {

std::string describe_node(const toml::node& node) {
  // Bounded: a message quotes a short excerpt of the input, never all of it.
  constexpr std::size_t kMaxShown = 80;
  std::ostringstream out;
  if (const auto* s = node.as_string()) {
    out << '"' << core::excerpt(s->get()) << '"';
  } else if (const auto* a = node.as_array()) {
    out << '[';
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (out.tellp() > static_cast<std::streamoff>(kMaxShown)) {
        out << ", ... (" << a->size() << " values)";
        break;
      }
      out << (i > 0 ? ", " : "") << describe_node(*a->get(i));
    }
    out << ']';
  } else if (const auto* f = node.as_floating_point()) {
    out << fmt::format("{}", f->get());  // shortest round-trip form: 0.1, not 0.10000000000000001
  } else {
    node.visit([&out](const auto& v) {
      if constexpr (toml::is_value<decltype(v)>) {
        out << v;
      } else {
        out << "a table";
      }
    });
  }
  return out.str();
}

TableReader::TableReader(const toml::table& table, std::string_view origin, std::string path,
                         std::span<const pd::ScaleDefinition> scales)
    : table_(table), origin_(origin), path_(std::move(path)), scales_(scales) {}

bool TableReader::has(std::string_view key) const {
  return table_.contains(key);
}

const toml::node* TableReader::node(std::string_view key) {
  read_.insert(std::string(key));
  return table_.get(key);
}

std::string TableReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

std::size_t TableReader::line_of(std::string_view key) const {
  const toml::node* n = table_.get(key);
  const auto& src = n != nullptr ? n->source() : table_.source();
  return src.begin.line;
}

core::Error TableReader::error(std::string_view key, std::string_view problem) const {
  return core::Error{core::ErrorCode::InvalidData, fmt::format("{}: {}", place(key), problem)};
}

std::string TableReader::place(std::string_view key) const {
  const std::size_t line = line_of(key);
  const std::string where = line > 0 ? fmt::format("{}:{}", origin_, line) : std::string(origin_);
  return fmt::format("{}: {}", where, key_path(key));
}

namespace {

std::optional<double> as_number(const toml::node& n) {
  if (const auto* f = n.as_floating_point()) {
    return f->get();
  }
  if (const auto* i = n.as_integer()) {
    return static_cast<double>(i->get());
  }
  return std::nullopt;
}

}  // namespace

core::Result<std::optional<double>> TableReader::number(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    return std::optional<double>{};
  }
  const auto v = as_number(*n);
  if (!v || !std::isfinite(*v)) {
    return std::unexpected(
        error(key, fmt::format("must be a finite number (got {})", describe_node(*n))));
  }
  return v;
}

core::Result<double> TableReader::number_or(std::string_view key, double fallback) {
  const auto v = KETAPATH_TRY(number(key));
  return v.value_or(fallback);
}

core::Result<double> TableReader::required_number(std::string_view key) {
  const auto v = KETAPATH_TRY(number(key));
  if (!v) {
    return std::unexpected(error(key, "is required"));
  }
  return *v;
}

core::Result<std::optional<int>> TableReader::integer(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    return std::optional<int>{};
  }
  const auto* i = n->as_integer();
  if (i == nullptr || i->get() < -1'000'000'000 || i->get() > 1'000'000'000) {
    return std::unexpected(
        error(key, fmt::format("must be an integer (got {})", describe_node(*n))));
  }
  return std::optional<int>(static_cast<int>(i->get()));
}

core::Result<std::optional<std::string>> TableReader::text(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    return std::optional<std::string>{};
  }
  const auto* s = n->as_string();
  if (s == nullptr) {
    return std::unexpected(error(key, fmt::format("must be a string (got {})", describe_node(*n))));
  }
  return std::optional<std::string>(s->get());
}

core::Result<std::string> TableReader::required_text(std::string_view key) {
  auto v = KETAPATH_TRY(text(key));
  if (!v || v->empty()) {
    return std::unexpected(error(key, "is required (a non-empty string)"));
  }
  return *v;
}

core::Result<std::optional<std::vector<double>>> TableReader::numbers(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    return std::optional<std::vector<double>>{};
  }
  const auto* a = n->as_array();
  std::vector<double> out;
  if (a != nullptr) {
    for (const toml::node& item : *a) {
      const auto v = as_number(item);
      if (!v || !std::isfinite(*v)) {
        break;
      }
      out.push_back(*v);
    }
  }
  if (a == nullptr || out.size() != a->size()) {
    return std::unexpected(
        error(key, fmt::format("must be an array of numbers (got {})", describe_node(*n))));
  }
  return std::optional(std::move(out));
}

core::Result<std::optional<std::vector<int>>> TableReader::integers(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    return std::optional<std::vector<int>>{};
  }
  const auto* a = n->as_array();
  std::vector<int> out;
  if (a != nullptr) {
    for (const toml::node& item : *a) {
      const auto* i = item.as_integer();
      if (i == nullptr || i->get() < -1'000'000 || i->get() > 1'000'000) {
        break;
      }
      out.push_back(static_cast<int>(i->get()));
    }
  }
  if (a == nullptr || out.size() != a->size()) {
    return std::unexpected(
        error(key, fmt::format("must be an array of integers (got {})", describe_node(*n))));
  }
  return std::optional(std::move(out));
}

core::Result<std::optional<std::vector<std::string>>> TableReader::texts(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    return std::optional<std::vector<std::string>>{};
  }
  const auto* a = n->as_array();
  std::vector<std::string> out;
  if (a != nullptr) {
    for (const toml::node& item : *a) {
      const auto* s = item.as_string();
      if (s == nullptr) {
        break;
      }
      out.push_back(s->get());
    }
  }
  if (a == nullptr || out.size() != a->size()) {
    return std::unexpected(
        error(key, fmt::format("must be an array of strings (got {})", describe_node(*n))));
  }
  return std::optional(std::move(out));
}

core::Result<const toml::table*> TableReader::table(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    return static_cast<const toml::table*>(nullptr);
  }
  const auto* t = n->as_table();
  if (t == nullptr) {
    return std::unexpected(error(key, fmt::format("must be a table (got {})", describe_node(*n))));
  }
  return t;
}

core::Result<std::vector<const toml::table*>> TableReader::tables(std::string_view key) {
  const toml::node* n = node(key);
  std::vector<const toml::table*> out;
  if (n == nullptr) {
    return out;
  }
  const auto* a = n->as_array();
  if (a != nullptr) {
    for (const toml::node& item : *a) {
      if (item.as_table() == nullptr) {
        break;
      }
      out.push_back(item.as_table());
    }
  }
  if (a == nullptr || out.size() != a->size()) {
    return std::unexpected(
        error(key, fmt::format("must be an array of tables (got {})", describe_node(*n))));
  }
  return out;
}

core::Status TableReader::finish() const {
  for (const auto& [key, value] : table_) {
    if (!read_.contains(key.str())) {
      return std::unexpected(error(key.str(), "unknown key"));
    }
  }
  return {};
}

}  // namespace ketapath::io::detail
