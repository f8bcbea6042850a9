// Model TOML files (io::parse_model), what `predict`, `simulate`, `trial` and `population` load.
// A `base` names another model: it is looked up in the source tree's models/ only.
#include "fuzz/fuzz_support.h"
#include "io/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  static const io::DataDirectories dirs{{KETAPATH_SOURCE_DIR}};
  constexpr std::string_view kOrigin = "fuzz.toml";
  const auto model = io::parse_model(fuzz::as_text(data, size), kOrigin, dirs);
  if (!model) {
    fuzz::check_refusal(model.error(), kOrigin);
  }
  return 0;
}
