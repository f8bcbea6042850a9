// NM-TRAN CSV data sets (io::parse_nmtran), what `ketapath simulate --data` reads. An accepted
// data set must also write back and read back to the same text (io::format_nmtran's round-trip
// contract).
#include "io/nmtran.h"

#include <string>

#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ketapath;
  constexpr std::string_view kOrigin = "fuzz.csv";
  const auto parsed = io::parse_nmtran(fuzz::as_text(data, size), kOrigin);
  if (!parsed) {
    fuzz::check_refusal(parsed.error(), kOrigin);
    return 0;
  }
  const std::string written = io::format_nmtran(*parsed);
  const auto again = io::parse_nmtran(written, "written.csv");
  if (!again) {
    fuzz::finding("format_nmtran wrote what parse_nmtran refuses", again.error().message);
  }
  if (io::format_nmtran(*again) != written) {
    fuzz::finding("format_nmtran is not a fixed point", written);
  }
  return 0;
}
