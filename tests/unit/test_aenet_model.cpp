// aenet models: forces and virial against finite differences (Chebyshev v0/v1
// and Behler2011) on small, skewed, periodic and isolated structures;
// invariance under translation, rotation, permutation and supercell
// replication; unit conversion; errors; the loader, predict.in and the "nnp"
// provider. Uses the reference networks of ../shared (skips without them).
#include <gtest/gtest.h>

#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/nnp/aenet_model.hpp"
#include "slhmc/nnp/aenet_predict_in.hpp"
#include "slhmc/nnp/model_loader.hpp"
#include "slhmc/nnp/nnp_provider.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::nnp;

namespace {

constexpr int kTi = 22, kO = 8;

std::shared_ptr<const Model> load_set(const std::string& root, const std::string& set, int version = 0,
                                      double length_unit = 1.0, double energy_unit = 1.0) {
  ModelSpec spec;
  spec.path = root + "/" + set;
  spec.format = "aenet";
  spec.chebyshev_version = version;
  spec.length_unit_angstrom = length_unit;
  spec.energy_unit_ev = energy_unit;
  return load_model(spec);
}

// Test structures: a cubic cell shorter than the cutoff, a strongly skewed cell, an isolated cluster.
std::vector<Frame> test_frames() {
  std::vector<Frame> frames;
  frames.push_back(test::random_frame(Cell::orthorhombic(4.1, 4.4, 3.9), 6, {kTi, kO, kO}, 1.6, 11));
  const Mat3 skew{Vec3{4.6, 0.0, 0.0}, Vec3{3.9, 2.3, 0.0}, Vec3{-1.7, 1.1, 3.4}};
  frames.push_back(test::random_frame(Cell(skew, {true, true, true}), 6, {kTi, kO, kO}, 1.6, 12));
  const Mat3 box{Vec3{6.0, 0.0, 0.0}, Vec3{0.0, 6.0, 0.0}, Vec3{0.0, 0.0, 6.0}};
  frames.push_back(test::random_frame(Cell(box, {false, false, false}), 9, {kTi, kO, kO}, 1.6, 13));
  frames.push_back(test::random_frame(Cell(skew, {true, true, false}), 6, {kTi, kO, kO}, 1.6, 14));
  return frames;
}

double max_abs_force(const ComputeResult& r) {
  double m = 0;
  for (const auto& f : r.forces) m = std::max({m, std::abs(f[0]), std::abs(f[1]), std::abs(f[2])});
  return m;
}

void check_derivatives(const std::shared_ptr<const Model>& model, const std::string& label) {
  int k = 0;
  for (const Frame& frame : test_frames()) {
    SCOPED_TRACE(label + " frame " + std::to_string(k++));
    NnpProvider provider(model, 0.5);
    const ComputeResult r = provider.compute(frame, ComputeRequest::all());
    ASSERT_GT(max_abs_force(r), 0.1);  // the check below is not vacuous
    EXPECT_LT(test::max_force_error(provider, frame, 1e-5), 2e-6);
    EXPECT_LT(test::max_virial_error(provider, frame, 1e-6), 2e-5 * std::max(1.0, std::abs(trace(r.virial))));
    // The virial of a rotation-invariant model is symmetric (not symmetrised by the code).
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < a; ++b) EXPECT_NEAR(r.virial[a][b], r.virial[b][a], 1e-9 * std::max(1.0, std::abs(r.virial[a][b])));
    double sum = 0;
    for (double e : r.atomic_energies) sum += e;
    EXPECT_NEAR(sum, r.energy, 1e-9 * std::abs(r.energy));
    if (!frame.cell.any_periodic()) {
      // Isolated: W = Σ F ⊗ r and the forces sum to zero.
      Mat3 w{};
      Vec3 total{0, 0, 0};
      for (std::size_t i = 0; i < frame.size(); ++i) {
        w += outer(r.forces[i], frame.positions[i]);
        total += r.forces[i];
      }
      for (int a = 0; a < 3; ++a) {
        EXPECT_NEAR(total[a], 0.0, 1e-10);
        for (int b = 0; b < 3; ++b) EXPECT_NEAR(w[a][b], r.virial[a][b], 1e-9);
      }
    }
  }
}

}  // namespace

