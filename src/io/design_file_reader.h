#pragma once
// Internal to io/design_file*.cpp: typed access to a TOML table that remembers which keys were
// read, so unknown keys can be reported, and formats every error as
// "<origin>:<line>: <key path>: <problem> (got <value>)".

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/error.h"
#include "trial/design.h"

namespace ketapath::io::detail {

/// The value as written ("abc" quoted, numbers, "a table", "an array").
std::string describe_node(const toml::node& node);

class TableReader {
 public:
  /// `scales`: the model's scales that scale names in this table resolve against.
  TableReader(const toml::table& table, std::string_view origin, std::string path,
              std::span<const pd::ScaleDefinition> scales);

  [[nodiscard]] bool has(std::string_view key) const;
  /// Marks `key` read and returns its node (nullptr when absent).
  const toml::node* node(std::string_view key);

  core::Result<std::optional<double>> number(std::string_view key);
  core::Result<double> number_or(std::string_view key, double fallback);
  core::Result<double> required_number(std::string_view key);
  core::Result<std::optional<int>> integer(std::string_view key);
  core::Result<std::optional<std::string>> text(std::string_view key);
  core::Result<std::string> required_text(std::string_view key);
  core::Result<std::optional<std::vector<double>>> numbers(std::string_view key);
  core::Result<std::optional<std::vector<int>>> integers(std::string_view key);
  core::Result<std::optional<std::vector<std::string>>> texts(std::string_view key);
  /// A sub-table (nullptr when absent; error when the key holds something else).
  core::Result<const toml::table*> table(std::string_view key);
  /// An array of tables (empty when absent).
  core::Result<std::vector<const toml::table*>> tables(std::string_view key);

  /// InvalidData for the first key that was never read.
  core::Status finish() const;

  /// An error about `key` of this table: "<origin>:<line>: <path>.<key>: <problem>".
  [[nodiscard]] core::Error error(std::string_view key, std::string_view problem) const;
  /// Where `key` is, as a field for core::check_range: "d.toml:22: endpoints[0].within_h".
  [[nodiscard]] std::string place(std::string_view key) const;
  /// "<path>.<key>" (or just key at the top level).
  [[nodiscard]] std::string key_path(std::string_view key) const;

  [[nodiscard]] std::string_view origin() const { return origin_; }

  [[nodiscard]] std::span<const pd::ScaleDefinition> scales() const { return scales_; }

 private:
  [[nodiscard]] std::size_t line_of(std::string_view key) const;
  const toml::table& table_;
  std::string_view origin_;
  std::string path_;
  std::span<const pd::ScaleDefinition> scales_;
  std::set<std::string, std::less<>> read_;
};

/// The anxiety scale `name` of the reader's scales; InvalidData at `key` naming the model's
/// anxiety scales otherwise.
core::Result<const pd::ScaleDefinition*> anxiety_scale(TableReader& r, std::string_view key,
                                                       const std::string& name);

/// A [responder] table (also used inside enrichment and endpoint metrics).
core::Result<trial::ResponderRule> parse_responder(const toml::table& table,
                                                   std::string_view origin, std::string path,
                                                   std::span<const pd::ScaleDefinition> scales);

/// One [[endpoints]] table.
core::Result<trial::Endpoint> parse_endpoint(const toml::table& table, std::string_view origin,
                                             std::string path,
                                             std::span<const pd::ScaleDefinition> scales);

/// Session selectors from `sessions = [..]` or `weeks = [..]` (empty when neither is given).
core::Result<std::vector<trial::SessionSelector>> parse_session_list(TableReader& reader);

}  // namespace ketapath::io::detail
