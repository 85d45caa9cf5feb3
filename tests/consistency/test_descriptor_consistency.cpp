// Descriptor kernels against their reference twins, one test body per kernel
// instantiated for every backend (OpenMM style):
// - aenet descriptors: the fast path evaluate() of each backend (Chebyshev pair
//   blocks, Chebyshev moments, Chebyshev chosen by cost, Behler2011 fast)
//   against the plain compute() + backprop(): descriptors to 1e-12 relative
//   (1e-11 for the moments above angular order 8), gradients to 1e-10, on
//   synthetic Chebyshev setups and the reference networks (Behler2011: these
//   only), random and real structures; and the whole aenet model with the
//   backend's fast path against its reference evaluator;
// - n2p2 symmetry functions: the grouped fast model evaluation against the
//   plain reference evaluation (energies 1e-12 relative, forces and virial
//   1e-10), on a synthetic model of every cutoff type and the reference models.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "../unit/n2p2_test_helpers.hpp"
#include "consistency_structures.hpp"
#include "slhmc/core/elements.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/nnp/aenet_descriptor.hpp"
#include "slhmc/nnp/aenet_model.hpp"
#include "slhmc/nnp/n2p2_model.hpp"
#include "slhmc/nnp/nnp_provider.hpp"
#include "slhmc/train/trainable_model.hpp"

using namespace slhmc;
using namespace slhmc::nnp;
using namespace slhmc::test::consistency;

