// Fuzz target: the n2p2 input.nn parser (all three topology dialects) and the
// symmetry functions built from what it accepts must either succeed or throw
// slhmc::Error — never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/n2p2_settings.hpp"
#include "slhmc/nnp/n2p2_symmetry_functions.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slhmc::nnp::n2p2;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (TopologyDialect d : {TopologyDialect::unspecified, TopologyDialect::v2_3_0, TopologyDialect::master}) {
    try {
      const Settings s = parse_input_nn(text, "fuzz.nn", d);
      // A fixed small environment: two neighbours of every element.
      Environment env;
      for (std::size_t e = 0; e < s.elements.size() && e < 8; ++e) {
        env.add({0.9 + 0.1 * double(e), 0.2, 0.1}, slhmc::norm(slhmc::Vec3{0.9 + 0.1 * double(e), 0.2, 0.1}),
                static_cast<int>(e), s.elements[e]);
        env.add({-0.3, 1.1, 0.4 + 0.2 * double(e)}, slhmc::norm(slhmc::Vec3{-0.3, 1.1, 0.4 + 0.2 * double(e)}),
                static_cast<int>(e), s.elements[e]);
      }
      std::vector<slhmc::Vec3> grad(env.size());
      for (const auto& list : s.sfs)
        for (const auto& spec : list) {
          const SymmetryFunction sf(spec, s.cutoff_type, s.cutoff_alpha);
          sf.evaluate(env, 1.0, grad.data());
        }
    } catch (const slhmc::Error&) {
    }
  }
  return 0;
}
