// aenet models against the numbers aenet itself printed (reference/aenet/,
// nnp-formats §E1): 4 network sets × 16 structures, energies, atomic energies
// and forces from binary and ASCII `.nn` files, raw descriptors, and the inputs
// on which aenet is known to be wrong (skewed bases, swapped TYPES order).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/nnp/aenet_model.hpp"
#include "aenet_reference_sets.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::nnp;

namespace {

using test::AenetSet;
const auto& kSets = test::kAenetSets;

NeighborList neighbors_for(const Model& model, const Frame& frame) {
  NeighborList nl(NeighborListOptions{model.cutoff(), 0.0, false});
  nl.build(frame);
  return nl;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// Compares every structure of one set's reference.json with the model built from `suffix` files.
void check_set(const std::string& root, const AenetSet& set, const std::string& suffix) {
  const std::string dir = root + "/" + set.dir + "/";
  AenetModelOptions options;
  options.chebyshev_version = set.version;
  const auto model = AenetModel::from_files({dir + set.ti + suffix, dir + set.o + suffix}, options);
  const auto ref = read_json(dir + "reference.json");
  ASSERT_EQ(ref["structures"].size(), 16u);
  for (const auto& s : ref["structures"]) {
    const std::string name = s["file"];
    SCOPED_TRACE(std::string(set.dir) + suffix + " " + name);
    const Frame frame = read_structure(root + "/structures/" + name).frame;
    ASSERT_EQ(frame.size(), s["natoms"].get<std::size_t>());
    const NeighborList nl = neighbors_for(*model, frame);
    ComputeRequest request;
    request.forces = true;
    request.atomic_energies = true;
    const ComputeResult r = model->compute(frame, nl, request);
    const double n = static_cast<double>(frame.size());
    EXPECT_NEAR(r.energy / n, s["energy_total"].get<double>() / n, 1e-9);
    for (std::size_t i = 0; i < frame.size(); ++i) {
      EXPECT_NEAR(r.atomic_energies[i], s["atomic_energies"][i].get<double>(), 1e-9) << "atom " << i;
      for (int a = 0; a < 3; ++a)
        EXPECT_NEAR(r.forces[i][a], s["forces"][i][a].get<double>(), 1e-8) << "atom " << i << " component " << a;
    }
  }
}

}  // namespace

TEST(AenetReference, BinaryNetworks) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  for (const auto& set : kSets) check_set(root, set, "");
}

TEST(AenetReference, AsciiNetworks) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  for (const auto& set : kSets) check_set(root, set, ".ascii");
}

TEST(AenetReference, OriginalPyTorchAsciiNetworks) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  check_set(root, kSets[0], ".orig-ascii");
}

TEST(AenetReference, AsciiAndBinaryHoldTheSameNumbers) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  for (const auto& set : kSets) {
    for (const char* species : {set.ti, set.o}) {
      const std::string base = root + "/" + set.dir + "/" + species;
      const AenetNetFile bin = read_aenet_nn(base);
      const AenetNetFile asc = read_aenet_nn(base + ".ascii");
      EXPECT_EQ(bin.weights, asc.weights) << base;
      EXPECT_EQ(bin.sfparam, asc.sfparam) << base;
      EXPECT_EQ(bin.sfval_avg, asc.sfval_avg) << base;
      EXPECT_EQ(bin.sfval_cov, asc.sfval_cov) << base;
      EXPECT_EQ(bin.sf, asc.sf) << base;
      EXPECT_EQ(bin.sfenv, asc.sfenv) << base;
      EXPECT_EQ(bin.envtypes, asc.envtypes) << base;
      EXPECT_EQ(bin.type_names, asc.type_names) << base;
      EXPECT_EQ(bin.e_atom, asc.e_atom) << base;
      EXPECT_EQ(bin.scale, asc.scale) << base;
      EXPECT_EQ(bin.shift, asc.shift) << base;
    }
  }
}

TEST(AenetReference, RawDescriptors) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  for (const auto& set : kSets) {
    const std::string dir = root + "/" + set.dir + "/";
    AenetModelOptions options;
    options.chebyshev_version = set.version;
    const auto model = AenetModel::from_files({dir + set.ti, dir + set.o}, options);
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir + "descriptors")) {
      const std::string fname = entry.path().filename().string();
      const std::string xsf = fname.substr(0, fname.find(".descriptors.txt"));
      SCOPED_TRACE(std::string(set.dir) + " " + xsf);
      const Frame frame = read_structure(root + "/structures/" + xsf).frame;
      const auto G = model->descriptors(frame, neighbors_for(*model, frame));
      std::ifstream in(entry.path());
      std::string line;
      std::size_t atoms = 0;
      while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::size_t index;
        std::string species;
        std::size_t nsf;
        ls >> index >> species >> nsf;
        ASSERT_LE(index, frame.size());
        ASSERT_EQ(G[index - 1].size(), nsf);
        for (std::size_t k = 0; k < nsf; ++k) {
          double ref;
          ls >> ref;
          EXPECT_NEAR(G[index - 1][k], ref, 1e-12 * std::max(1.0, std::abs(ref))) << "atom " << index << " G" << k + 1;
        }
        ++atoms;
      }
      EXPECT_EQ(atoms, frame.size());
      ++files;
    }
    EXPECT_EQ(files, 14);
  }
}

TEST(AenetKnownDefects, SkewedBasesGiveTheUnskewedEnergy) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet/known_aenet_defects");
  const std::string base = root + "/../";
  const auto model = AenetModel::from_files({base + "chebyshev_pytorch/Ti.pytorch.nn", base + "chebyshev_pytorch/O.pytorch.nn"}, {});
  for (int b = 1; b <= 3; ++b) {
    const Frame frame = read_structure(base + "known_aenet_defects/rutile_prim_rattled_skewbasis" + std::to_string(b) + ".xsf").frame;
    const ComputeResult r = model->compute(frame, neighbors_for(*model, frame), ComputeRequest::energy_only());
    EXPECT_NEAR(r.energy, -4990.08444858533, 6e-9) << "basis " << b;
  }
}

TEST(AenetKnownDefects, BehlerResultIndependentOfSpeciesOrder) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet/behler2011");
  const std::string base = root + "/../";
  const Frame frame = read_structure(base + "structures/rutile_prim_rattled.xsf").frame;
  const auto ti_o = AenetModel::from_files({base + "behler2011/Ti.behler.nn", base + "behler2011/O.behler.nn"}, {});
  const auto o_ti = AenetModel::from_files({base + "behler2011/O.behler.nn", base + "behler2011/Ti.behler.nn"}, {});
  const double e1 = ti_o->compute(frame, neighbors_for(*ti_o, frame), ComputeRequest::energy_only()).energy;
  const double e2 = o_ti->compute(frame, neighbors_for(*o_ti, frame), ComputeRequest::energy_only()).energy;
  EXPECT_NEAR(e1, -4990.126750707499, 6e-9);
  EXPECT_EQ(e1, e2);
}
