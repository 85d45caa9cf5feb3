// The fast grouped evaluator (N2p2Model::compute) against the plain reference
// evaluator (compute_reference) on random periodic, small and non-periodic
// structures: energies to 1e-12 relative, forces and virial to 1e-10.
#include <gtest/gtest.h>

#include <cmath>

#include "n2p2_test_helpers.hpp"
#include "slhmc/nnp/n2p2_model.hpp"

using namespace slhmc;
using namespace slhmc::nnp::n2p2;

namespace {

void expect_same(const N2p2Model& model, const Frame& frame, const std::string& label) {
  NeighborList nl(NeighborListOptions{model.cutoff(), 0.3, false});
  nl.build(frame);
  const ComputeResult fast = model.compute(frame, nl, ComputeRequest::all());
  const ComputeResult ref = model.compute_reference(frame, nl, ComputeRequest::all());
  EXPECT_NEAR(fast.energy, ref.energy, 1e-12 * std::max(1.0, std::fabs(ref.energy))) << label;
  double fmax = 0.0;
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (int d = 0; d < 3; ++d) {
      EXPECT_NEAR(fast.forces[i][d], ref.forces[i][d], 1e-10) << label;
      EXPECT_NEAR(fast.atomic_energies[i], ref.atomic_energies[i], 1e-12 * std::max(1.0, std::fabs(ref.energy)));
      fmax = std::max(fmax, std::fabs(ref.forces[i][d]));
    }
  EXPECT_GT(fmax, 1e-4) << label << ": forces too small to compare anything";
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(fast.virial[a][b], ref.virial[a][b], 1e-10) << label;
  EXPECT_EQ(fast.extras, ref.extras) << label;
}

}  // namespace

TEST(N2p2Fast, MatchesReferenceOnRandomStructures) {
  for (int type : {1, 2, 4, 6}) {
    test::TempDir dir;
    test::write_synthetic_n2p2_model(dir.path().string(), type, type == 2 ? 0.0 : 0.15,
                                     "mean_energy -1.0\nconv_energy 2.0\nconv_length 1.2\n");
    const Cell small(Mat3{Vec3{3.7, 0.0, 0.0}, Vec3{0.9, 3.5, 0.0}, Vec3{-0.6, 0.7, 3.6}}, {true, true, true});
    const Cell big(Mat3{Vec3{7.9, 0.0, 0.0}, Vec3{1.5, 7.2, 0.0}, Vec3{-0.4, 1.1, 8.3}}, {true, true, true});
    const Frame f_small = test::random_frame(small, 7, {1, 8}, 1.0, 3);
    const Frame f_big = test::random_frame(big, 40, {1, 8, 8}, 1.1, 4);
    test::calibrate_synthetic_n2p2_scaling(dir.path().string(), {f_small, f_big});
    const auto model = N2p2Model::load(dir.path().string());
    expect_same(*model, f_small, "small cell, cutoff type " + std::to_string(type));
    expect_same(*model, f_big, "periodic, cutoff type " + std::to_string(type));
    Frame cluster = f_big;
    cluster.cell = Cell();
    expect_same(*model, cluster, "cluster, cutoff type " + std::to_string(type));
    Frame slab = f_big;
    slab.cell = Cell(big.matrix(), {true, true, false});
    expect_same(*model, slab, "slab, cutoff type " + std::to_string(type));
  }
}

TEST(N2p2Fast, MatchesReferenceOnTheReferenceModels) {
  SLHMC_REQUIRE_SHARED(root, "reference/n2p2");
  for (const char* name : {"Cu2S_PBE", "H2O_RPBE-D3", "Synth_HCO", "Synth_ZnO"}) {
    const auto model = N2p2Model::load(root + "/" + name);
    // A random cell with the model's species, shorter than the cutoff in one direction.
    const double rc = model->cutoff();
    const Cell cell(Mat3{Vec3{0.8 * rc, 0.0, 0.0}, Vec3{0.3 * rc, 1.1 * rc, 0.0}, Vec3{0.1 * rc, -0.2 * rc, 1.2 * rc}},
                    {true, true, true});
    const double min_dist = std::string(name) == "H2O_RPBE-D3" ? 1.8 : 1.0;  // bohr for water
    const Frame f = test::random_frame(cell, 24, model->species(), min_dist, 7);
    expect_same(*model, f, name);
  }
}

#include "nnp/n2p2/fast_descriptor.hpp"

TEST(N2p2Fast, BranchFreeExponentialMatchesStdExp) {
  double worst = 0.0;
  for (double x = -708.0; x <= 0.0; x += 0.0137) {
    const double ref = std::exp(x);
    worst = std::max(worst, std::fabs(exp_in_range(x) - ref) / ref);
  }
  for (double x : {-1e-300, -1e-17, -1e-9, -0.5 * std::log(2.0), -1.0, -2.0, -708.0}) {
    const double ref = std::exp(x);
    worst = std::max(worst, std::fabs(exp_in_range(x) - ref) / ref);
  }
  EXPECT_LT(worst, 4.5e-16);
  EXPECT_EQ(exp_in_range(0.0), 1.0);
}
