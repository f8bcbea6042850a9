// Trial design TOML files (io::parse_design, which also validates), what `trial` and
// `population` load.
#include "fuzz/fuzz_support.h"
#include "io/design_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  constexpr std::string_view kOrigin = "fuzz.toml";
  const auto design = io::parse_design(fuzz::as_text(data, size), kOrigin);
  if (!design) {
    fuzz::check_refusal(design.error(), kOrigin);
  }
  return 0;
}