TEST(AenetModel, ChebyshevForcesAndVirialMatchFiniteDifferences) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  check_derivatives(load_set(root, "chebyshev_pytorch"), "chebyshev v0");
  check_derivatives(load_set(root, "chebyshev_example_v1", 1), "chebyshev v1");
  // The Cartesian-moment angular path, forced on (by default it is chosen by cost).
  for (int version : {0, 1}) {
    AenetModelOptions options;
    options.chebyshev_version = version;
    options.angular_moments = 1;
    // Each network with the convention it was trained with (the other one saturates it).
    const std::string dir = root + (version == 0 ? "/chebyshev_pytorch/" : "/chebyshev_example_v1/");
    const std::string stem = version == 0 ? "pytorch" : "15t-15t";
    check_derivatives(AenetModel::from_files({dir + "Ti." + stem + ".nn", dir + "O." + stem + ".nn"}, options),
                      "chebyshev moments v" + std::to_string(version));
  }
}

TEST(AenetModel, BehlerForcesAndVirialMatchFiniteDifferences) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  check_derivatives(load_set(root, "behler2011"), "behler2011");
}

TEST(AenetModel, EnergyInvariances) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  for (const char* set : {"chebyshev_pytorch", "behler2011"}) {
    SCOPED_TRACE(set);
    NnpProvider p(load_set(root, set), 0.0);
    const Mat3 skew{Vec3{4.6, 0.0, 0.0}, Vec3{1.9, 4.3, 0.0}, Vec3{-0.7, 1.1, 3.9}};
    const Frame frame = test::random_frame(Cell(skew, {true, true, true}), 8, {kTi, kO, kO}, 1.7, 21);
    const double e0 = p.compute(frame, ComputeRequest::energy_only()).energy;
    const double tol = 1e-12 * std::abs(e0);

    Frame moved = frame;  // rigid translation
    for (auto& r : moved.positions) r += Vec3{0.37, -1.21, 2.9};
    EXPECT_NEAR(p.compute(moved, ComputeRequest::energy_only()).energy, e0, tol);

    // Rotation of atoms and cell together.
    const double a = 0.7, b = -0.4;
    const Mat3 rz{Vec3{std::cos(a), -std::sin(a), 0}, Vec3{std::sin(a), std::cos(a), 0}, Vec3{0, 0, 1}};
    const Mat3 rx{Vec3{1, 0, 0}, Vec3{0, std::cos(b), -std::sin(b)}, Vec3{0, std::sin(b), std::cos(b)}};
    const Mat3 rot = rz * rx;
    Frame rotated = frame;
    for (auto& r : rotated.positions) r = rot * r;
    Mat3 rows = frame.cell.matrix();
    for (auto& row : rows) row = rot * row;
    rotated.cell = Cell(rows, frame.cell.pbc());
    EXPECT_NEAR(p.compute(rotated, ComputeRequest::energy_only()).energy, e0, tol);

    // Permutation.
    Frame permuted;
    permuted.cell = frame.cell;
    for (std::size_t i = frame.size(); i-- > 0;) permuted.add_atom(frame.numbers[i], frame.positions[i]);
    EXPECT_NEAR(p.compute(permuted, ComputeRequest::energy_only()).energy, e0, tol);

    // Another basis of the same lattice: c' = c + a − b, b' = b + a.
    Mat3 basis = rows = frame.cell.matrix();
    basis[2] = rows[2] + rows[0] - rows[1];
    basis[1] = rows[1] + rows[0];
    Frame rebased = frame;
    rebased.cell = Cell(basis, frame.cell.pbc());
    EXPECT_NEAR(p.compute(rebased, ComputeRequest::energy_only()).energy, e0, tol);

    // 2×1×2 supercell: energy × 4.
    Frame super;
    const Mat3& m = frame.cell.matrix();
    super.cell = Cell(Mat3{2.0 * m[0], m[1], 2.0 * m[2]}, frame.cell.pbc());
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 2; ++k)
        for (std::size_t n = 0; n < frame.size(); ++n)
          super.add_atom(frame.numbers[n], frame.positions[n] + double(i) * m[0] + double(k) * m[2]);
    EXPECT_NEAR(p.compute(super, ComputeRequest::energy_only()).energy, 4 * e0, 4 * tol);
  }
}

