// Subjects files (io::parse_subjects_csv), what `population --subjects-file` loads, read with
// both column sets: the ketamine model's SC columns (unit conversions, WT) and the benchmark's.
// Accepted tables must validate as batch subjects.
#include "fuzz/fuzz_support.h"
#include "io/subjects_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  constexpr std::string_view kOrigin = "fuzz.csv";
  const auto ketamine = population::ketamine_subject_columns(pd::Route::Sc);
  for (const auto columns : {std::span<const population::SubjectColumn>(ketamine),
                             population::benchmark_subject_columns()}) {
    const auto table = io::parse_subjects_csv(fuzz::as_text(data, size), kOrigin, columns,
                                              population::benchmark_typical_subject());
    if (!table) {
      fuzz::check_refusal(table.error(), kOrigin);
    } else if (const auto valid = table->subjects.validate(); !valid) {
      fuzz::finding("accepted subjects that do not validate", valid.error().message);
    }
  }
  return 0;
}