namespace {

// ---- aenet descriptors ----

enum class AenetBackend { chebyshev_pair_loop, chebyshev_moments, chebyshev_by_cost, behler2011_fast };

std::string backend_name(const testing::TestParamInfo<AenetBackend>& info) {
  switch (info.param) {
    case AenetBackend::chebyshev_pair_loop:
      return "ChebyshevPairLoop";
    case AenetBackend::chebyshev_moments:
      return "ChebyshevMoments";
    case AenetBackend::chebyshev_by_cost:
      return "ChebyshevByCost";
    case AenetBackend::behler2011_fast:
      return "Behler2011Fast";
  }
  return "unknown";
}
// Readable parameters in ctest names and failure messages.
void PrintTo(AenetBackend b, std::ostream* os) { *os << backend_name({b, 0}); }

bool is_chebyshev(AenetBackend b) { return b != AenetBackend::behler2011_fast; }

// The backend's descriptor for `file` (nullptr if the backend does not evaluate this sftype).
std::unique_ptr<AenetDescriptor> make_backend(AenetBackend b, const AenetNetFile& file, int version) {
  if (is_chebyshev(b) != (file.sftype == "Chebyshev")) return nullptr;
  switch (b) {
    case AenetBackend::chebyshev_pair_loop:
      return make_chebyshev_descriptor(file, version, 0);
    case AenetBackend::chebyshev_moments:
      return make_chebyshev_descriptor(file, version, 1);
    case AenetBackend::chebyshev_by_cost:
      return make_chebyshev_descriptor(file, version, -1);
    case AenetBackend::behler2011_fast:
      return make_behler2011_descriptor(file);
  }
  return nullptr;
}

// Environment of atom i as an aenet model sees it: every neighbour entry of an ENV species.
AenetEnvironment environment(const Frame& frame, const NeighborList& list, std::size_t i,
                             const std::vector<std::string>& envtypes) {
  AenetEnvironment env;
  for (const NeighborEntry& e : list.neighbors(i)) {
    const auto t =
        std::find(envtypes.begin(), envtypes.end(), element_symbol(frame.numbers[static_cast<std::size_t>(e.j)]));
    if (t == envtypes.end()) continue;
    const Vec3 r = frame.positions[static_cast<std::size_t>(e.j)] + e.shift - frame.positions[i];
    env.r.push_back(r);
    env.d.push_back(norm(r));
    env.type.push_back(static_cast<int>(t - envtypes.begin()));
  }
  return env;
}

// The fast path of `d` against its reference on the first kAtomsPerFrame atoms of `frame` (enough
// distinct environments, and the suite stays fast): descriptors to `value_tol` relative, gradients
// to 1e-10; `largest` grows to the largest |h|.
constexpr std::size_t kAtomsPerFrame = 12;

void expect_fast_equals_reference(const AenetDescriptor& d, const std::vector<std::string>& envtypes,
                                  const Frame& frame, const std::string& what, double& largest,
                                  double value_tol = 1e-12) {
  const NeighborList list = brute_force_neighbor_list(frame, {d.cutoff(), 0.0, false});
  Rng rng(17);
  std::vector<double> g(static_cast<std::size_t>(d.size()));
  for (double& x : g) x = rng.uniform(-1.0, 1.0);
  for (std::size_t i = 0; i < std::min(frame.size(), kAtomsPerFrame); ++i) {
    const AenetEnvironment env = environment(frame, list, i, envtypes);
    std::vector<double> G_ref(g.size()), G_fast(g.size()), g_fast(g.size());
    std::vector<Vec3> h_ref(env.r.size(), Vec3{0, 0, 0}), h_fast = h_ref;
    d.compute(env, G_ref);
    d.backprop(env, g, h_ref);
    d.evaluate(
        env, G_fast, g_fast,
        [&](std::span<const double>, std::span<double> out) { std::copy(g.begin(), g.end(), out.begin()); }, h_fast);
    for (std::size_t k = 0; k < g.size(); ++k)
      ASSERT_NEAR(G_fast[k], G_ref[k], value_tol * std::max(1.0, std::abs(G_ref[k])))
          << what << ": " << d.summary() << " atom " << i << " G_" << k;
    for (std::size_t e = 0; e < env.r.size(); ++e)
      for (int a = 0; a < 3; ++a) {
        ASSERT_NEAR(h_fast[e][a], h_ref[e][a], 1e-10 * std::max(1.0, std::abs(h_ref[e][a])))
            << what << ": " << d.summary() << " atom " << i << " entry " << e << " axis " << a;
        largest = std::max(largest, std::abs(h_ref[e][a]));
      }
  }
}

// Synthetic Chebyshev setups (no shared data needed): two species with a low and a high
// angular order (moments up to order 12, pair loop above), and one species (no weighted block).
std::vector<AenetNetFile> synthetic_chebyshev_files() {
  std::vector<AenetNetFile> files;
  const train::ChebyshevSetup setups[] = {{5.0, 8, 4.0, 4}, {4.5, 6, 4.5, 10}, {4.0, 5, 3.5, 14}};
  for (const auto& setup : setups) {
    train::ModelSpec spec;
    spec.species = {kO, kTi};
    spec.chebyshev = setup;
    spec.hidden = {3};
    const train::TrainableModel model = train::TrainableModel::from_spec(spec, 3);
    for (std::size_t s = 0; s < model.num_species(); ++s) files.push_back(model.species(s).file);
  }
  train::ModelSpec single;
  single.species = {kTi};
  single.chebyshev = {4.5, 6, 4.0, 5};
  single.hidden = {3};
  files.push_back(train::TrainableModel::from_spec(single, 4).species(0).file);
  return files;
}

class AenetDescriptorConsistency : public testing::TestWithParam<AenetBackend> {};

TEST_P(AenetDescriptorConsistency, FastPathEqualsReferenceOnSyntheticSetups) {
  if (!is_chebyshev(GetParam())) GTEST_SKIP() << "no synthetic Behler2011 setup; see the reference-network test";
  for (const AenetNetFile& file : synthetic_chebyshev_files())
    for (int version : {0, 1}) {
      const auto d = make_backend(GetParam(), file, version);
      ASSERT_NE(d, nullptr);
      // The moments expand T_n in powers of cos θ, whose coefficients grow like 2^n: above
      // angular order 8 they lose about a digit against the pair loop (measured 3.8e-12 at 10).
      const double angular_order = file.sfparam[3];
      const double value_tol = GetParam() != AenetBackend::chebyshev_pair_loop && angular_order > 8 ? 1e-11 : 1e-12;
      double largest = 0.0;
      for (const auto& [name, frame] : random_structures())
        expect_fast_equals_reference(*d, file.envtypes, frame, name, largest, value_tol);
      EXPECT_GT(largest, 1e-3) << d->summary() << ": gradients too small to compare anything";
    }
}

TEST_P(AenetDescriptorConsistency, FastPathEqualsReferenceOnTheReferenceNetworks) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  std::vector<NamedFrame> frames = random_structures();
  const std::vector<NamedFrame> real = real_structures();
  if (real.empty()) RecordProperty("real_structures", missing_real_structures());
  frames.insert(frames.end(), real.begin(), real.end());
  int used = 0;
  for (const char* f : {"chebyshev_pytorch/Ti.pytorch.nn", "chebyshev_pytorch/O.pytorch.nn",
                        "chebyshev_example_v1/O.15t-15t.nn", "behler2011/Ti.behler.nn", "behler2011/O.behler.nn"}) {
    const AenetNetFile file = read_aenet_nn(root + "/" + f);
    for (int version : {0, 1}) {
      const auto d = make_backend(GetParam(), file, version);
      if (!d) continue;
      ++used;
      double largest = 0.0;
      for (const auto& [name, frame] : frames) expect_fast_equals_reference(*d, file.envtypes, frame, name, largest);
      EXPECT_GT(largest, 1e-3) << d->summary() << ": gradients too small to compare anything";
    }
  }
  EXPECT_GT(used, 0) << "no reference network for this backend";
}

