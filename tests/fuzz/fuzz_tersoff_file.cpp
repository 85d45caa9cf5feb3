// Fuzz target: the LAMMPS .tersoff parser, and the provider built from what it
// accepts, must either succeed or throw slhmc::Error — never crash, hang or
// read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/forces/classical/tersoff.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto params = slhmc::parse_tersoff_file(text, "fuzz.tersoff");
    auto provider = slhmc::make_tersoff(std::move(params), 1.0, "fuzz.tersoff");
    (void)provider->cutoff();
  } catch (const slhmc::Error&) {
  }
  return 0;
}
