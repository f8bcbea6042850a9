#pragma once
// muparser expressions translated to C++, for the compiled $DES (native_des.h). The translation
// keeps muparser's meaning exactly where C++ differs: ^ is a right-associative power that binds
// tighter than a leading minus (-2^2 = -4, 2^-1^2 = 0.5); < <= > >= == != share one precedence,
// left to right, and give 1 or 0; && binds tighter than ||; c ? a : b takes any non-zero c (NaN
// included) as true; sign, rint (floor(x + 0.5)), min, max, sum, avg and the constants _pi and
// _e are muparser's.
// It only sees expressions muparser has already accepted (Program::compile checks every one), so
// it may accept more than muparser does; anything it does not know it refuses, and the model then
// runs $DES on muparser.

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ketapath::usermodel {

/// A function NM-TRAN spells in capitals (EXP, LOG, SIN, ...), which the model language adds to
/// muparser's own: its name, the C++ the compiled code calls, and what muparser calls. The one
/// list: Program defines these in muparser, to_cpp translates them.
struct NmtranFunction {
  std::string_view name;
  std::string_view cpp;
  double (*evaluate)(double);
};

std::span<const NmtranFunction> nmtran_functions();

/// The slot of a variable, or nullopt when the name is not one.
using SlotOf = std::function<std::optional<std::size_t>(std::string_view name)>;

/// A C++ expression over `s[k]` (the slots) for a muparser expression. Errors name what cannot be
/// translated (an unknown function, an unexpected character).
core::Result<std::string> to_cpp(std::string_view expression, const SlotOf& slot_of);

/// The helper functions the translated expressions call (kp_sign, kp_rint, kp_min, ...), as C++
/// source to put before them.
std::string_view cpp_prelude();

}  // namespace ketapath::usermodel
