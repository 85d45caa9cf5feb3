// The n2p2 model on a synthetic model (all SF types): forces and virial by
// finite differences for every cutoff type, in small triclinic cells with
// self-images and without periodicity; unit conversion at the boundary;
// per-atom energies; invariances; load errors.
#include <gtest/gtest.h>

#include <cmath>

#include "n2p2_test_helpers.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/nnp/n2p2_model.hpp"

using namespace slhmc;
using namespace slhmc::nnp::n2p2;

namespace {

Frame small_triclinic(unsigned seed, std::size_t n = 7) {
  // Heights ≈ 3.3–3.7 Å < cutoff 4 Å: every atom sees its own images.
  const Cell cell(Mat3{Vec3{3.7, 0.0, 0.0}, Vec3{0.9, 3.5, 0.0}, Vec3{-0.6, 0.7, 3.6}}, {true, true, true});
  return test::random_frame(cell, n, {1, 8}, 1.0, seed);
}

double max_abs(const std::vector<Vec3>& f) {
  double m = 0;
  for (const auto& v : f)
    for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

}  // namespace

TEST(N2p2Model, ForcesAndVirialMatchFiniteDifferencesForEveryCutoffType) {
  for (int type = 0; type <= 8; ++type) {
    test::TempDir dir;
    const double alpha = (type == 2 || type == 3 || type == 0) ? 0.0 : 0.2;
    test::write_synthetic_n2p2_model(dir.path().string(), type, alpha);
    test::calibrate_synthetic_n2p2_scaling(dir.path().string(), {small_triclinic(1), small_triclinic(2)});
    const auto model = N2p2Model::load(dir.path().string());
    test::ModelProvider p(*model);
    for (unsigned seed : {1u, 2u}) {
      const Frame frame = small_triclinic(seed);
      ComputeRequest req = ComputeRequest::all();
      const ComputeResult r = p.compute(frame, req);
      const double scale = std::max(1.0, max_abs(r.forces));
      EXPECT_GT(max_abs(r.forces), type == 0 ? 1e-4 : 1e-2) << "forces too small to test anything, cutoff type " << type;
      EXPECT_GT(std::fabs(r.virial[0][1]), 1e-4);
      EXPECT_LT(test::max_force_error(p, frame, 1e-5), 1e-6 * scale) << "cutoff type " << type;
      EXPECT_LT(test::max_virial_error(p, frame, 1e-6), 1e-6 * std::max(1.0, std::fabs(r.energy)))
          << "cutoff type " << type;
      // Forces sum to zero (translation invariance), per-atom energies sum to the energy.
      Vec3 sum{};
      for (const auto& f : r.forces) sum += f;
      for (int d = 0; d < 3; ++d) EXPECT_NEAR(sum[d], 0.0, 1e-12 * scale);
      double esum = 0;
      for (double e : r.atomic_energies) esum += e;
      EXPECT_NEAR(esum, r.energy, 1e-12 * std::fabs(r.energy));
      EXPECT_NE(r.extras.find("extrapolation_warnings"), std::string::npos);
    }
  }
}

TEST(N2p2Model, ClusterVirialAndForcesWithoutPeriodicity) {
  test::TempDir dir;
  test::write_synthetic_n2p2_model(dir.path().string(), 1, 0.25);
  test::calibrate_synthetic_n2p2_scaling(dir.path().string(), {small_triclinic(5, 8)});
  const auto model = N2p2Model::load(dir.path().string());
  test::ModelProvider p(*model);
  Frame frame = small_triclinic(5, 8);
  frame.cell = Cell();  // isolated cluster
  const ComputeResult r = p.compute(frame, ComputeRequest::all());
  EXPECT_LT(test::max_force_error(p, frame), 1e-6 * std::max(1.0, max_abs(r.forces)));
  // Without periodicity W = Σ F_m ⊗ r_m.
  Mat3 w{};
  for (std::size_t m = 0; m < frame.size(); ++m) w += outer(r.forces[m], frame.positions[m]);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(r.virial[a][b], w[a][b], 1e-11);
}

TEST(N2p2Model, NormalisedUnitsAndModelUnitsConvertAtTheBoundary) {
  test::TempDir dir;
  test::write_synthetic_n2p2_model(dir.path().string(), 6, 0.0,
                                   "mean_energy -1.75\nconv_energy 2.5\nconv_length 1.3\n");
  test::calibrate_synthetic_n2p2_scaling(dir.path().string(), {small_triclinic(9)});
  const auto native = N2p2Model::load(dir.path().string());
  LoadOptions o;
  o.length_unit_in_angstrom = 0.529177210903;
  o.energy_unit_in_ev = 27.211386245988;
  const auto au = N2p2Model::load(dir.path().string(), o);
  EXPECT_NEAR(au->cutoff(), 4.0 * 0.529177210903, 1e-14);

  const Frame model_units = small_triclinic(9);
  Frame angstrom = model_units;  // the same structure expressed in Å
  for (auto& r : angstrom.positions) r = o.length_unit_in_angstrom * r;
  angstrom.cell = Cell(o.length_unit_in_angstrom * model_units.cell.matrix(), model_units.cell.pbc());

  test::ModelProvider pn(*native), pa(*au);
  const ComputeResult rn = pn.compute(model_units, ComputeRequest::all());
  const ComputeResult ra = pa.compute(angstrom, ComputeRequest::all());
  EXPECT_NEAR(ra.energy, rn.energy * o.energy_unit_in_ev, 1e-12 * std::fabs(ra.energy));
  for (std::size_t i = 0; i < rn.forces.size(); ++i)
    for (int d = 0; d < 3; ++d)
      EXPECT_NEAR(ra.forces[i][d], rn.forces[i][d] * o.energy_unit_in_ev / o.length_unit_in_angstrom, 1e-9);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(ra.virial[a][b], rn.virial[a][b] * o.energy_unit_in_ev, 1e-9);
  EXPECT_LT(test::max_force_error(pa, angstrom), 1e-6 * std::max(1.0, max_abs(ra.forces)));
  EXPECT_LT(test::max_virial_error(pa, angstrom), 1e-6 * std::fabs(ra.energy));
  // Energy assembly: E = Σ y/c_E + N·μ + Σ offsets; per-atom energies include μ and offsets.
  double esum = 0;
  for (double e : rn.atomic_energies) esum += e;
  EXPECT_NEAR(esum, rn.energy, 1e-12 * std::fabs(rn.energy));
}

TEST(N2p2Model, InvariantUnderTranslationRotationPermutationAndReplication) {
  test::TempDir dir;
  test::write_synthetic_n2p2_model(dir.path().string(), 5, 0.1);
  test::calibrate_synthetic_n2p2_scaling(dir.path().string(), {small_triclinic(11, 6)});
  const auto model = N2p2Model::load(dir.path().string());
  test::ModelProvider p(*model);
  const Frame f = small_triclinic(11, 6);
  const double e0 = p.compute(f, ComputeRequest::energy_only()).energy;

  Frame moved = f;
  for (auto& r : moved.positions) r += Vec3{0.37, -1.2, 5.1};
  EXPECT_NEAR(p.compute(moved, ComputeRequest::energy_only()).energy, e0, 1e-12 * std::fabs(e0));

  const double c = std::cos(0.7), s = std::sin(0.7);
  const Mat3 rot{Vec3{c, -s, 0}, Vec3{s, c, 0}, Vec3{0, 0, 1}};
  Frame rotated = f;
  for (auto& r : rotated.positions) r = rot * r;
  Mat3 rows = f.cell.matrix();
  for (auto& row : rows) row = rot * row;
  rotated.cell = Cell(rows, f.cell.pbc());
  EXPECT_NEAR(p.compute(rotated, ComputeRequest::energy_only()).energy, e0, 1e-12 * std::fabs(e0));

  Frame permuted = f;
  std::reverse(permuted.positions.begin(), permuted.positions.end());
  std::reverse(permuted.numbers.begin(), permuted.numbers.end());
  std::reverse(permuted.masses.begin(), permuted.masses.end());
  EXPECT_NEAR(p.compute(permuted, ComputeRequest::energy_only()).energy, e0, 1e-12 * std::fabs(e0));

  Frame doubled;
  const Mat3& a = f.cell.matrix();
  doubled.cell = Cell(Mat3{2.0 * a[0], a[1], a[2]}, f.cell.pbc());
  for (int k = 0; k < 2; ++k)
    for (std::size_t i = 0; i < f.size(); ++i) doubled.add_atom(f.numbers[i], f.positions[i] + double(k) * a[0]);
  EXPECT_NEAR(p.compute(doubled, ComputeRequest::energy_only()).energy, 2 * e0, 1e-12 * std::fabs(e0));
}

TEST(N2p2Model, LoadErrorsNameTheFile) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  test::write_synthetic_n2p2_model(d, 1, 0.0);
  test::write_text(d + "/weights.008.data", "0.5\n");
  try {
    N2p2Model::load(d);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("weights.008.data"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("expected 89"), std::string::npos) << e.what();
  }
  test::write_synthetic_n2p2_model(d, 1, 0.0);
  test::write_text(d + "/scaling.data", "1 1 0 1 0.5 0.3\n1 2 0 0 0 0\n");
  try {
    N2p2Model::load(d);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("scaling.data"), std::string::npos) << e.what();
  }
  std::string sc;
  for (int e = 1; e <= 2; ++e)
    for (int s = 1; s <= 7; ++s) sc += std::to_string(e) + " " + std::to_string(s) + " 1.0 1.0 1.0 0.0\n";
  test::write_text(d + "/scaling.data", sc);
  try {
    N2p2Model::load(d);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Gmax = Gmin"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("scaling.data:1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(N2p2Model::load(d + "/missing"), Error);

  test::write_synthetic_n2p2_model(d, 1, 0.0);
  const auto model = N2p2Model::load(d);
  Frame f = small_triclinic(3, 4);
  f.numbers[2] = 26;
  test::ModelProvider p(*model);
  EXPECT_THROW(p.compute(f, ComputeRequest{}), Error);
}