// The whole aenet model (descriptors, networks, forces, virial) with the backend's fast path
// against the model's reference evaluator (compute + backprop per atom): energies to 1e-12
// relative, forces to 1e-10, virial to 1e-10 relative. Moved from tests/unit/test_aenet_model.cpp.
TEST_P(AenetDescriptorConsistency, ModelFastEvaluatorEqualsReferenceEvaluator) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  const bool chebyshev = is_chebyshev(GetParam());
  const std::pair<const char*, const char*> chebyshev_sets[] = {{"chebyshev_pytorch", "pytorch"},
                                                                {"chebyshev_example_v1", "15t-15t"}};
  const std::pair<const char*, const char*> behler_sets[] = {{"behler2011", "behler"}};
  const auto sets = chebyshev ? std::span<const std::pair<const char*, const char*>>(chebyshev_sets)
                              : std::span<const std::pair<const char*, const char*>>(behler_sets);
  int moments = -1;
  if (GetParam() == AenetBackend::chebyshev_pair_loop) moments = 0;
  if (GetParam() == AenetBackend::chebyshev_moments) moments = 1;
  std::vector<NamedFrame> frames = random_structures();
  const Mat3 big{Vec3{9.1, 0.0, 0.0}, Vec3{2.5, 8.7, 0.0}, Vec3{-1.2, 0.9, 9.4}};
  frames.push_back({"random 60 atoms", test::random_frame(Cell(big, {true, true, true}), 60, {kTi, kO, kO}, 1.5, 31)});
  for (const auto& [set, stem] : sets)
    for (int version : {0, 1}) {
      SCOPED_TRACE(std::string(set) + " version " + std::to_string(version));
      AenetModelOptions fast_options, ref_options;
      fast_options.angular_moments = moments;
      fast_options.chebyshev_version = ref_options.chebyshev_version = version;
      ref_options.reference_evaluator = true;
      const std::string dir = root + "/" + set + "/";
      const std::vector<std::string> files{dir + "Ti." + stem + ".nn", dir + "O." + stem + ".nn"};
      NnpProvider fast(std::shared_ptr<const Model>(AenetModel::from_files(files, fast_options)), 0.3);
      NnpProvider ref(std::shared_ptr<const Model>(AenetModel::from_files(files, ref_options)), 0.3);
      for (const auto& [name, frame] : frames) {
        const ComputeResult a = fast.compute(frame, ComputeRequest::all());
        const ComputeResult b = ref.compute(frame, ComputeRequest::all());
        EXPECT_NEAR(a.energy, b.energy, 1e-12 * std::abs(b.energy)) << name;
        for (std::size_t i = 0; i < frame.size(); ++i)
          for (int c = 0; c < 3; ++c) EXPECT_NEAR(a.forces[i][c], b.forces[i][c], 1e-10) << name;
        for (int c = 0; c < 3; ++c)
          for (int d = 0; d < 3; ++d)
            EXPECT_NEAR(a.virial[c][d], b.virial[c][d], 1e-10 * std::max(1.0, std::abs(b.virial[c][d]))) << name;
      }
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, AenetDescriptorConsistency,
                         testing::Values(AenetBackend::chebyshev_pair_loop, AenetBackend::chebyshev_moments,
                                         AenetBackend::chebyshev_by_cost, AenetBackend::behler2011_fast),
                         backend_name);

