// Fuzz target: the xsf reader (and the writer on what it reads) either
// succeeds with consistent frames or throws slhmc::Error.
#include "structure_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return slhmc::fuzz::fuzz_structure(data, size, slhmc::StructureFormat::xsf);
}
