// Fuzz target: a stream of i-PI messages as either side might receive it.
// Every reader must return or throw slhmc::Error — never crash, read out of
// bounds or allocate what a size field claims before checking it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/engines/ipi_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  using namespace slhmc::ipi;
  const std::int32_t expected_atoms = data[0] % 8;  // what the conversation expects
  BufferSource in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  const AtomicUnits units = AtomicUnits::codata2018();
  try {
    while (in.remaining() > 0) {
      const std::string h = read_header(in);
      if (h == "POSDATA") {
        read_posdata(in, expected_atoms, units);
      } else if (h == "FORCEREADY") {
        read_forceready(in, expected_atoms, units, 4096);
      } else if (h == "INIT") {
        read_init(in, 4096);
      }
    }
  } catch (const slhmc::Error&) {
  }
  return 0;
}
