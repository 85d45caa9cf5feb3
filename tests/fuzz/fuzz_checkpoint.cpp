// Fuzz target: the checkpoint parser must either give a consistent checkpoint
// or throw slhmc::Error. Inputs are tried as they are (mostly stopped by the
// checksum) and resealed with a correct checksum line, so that the parser
// behind it is reached; accepted checkpoints are written back and re-read.
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/sampling/checkpoint.hpp"

namespace {

void exercise(const std::string& text) {
  slhmc::sampling::Checkpoint c;
  try {
    c = slhmc::sampling::parse_checkpoint(text, "fuzz.checkpoint");
  } catch (const slhmc::Error&) {
    return;
  }
  if (c.state.reference.forces.size() != c.state.frame.size()) std::abort();
  if (!c.state.momenta.empty() && c.state.momenta.size() != c.state.frame.size()) std::abort();
  try {
    const std::string again = slhmc::sampling::serialize_checkpoint(c);
    const auto d = slhmc::sampling::parse_checkpoint(again, "fuzz-rewritten.checkpoint");
    if (d.state.trials != c.state.trials || d.model_version != c.model_version || d.model_file != c.model_file)
      std::abort();
  } catch (const slhmc::Error&) {
    std::abort();  // what we wrote must read back
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  exercise(bytes);
  const std::size_t last = bytes.rfind("checksum ");
  std::string body = last == std::string::npos ? bytes : bytes.substr(0, last);
  if (!body.empty() && body.back() != '\n') body += '\n';
  char sum[64];
  std::snprintf(sum, sizeof sum, "checksum %016" PRIx64 "\n", slhmc::fnv1a64(body));
  exercise(body + sum);
  return 0;
}
