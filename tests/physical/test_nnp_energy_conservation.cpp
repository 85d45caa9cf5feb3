// NVE molecular dynamics with a neural-network potential conserves energy with
// an error that scales as Δt² (issue 3): the aenet TiO₂ Chebyshev model on a
// 72-atom rattled rutile cell, Δt = 0.25, 0.5 and 1 fs over the same 100 fs.
// This checks that the NNP's forces are the exact gradient of its energy along
// real trajectories (neighbour-list reuse with a skin included).
#include <gtest/gtest.h>

#include <cmath>

#include "md_test_support.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/nnp/model_loader.hpp"
#include "slhmc/nnp/nnp_provider.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

TEST(NnpEnergyConservation, VelocityVerletErrorScalesAsDtSquared) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  nnp::ModelSpec spec;
  spec.path = root + "/chebyshev_pytorch/predict.in";
  std::shared_ptr<const nnp::Model> model = nnp::load_model(spec);
  nnp::NnpProvider provider(model, 1.0);
  const Frame frame = read_structure(root + "/structures/rutile_2x2x3_rattled.xsf").frame;
  State start = make_state(frame, provider, 11);
  draw_maxwell_boltzmann(start, 600, true);
  const double duration = 100;  // fs
  std::vector<double> log_dt, log_rms;
  for (double dt : {0.25, 0.5, 1.0}) {
    const test::EnergyError err = test::run_nve(start, provider, dt, duration);
    EXPECT_LT(err.rms, 1e-3 * kinetic_energy(start)) << "dt = " << dt;
    log_dt.push_back(std::log(dt));
    log_rms.push_back(std::log(err.rms));
  }
  const double exponent = test::fitted_exponent(log_dt, log_rms);
  RecordProperty("exponent", std::to_string(exponent));
  EXPECT_NEAR(exponent, 2.0, 0.25);
}

}  // namespace
}  // namespace slhmc