// ---- n2p2 symmetry functions (with their networks: the model's two evaluators) ----

enum class N2p2Backend { grouped_fast };

std::string n2p2_backend_name(const testing::TestParamInfo<N2p2Backend>&) { return "GroupedFast"; }

// The backend's result; the reference is N2p2Model::compute_reference.
ComputeResult n2p2_compute(N2p2Backend, const n2p2::N2p2Model& model, const Frame& frame, const NeighborList& nl) {
  return model.compute(frame, nl, ComputeRequest::all());
}
// Readable parameters in ctest names and failure messages.
void PrintTo(N2p2Backend b, std::ostream* os) { *os << n2p2_backend_name({b, 0}); }

void expect_n2p2_same(N2p2Backend backend, const n2p2::N2p2Model& model, const Frame& frame, const std::string& label) {
  NeighborList nl(NeighborListOptions{model.cutoff(), 0.3, false});
  nl.build(frame);
  const ComputeResult fast = n2p2_compute(backend, model, frame, nl);
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

class N2p2DescriptorConsistency : public testing::TestWithParam<N2p2Backend> {};

TEST_P(N2p2DescriptorConsistency, EqualsReferenceOnRandomStructures) {
  for (int type : {1, 2, 4, 6}) {
    test::TempDir dir;
    test::write_synthetic_n2p2_model(dir.path().string(), type, type == 2 ? 0.0 : 0.15,
                                     "mean_energy -1.0\nconv_energy 2.0\nconv_length 1.2\n");
    const Cell small(Mat3{Vec3{3.7, 0.0, 0.0}, Vec3{0.9, 3.5, 0.0}, Vec3{-0.6, 0.7, 3.6}}, {true, true, true});
    const Cell big(Mat3{Vec3{7.9, 0.0, 0.0}, Vec3{1.5, 7.2, 0.0}, Vec3{-0.4, 1.1, 8.3}}, {true, true, true});
    const Frame f_small = test::random_frame(small, 7, {1, 8}, 1.0, 3);
    const Frame f_big = test::random_frame(big, 40, {1, 8, 8}, 1.1, 4);
    test::calibrate_synthetic_n2p2_scaling(dir.path().string(), {f_small, f_big});
    const auto model = n2p2::N2p2Model::load(dir.path().string());
    const std::string t = ", cutoff type " + std::to_string(type);
    expect_n2p2_same(GetParam(), *model, f_small, "small cell" + t);
    expect_n2p2_same(GetParam(), *model, f_big, "periodic" + t);
    Frame cluster = f_big;
    cluster.cell = Cell();
    expect_n2p2_same(GetParam(), *model, cluster, "cluster" + t);
    Frame slab = f_big;
    slab.cell = Cell(big.matrix(), {true, true, false});
    expect_n2p2_same(GetParam(), *model, slab, "slab" + t);
  }
}

TEST_P(N2p2DescriptorConsistency, EqualsReferenceOnTheReferenceModels) {
  SLHMC_REQUIRE_SHARED(root, "reference/n2p2");
  for (const char* name : {"Cu2S_PBE", "H2O_RPBE-D3", "Synth_HCO", "Synth_ZnO"}) {
    const auto model = n2p2::N2p2Model::load(root + "/" + name);
    // A random cell with the model's species, shorter than the cutoff in one direction.
    const double rc = model->cutoff();
    const Cell cell(Mat3{Vec3{0.8 * rc, 0.0, 0.0}, Vec3{0.3 * rc, 1.1 * rc, 0.0}, Vec3{0.1 * rc, -0.2 * rc, 1.2 * rc}},
                    {true, true, true});
    const double min_dist = std::string(name) == "H2O_RPBE-D3" ? 1.8 : 1.0;  // bohr for water
    const Frame f = test::random_frame(cell, 24, model->species(), min_dist, 7);
    expect_n2p2_same(GetParam(), *model, f, name);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, N2p2DescriptorConsistency, testing::Values(N2p2Backend::grouped_fast),
                         n2p2_backend_name);

}  // namespace
