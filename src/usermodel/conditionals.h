#pragma once
// The statements of a code block, with NM-TRAN's conditionals lowered to plain assignments:
//
//   IF (SEX.EQ.1) TVCL = TVCL * 0.8                 one line
//   IF (WT.GT.100) THEN ... ELSE IF (...) THEN ... ELSE ... ENDIF   blocks, nested
//
// Each assignment under a condition becomes NAME = (guard) ? (expression) : NAME, where the guard
// is the conjunction of the enclosing conditions (and of the negations of the earlier branches of
// an ELSE IF chain). muparser and the compiled $DES then run straight-line code.
//
// Two rules keep the meaning unambiguous, each refused with the line and the name:
// - A name assigned under a condition needs a value when the condition is false. It must be
//   assigned before the IF, or in every branch of an IF that has an ELSE; in that case it starts
//   at 0, which every path overwrites. NONMEM would silently keep the value from the previous
//   record; Ketapath refuses instead.
// - A condition may not read a name that its own block assigns: the guard is evaluated again at
//   every assignment, so it must not change inside the block.
// Comparisons may be written .EQ. .NE. .GT. .GE. .LT. .LE. .AND. .OR. (expressions.h rewrites
// them to muparser's operators everywhere).

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "usermodel/definition.h"

namespace ketapath::usermodel {

/// One line of a code block with its comment removed, and its line number in the model file.
struct CodeLine {
  std::string text;
  std::size_t line = 0;
};

/// The block's statements in order, conditionals lowered. Errors (InvalidData) read
/// "FILE:LINE: KEY: problem", as the model file's other errors do.
core::Result<std::vector<Statement>> lower_code(std::span<const CodeLine> lines,
                                                std::string_view file, std::string_view key,
                                                std::size_t max_statements);

}  // namespace ketapath::usermodel