TEST(AenetModel, ModelUnitsAreConvertedAtTheBoundary) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  // A model in bohr/hartree evaluated on a frame scaled by bohr equals the Å/eV model × hartree.
  const auto plain = load_set(root, "chebyshev_pytorch");
  const auto au = load_set(root, "chebyshev_pytorch", 0, 0.529177210903, 27.211386245988);
  const Frame frame = test_frames()[1];
  Frame scaled = frame;
  for (auto& r : scaled.positions) r *= 0.529177210903;
  Mat3 rows = frame.cell.matrix();
  for (auto& row : rows) row *= 0.529177210903;
  scaled.cell = Cell(rows, frame.cell.pbc());
  NnpProvider p1(plain, 0.0), p2(au, 0.0);
  const ComputeResult r1 = p1.compute(frame, ComputeRequest::all());
  const ComputeResult r2 = p2.compute(scaled, ComputeRequest::all());
  EXPECT_NEAR(r2.energy, r1.energy * 27.211386245988, 1e-11 * std::abs(r2.energy));
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (int a = 0; a < 3; ++a)
      EXPECT_NEAR(r2.forces[i][a], r1.forces[i][a] * 27.211386245988 / 0.529177210903, 1e-8);
  EXPECT_NEAR(p2.cutoff(), p1.cutoff() * 0.529177210903, 1e-12);
  EXPECT_LT(test::max_force_error(p2, scaled, 1e-5), 1e-5);
}

TEST(AenetModel, RejectsCoincidentAtomsAndUnknownSpecies) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  NnpProvider p(load_set(root, "chebyshev_pytorch"), 0.0);
  Frame frame;
  frame.cell = Cell::orthorhombic(8, 8, 8);
  frame.add_atom(kTi, {1, 1, 1});
  frame.add_atom(kO, {1, 1, 1 + 1e-9});
  EXPECT_THROW(p.compute(frame, ComputeRequest{}), Error);
  Frame h;
  h.cell = Cell::orthorhombic(8, 8, 8);
  h.add_atom(kTi, {1, 1, 1});
  h.add_atom(1, {2, 1, 1});
  EXPECT_THROW(p.compute(h, ComputeRequest{}), Error);
  Frame far = h;  // a hydrogen as a centre: no network
  far.positions[1] = {5, 5, 5};
  EXPECT_THROW(p.compute(far, ComputeRequest{}), Error);
}

TEST(AenetLoader, PredictInQuotedAndUnquotedPaths) {
  const std::string text =
      "! comment\nTYPES\n2\nTi\nO\n\nnetworks\nO   \"../nets/O x.nn\"\nTi  ../nets/Ti.nn\n"
      "FORCES\nVERSION = 1\nFILES\n1\n../s/a.xsf\n";
  const AenetPredictInput in = parse_aenet_predict_in(text, "predict.in", "/base");
  ASSERT_EQ(in.types, (std::vector<std::string>{"Ti", "O"}));
  EXPECT_EQ(in.networks[0], "/base/../nets/Ti.nn");
  EXPECT_EQ(in.networks[1], "/base/../nets/O x.nn");
  ASSERT_EQ(in.files.size(), 1u);
  EXPECT_EQ(in.files[0], "/base/../s/a.xsf");
  EXPECT_EQ(in.chebyshev_version, 1);
  EXPECT_THROW(parse_aenet_predict_in("TYPES\n1\nTi\nNETWORKS\nO o.nn\n", "p", ""), ParseError);
  EXPECT_THROW(parse_aenet_predict_in("NETWORKS\nTi ti.nn\n", "p", ""), ParseError);
}

