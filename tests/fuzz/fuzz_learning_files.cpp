// Fuzz target: what walkers and a trainer read from a shared directory — a
// sample shard, a model MANIFEST and the trainer's ledger of counted samples —
// must either parse or throw slhmc::Error; never crash, hang or over-allocate.
#include <cstddef>
#include <cstdint>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/transport/directory/directory_transport.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "slhmc/learning/sample_ledger.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto samples = slhmc::learning::parse_shard(bytes, "fuzz-shard");
    (void)slhmc::learning::format_shard(samples);
  } catch (const slhmc::Error&) {
  }
  try {
    (void)slhmc::learning::parse_samples(bytes, "fuzz-samples");
  } catch (const slhmc::Error&) {
  }
  try {
    (void)slhmc::learning::parse_model_manifest(bytes, "fuzz-manifest");
  } catch (const slhmc::Error&) {
  }
  try {
    const auto ledger = slhmc::learning::SampleLedger::parse(bytes, "fuzz-ledger");
    (void)ledger.contains_all("a", 0, 3);
  } catch (const slhmc::Error&) {
  }
  return 0;
}
