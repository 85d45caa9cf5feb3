// Fuzz target: the native model reader must either succeed or throw
// slhmc::Error. Inputs are tried as they are (mostly stopped by the checksum)
// and resealed with a correct checksum line, so that the metadata and section
// parsers behind the checksum are reached; accepted models are written back,
// re-read and built into an evaluator.
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/nnp/native_model.hpp"

namespace {

void exercise(const std::string& text) {
  try {
    slhmc::nnp::NativeModel m = slhmc::nnp::parse_native_model(text, "fuzz.slhmc-nnp");
    const std::string again = slhmc::nnp::format_native_model(m.species, m.metadata);
    slhmc::nnp::parse_native_model(again, "fuzz-rewritten.slhmc-nnp");
    slhmc::nnp::make_native_model(std::move(m), "fuzz.slhmc-nnp");
  } catch (const slhmc::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  exercise(bytes);
  const std::size_t last = bytes.rfind("checksum fnv1a64 ");
  std::string body = last == std::string::npos ? bytes : bytes.substr(0, last);
  if (!body.empty() && body.back() != '\n') body += '\n';
  char sum[64];
  std::snprintf(sum, sizeof sum, "checksum fnv1a64 %016" PRIx64 "\n", slhmc::fnv1a64(body));
  exercise(body + sum);
  return 0;
}
