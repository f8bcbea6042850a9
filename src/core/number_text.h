#pragma once
// Numbers as people read them in messages, letters and dose derivations: one helper for every
// module (it used to live in the clinic's dose calculator).

#include <string>
#include <utility>

namespace ketapath::core {

/// A number for display: at most `decimals` decimals, no trailing zeros ("35", "52.5", "0.75").
std::string display_number(double value, int decimals = 2);

/// A value and the limit it is compared with, shown with as many decimals (from `decimals`, up to
/// 9) as it takes for different numbers to look different: 1.5004 against 1.5 gives "1.5004" and
/// "1.5", never "1.5 exceeds 1.5".
std::pair<std::string, std::string> distinct_numbers(double value, double limit, int decimals = 3);

}  // namespace ketapath::core
