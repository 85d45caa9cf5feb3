// Atomic network kernels against the inference network (nnp::Network, the
// reference that runs a trained model), one test body instantiated for every
// backend: the trainer's per-atom passes (value and input gradient, value
// only), on random networks of every trainable activation and, when
// ../shared is present, the reference aenet networks. Output to 1e-12
// relative, input gradient to 1e-12 of its largest entry.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "consistency_structures.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/nnp/aenet_file.hpp"
#include "slhmc/train/trainable_model.hpp"
#include "train/network_pass.hpp"

using namespace slhmc;
using namespace slhmc::test::consistency;

namespace {

enum class NetworkBackend { trainer_forward_gradient, trainer_forward_value };

std::string backend_name(const testing::TestParamInfo<NetworkBackend>& info) {
  return info.param == NetworkBackend::trainer_forward_gradient ? "TrainerForwardGradient" : "TrainerForwardValue";
}
// Readable parameters in ctest names and failure messages.
void PrintTo(NetworkBackend b, std::ostream* os) { *os << backend_name({b, 0}); }

// y of the backend; fills dy_dx where the backend computes it (returns whether it did).
bool backend_evaluate(NetworkBackend b, const train::SpeciesNetwork& net, const std::vector<double>& params,
                      const std::vector<double>& x, double& y, std::vector<double>& dy_dx) {
  thread_local train::detail::PassScratch scratch;
  const double* w = params.data() + net.offset;
  if (b == NetworkBackend::trainer_forward_gradient) {
    y = train::detail::forward_gradient(net, w, x.data(), dy_dx.data(), scratch);
    return true;
  }
  y = train::detail::forward_value(net, w, x.data(), scratch);
  return false;
}

// Every species network of `model` on random inputs, against nnp::Network from its aenet file.
void expect_networks_agree(NetworkBackend b, const train::TrainableModel& model, const std::string& what) {
  const std::vector<nnp::AenetNetFile> files = model.networks();
  Rng rng(23);
  for (std::size_t s = 0; s < model.num_species(); ++s) {
    const train::SpeciesNetwork& net = model.species(s);
    const nnp::Network reference = files[s].network();
    ASSERT_EQ(reference.num_inputs(), net.num_inputs()) << what;
    const auto n = static_cast<std::size_t>(net.num_inputs());
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<double> x(n), g_ref(n), g(n, 0.0);
      for (double& v : x) v = rng.uniform(-2.0, 2.0);
      const double y_ref = reference.evaluate(x, g_ref);
      double y = 0.0;
      const bool has_gradient = backend_evaluate(b, net, model.parameters(), x, y, g);
      EXPECT_NEAR(y, y_ref, 1e-12 * std::max(1.0, std::abs(y_ref))) << what << " species " << s;
      if (!has_gradient) continue;
      double largest = 0.0;
      for (double v : g_ref) largest = std::max(largest, std::abs(v));
      for (std::size_t k = 0; k < n; ++k)
        EXPECT_NEAR(g[k], g_ref[k], 1e-12 * std::max(1.0, largest)) << what << " species " << s << " input " << k;
    }
  }
}

class NetworkConsistency : public testing::TestWithParam<NetworkBackend> {};

TEST_P(NetworkConsistency, EqualsTheInferenceNetworkOnRandomNetworks) {
  for (auto act : {nnp::Activation::linear, nnp::Activation::tanh, nnp::Activation::sigmoid, nnp::Activation::mtanh,
                   nnp::Activation::twist}) {
    if (!train::trainable_activation(act)) continue;
    train::ModelSpec spec;
    spec.species = {kO, kTi};
    spec.chebyshev = {5.0, 8, 4.0, 4};
    spec.hidden = {12, 7, 5};
    spec.activation = act;
    train::TrainableModel model = train::TrainableModel::from_spec(spec, 5);
    // Non-zero biases and weights of order one, so that every activation leaves its linear range.
    Rng rng(31);
    for (double& p : model.parameters()) p += 0.3 * rng.normal();
    expect_networks_agree(GetParam(), model, nnp::activation_name(act));
  }
}

TEST_P(NetworkConsistency, EqualsTheInferenceNetworkOnTheReferenceNetworks) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  for (const char* set : {"chebyshev_pytorch/", "chebyshev_example_v1/"}) {
    std::vector<nnp::AenetNetFile> files;
    const std::string stem = std::string(set) == "chebyshev_pytorch/" ? "pytorch" : "15t-15t";
    for (const char* species : {"Ti", "O"})
      files.push_back(nnp::read_aenet_nn(root + "/" + set + species + "." + stem + ".nn"));
    expect_networks_agree(GetParam(), train::TrainableModel::from_networks(std::move(files)), set);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, NetworkConsistency,
                         testing::Values(NetworkBackend::trainer_forward_gradient,
                                         NetworkBackend::trainer_forward_value),
                         backend_name);

}  // namespace
