// Fuzz target: the aenet `.nn` readers (binary and ASCII) and the descriptor
// and network construction from what they accept must either succeed or throw
// slhmc::Error — never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/aenet_descriptor.hpp"
#include "slhmc/nnp/aenet_file.hpp"

namespace {

void exercise(const slhmc::nnp::AenetNetFile& f) {
  const slhmc::nnp::Network net = f.network();
  std::vector<double> x(net.num_inputs(), 0.1), g(net.num_inputs());
  net.evaluate(x, g);
  for (int version : {0, 1}) {
    try {
      const auto d = slhmc::nnp::make_aenet_descriptor(f, version, version);  // v1 with forced moments
      slhmc::nnp::AenetEnvironment env;
      env.r = {{1.0, 0.2, 0.1}, {-0.3, 1.1, 0.4}};
      env.d = {slhmc::norm(env.r[0]), slhmc::norm(env.r[1])};
      env.type = {0, 0};
      std::vector<double> G(d->size()), gG(d->size(), 1.0);
      std::vector<slhmc::Vec3> h(2);
      d->compute(env, G);
      d->backprop(env, gG, h);
      std::vector<double> g(d->size());
      d->evaluate(env, G, g, [](std::span<const double>, std::span<double> out) {
        for (double& x : out) x = 0.5;
      }, h);
    } catch (const slhmc::Error&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    exercise(slhmc::nnp::parse_aenet_nn_binary(bytes, "fuzz.nn"));
  } catch (const slhmc::Error&) {
  }
  try {
    exercise(slhmc::nnp::parse_aenet_nn_ascii(bytes, "fuzz.nn.ascii"));
  } catch (const slhmc::Error&) {
  }
  return 0;
}
