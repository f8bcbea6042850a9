#pragma once
// Internals shared by the NM-TRAN reader and writer (not part of io's public API).

#include <array>
#include <cstddef>
#include <string_view>

namespace ketapath::io::detail {

/// The standard NM-TRAN data items, in the writer's column order.
enum class Item : std::size_t { Id, Time, Amt, Rate, Cmt, Evid, Mdv, Dv, Ii, Addl, Ss };

inline constexpr std::size_t kItemCount = 11;

/// Upper-case column names of the items (the header is matched case-insensitively).
inline constexpr std::array<std::string_view, kItemCount> kItemNames = {
    "ID", "TIME", "AMT", "RATE", "CMT", "EVID", "MDV", "DV", "II", "ADDL", "SS"};

}  // namespace ketapath::io::detail
