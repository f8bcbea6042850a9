#pragma once
// The expressions of a user model, compiled by muparser (Debian libmuparser-dev) into byte code
// bound to one block of double slots: evaluating a block is a handful of byte-code runs with no
// lookups and no allocation. The language is muparser's (+ - * / ^, comparisons, && ||, c ? a : b,
// exp log sqrt abs min max ...) with NM-TRAN spellings accepted: THETA(n) ETA(n) A(n) DADT(n)
// for THETA_n ETA_n A_n DADT_n, ** for ^, EXP LOG LOG10 SQRT ABS SIN COS TAN ASIN ACOS ATAN in
// capitals, and .EQ. .NE. .GT. .GE. .LT. .LE. .AND. .OR. /= for the comparisons. LOG is the
// natural logarithm, as in NM-TRAN.
//
// A Program is not thread-safe (the slots are its state); UserModel keeps a pool of them.

#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "usermodel/definition.h"

namespace ketapath::usermodel {

/// Slot layout of a compiled model: where each symbol's value lives.
struct Layout {
  std::size_t thetas = 0;       ///< first theta slot
  std::size_t covariates = 0;   ///< first covariate slot
  std::size_t etas = 0;         ///< first ETA slot
  std::size_t amounts = 0;      ///< first A(n) slot
  std::size_t derivatives = 0;  ///< first DADT(n) slot
  std::size_t time = 0;         ///< T, the time in $DES (ODE models; == pk otherwise)
  bool des_reads_time = false;  ///< some $DES statement reads T
  std::size_t pk = 0;           ///< first $PK target slot
  std::size_t des = 0;          ///< first $DES intermediate slot
  std::size_t size = 0;
  std::vector<std::string> pk_targets;   ///< in first-assignment order
  std::vector<std::string> des_targets;  ///< $DES intermediates (not DADT)
  std::size_t compartments = 0;
};

class Program {
 public:
  /// Compiles every block of `definition` and checks every symbol: each name read is a THETA, a
  /// covariate, an ETA, an amount (in $DES and IPRED), or assigned by an earlier statement; each
  /// DADT(1..n) of an ODE model is assigned. Errors (InvalidData) name the file, line and symbol:
  /// `two_cmt.toml:21: pk: "CL = TVCL*(WTT/70)": unknown symbol "WTT"`.
  static core::Result<std::unique_ptr<Program>> compile(const Definition& definition);

  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  ~Program();

  [[nodiscard]] const Layout& layout() const { return layout_; }

  /// The slots every expression reads and writes; thetas are filled by compile.
  [[nodiscard]] std::span<double> slots() { return {slots_.get(), layout_.size}; }

  /// Runs $PK on the current slots (covariates and ETAs set by the caller). Errors (InvalidData)
  /// name the statement when a value is not finite: `... CL = ...: is NaN`.
  core::Status run_pk();
  /// Runs $DES: reads A(n), writes DADT(n). Returns false when a derivative is not finite.
  /// Runs the compiled function when one is set (use_native_des), muparser otherwise.
  bool run_des();

  /// $DES as a C++17 translation unit defining extern "C" int ketapath_des(double* slots), with
  /// the same meaning as run_des (translate.h); empty when the model has no $DES or a statement
  /// cannot be translated (des_translation_problem() says which).
  [[nodiscard]] const std::string& des_source() const { return des_source_; }

  [[nodiscard]] const std::string& des_translation_problem() const { return des_problem_; }

  /// From now on run_des calls `function` (native_des.h) on the slots.
  void use_native_des(int (*function)(double* slots)) { native_des_ = function; }

  /// IPRED from the current slots (the ipred expression). Requires has_ipred().
  double run_ipred();
  [[nodiscard]] bool has_ipred() const;

  struct Compiled;  ///< the parsers (defined in expressions.cpp)

 private:
  Program();
  Layout layout_;
  std::unique_ptr<double[]> slots_;
  std::unique_ptr<Compiled> compiled_;
  std::string des_source_;
  std::string des_problem_;
  int (*native_des_)(double*) = nullptr;
};

}  // namespace ketapath::usermodel