TEST(AenetLoader, AutoDetectsPredictInAndDirectories) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  EXPECT_EQ(detect_model_format(root + "/chebyshev_pytorch/predict.in"), "aenet");
  EXPECT_EQ(detect_model_format(root + "/chebyshev_pytorch"), "aenet");
  EXPECT_THROW(detect_model_format(root + "/structures"), Error);
  const Frame frame = test_frames()[0];
  // The swapped-TYPES predict.in of set B gives the result of the directory (Part D #2).
  ModelSpec a;
  a.path = root + "/known_aenet_defects/predict_behler_swapped_types.in";
  ModelSpec b;
  b.path = root + "/behler2011";
  NnpProvider pa(load_model(a), 0.0), pb(load_model(b), 0.0);
  EXPECT_EQ(pa.compute(frame, ComputeRequest::energy_only()).energy, pb.compute(frame, ComputeRequest::energy_only()).energy);
  // predict.in without VERSION and an explicit version 1 differ from version 0.
  ModelSpec v0, v1;
  v0.path = v1.path = root + "/chebyshev_example_v1/predict.in";
  v1.chebyshev_version = 1;
  NnpProvider p0(load_model(v0), 0.0), p1(load_model(v1), 0.0);
  EXPECT_GT(std::abs(p0.compute(frame, {}).energy - p1.compute(frame, {}).energy), 1e-3);
  ModelSpec bad = a;
  bad.format = "nonsense";
  EXPECT_THROW(load_model(bad), Error);
}

TEST(AenetLoader, NnpProviderFromConfig) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  const Config config = Config::parse(
      "[potential]\ntype = \"nnp\"\nmodel = \"chebyshev_pytorch/predict.in\"\nformat = \"auto\"\n"
      "chebyshev_version = 0\nlength_unit = \"angstrom\"\nenergy_unit = \"eV\"\nskin = 0.5\n",
      "test.toml");
  ProviderContext context;
  context.base_dir = root;
  auto provider = make_provider(config.section("potential"), context);
  config.section("potential").check_all_used();
  EXPECT_NEAR(provider->cutoff(), 6.5, 1e-12);
  const Frame frame = test_frames()[0];
  NnpProvider direct(load_set(root, "chebyshev_pytorch"), 0.5);
  EXPECT_EQ(provider->compute(frame, {}).energy, direct.compute(frame, {}).energy);
  const Config bad = Config::parse("[potential]\ntype = \"nnp\"\nmodel = \"chebyshev_pytorch\"\nenergy_unit = \"furlong\"\n", "t");
  EXPECT_THROW(make_provider(bad.section("potential"), context), ConfigError);
}

TEST(AenetLoader, NeighbourListIsReusedAcrossSmallMoves) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  NnpProvider p(load_set(root, "chebyshev_pytorch"), 1.0);
  Frame frame = test_frames()[0];
  p.compute(frame, {});
  frame.positions[0][0] += 0.1;
  p.compute(frame, {});
  EXPECT_EQ(p.neighbor_list().build_count(), 1u);
  frame.positions[0][0] += 0.6;
  p.compute(frame, {});
  EXPECT_EQ(p.neighbor_list().build_count(), 2u);
}

#ifdef _OPENMP
#include <omp.h>

TEST(AenetModel, ResultsDoNotDependOnTheThreadCount) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  const Mat3 big{Vec3{9.1, 0.0, 0.0}, Vec3{2.5, 8.7, 0.0}, Vec3{-1.2, 0.9, 9.4}};
  const Frame frame = test::random_frame(Cell(big, {true, true, true}), 72, {kTi, kO, kO}, 1.5, 41);
  NnpProvider p(load_set(root, "chebyshev_pytorch"), 0.5);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const ComputeResult one = p.compute(frame, ComputeRequest::all());
  omp_set_num_threads(3);
  const ComputeResult three = p.compute(frame, ComputeRequest::all());
  omp_set_num_threads(saved);
  EXPECT_EQ(one.energy, three.energy);
  EXPECT_EQ(one.forces, three.forces);
  EXPECT_EQ(one.virial, three.virial);
  EXPECT_EQ(one.atomic_energies, three.atomic_energies);
  // An error in a worker thread reaches the caller.
  Frame bad = frame;
  bad.positions[5] = bad.positions[4];
  omp_set_num_threads(3);
  EXPECT_THROW(p.compute(bad, ComputeRequest::all()), Error);
  omp_set_num_threads(saved);
}
#endif
