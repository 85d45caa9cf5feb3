// Fuzz target: the LAMMPS .sw parser, and the provider built from what it
// accepts, must either succeed or throw slhmc::Error — never crash, hang or
// read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/forces/classical/stillinger_weber.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto params = slhmc::parse_sw_file(text, "fuzz.sw");
    auto provider = slhmc::make_stillinger_weber(std::move(params), 1.0, "fuzz.sw");
    (void)provider->cutoff();
  } catch (const slhmc::Error&) {
  }
  return 0;
}
