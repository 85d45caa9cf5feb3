// Fuzz target: the n2p2 scaling.data reader and the scaling maps of every
// mode must either succeed or throw slhmc::Error. The first input byte picks
// the number of symmetry functions per element (the model's shape).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/n2p2_scaling.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slhmc::nnp::n2p2;
  if (size < 1) return 0;
  const std::vector<std::size_t> counts{static_cast<std::size_t>(data[0] % 4 + 1),
                                        static_cast<std::size_t>((data[0] / 4) % 3)};
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const auto stats = parse_scaling_data(text, "fuzz.data", counts);
    for (const auto& list : stats)
      for (const auto& st : list)
        for (int m = 0; m <= 4; ++m) {
          try {
            const SfScaling sc = make_scaling(static_cast<ScalingMode>(m), -1.0, 1.0, st, "fuzz");
            (void)sc.apply(0.5);
            (void)sc.extrapolates(0.5);
          } catch (const slhmc::Error&) {
          }
        }
  } catch (const slhmc::Error&) {
  }
  return 0;
}
