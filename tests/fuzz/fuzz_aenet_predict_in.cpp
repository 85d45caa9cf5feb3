// Fuzz target: the aenet predict.in parser must either succeed or throw
// slhmc::Error — never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/aenet_predict_in.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    slhmc::nnp::parse_aenet_predict_in(text, "fuzz.in", "/base");
  } catch (const slhmc::Error&) {
  }
  return 0;
}
