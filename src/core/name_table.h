#pragma once
// Enum <-> text: one table per enum, read in both directions so that printing and parsing can
// never disagree. Every enum with a text form (route, sex, agent, the clinic's statuses and
// roles) keeps its names in one NameTable and prints and parses through name_of / value_of:
//
//   constexpr core::NameTable<Role, 2> kRoles{{{Role::Admin, "admin"}, {Role::Nurse, "nurse"}}};
//   name_of(kRoles, Role::Nurse)          -> "nurse"
//   value_of(kRoles, "NURSE", "role")     -> Role::Nurse (ASCII case ignored)
//   value_of(kRoles, "boss", "role")      -> InvalidArgument
//                                            "role: \"boss\" is not one of admin, nurse"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "core/check.h"
#include "core/error.h"
#include "core/text.h"

namespace ketapath::core {

template <class E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

/// The name of `value`; "?" for a value the table lacks (a bug: tables list every enumerator).
template <class E, std::size_t N>
[[nodiscard]] constexpr std::string_view name_of(const NameTable<E, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) {
      return name;
    }
  }
  return "?";
}

/// The names, in table order: "admin, nurse".
template <class E, std::size_t N>
[[nodiscard]] std::string name_list(const NameTable<E, N>& table) {
  std::string out;
  for (const auto& [e, name] : table) {
    out += out.empty() ? "" : ", ";
    out += name;
  }
  return out;
}

/// The value named `text` (ASCII case ignored); InvalidArgument naming `what`, an excerpt of the
/// text and the accepted names otherwise.
template <class E, std::size_t N>
[[nodiscard]] Result<E> value_of(const NameTable<E, N>& table, std::string_view text,
                                 std::string_view what) {
  const std::string key = ascii_lower(text);
  for (const auto& [e, name] : table) {
    if (key == ascii_lower(name)) {
      return e;
    }
  }
  return fail(ErrorCode::InvalidArgument, "{}: \"{}\" is not one of {}", what, excerpt(text),
              name_list(table));
}

}  // namespace ketapath::core
