// The n2p2 reference data (../shared/reference/n2p2, nnp-formats.md E2):
// every structure of all four models reproduced — energies, forces and
// extrapolation-warning counts of n2p2 v2.3.0's nnp-predict, scaled symmetry
// functions and dE/dG of the debug dumps, n2p2's symmetry-function order —
// plus size consistency, unit conversion and finite-difference checks on the
// reference structures. Models are evaluated in their own units (factors 1).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../unit/n2p2_test_helpers.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/nnp/model_loader.hpp"
#include "slhmc/nnp/n2p2_model.hpp"
#include "slhmc/nnp/nnp_provider.hpp"

using namespace slhmc;
using namespace slhmc::nnp::n2p2;
using nlohmann::json;

namespace {

const char* kModels[] = {"Cu2S_PBE", "H2O_RPBE-D3", "Synth_HCO", "Synth_ZnO"};

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

Frame read_n2p2_structure(const std::string& path) {
  ReadOptions o;
  o.format = StructureFormat::n2p2;
  return read_structure(path, o).frame;
}

ComputeResult evaluate(const nnp::Model& model, const Frame& frame, const ComputeRequest& req) {
  test::ModelProvider p(model);
  return p.compute(frame, req);
}

std::size_t warnings_of(const ComputeResult& r) {
  return json::parse(r.extras).at("extrapolation_warnings").get<std::size_t>();
}

double ulp(double x) { return std::nextafter(std::fabs(x), std::numeric_limits<double>::infinity()) - std::fabs(x); }

}  // namespace

// Energies, forces, per-atom network energies and warning counts of every reference structure.
TEST(N2p2Reference, EveryStructureOfEveryModel) {
  SLHMC_REQUIRE_SHARED(root, "reference/n2p2");
  std::size_t checked = 0;
  for (const char* name : kModels) {
    const std::string dir = root + "/" + name;
    const auto model = N2p2Model::load(dir);
    const Settings& s = model->settings();
    for (const auto& entry : std::filesystem::directory_iterator(dir + "/reference")) {
      const json ref = read_json(entry.path().string());
      const std::string label = std::string(name) + "/" + entry.path().filename().string();
      const Frame frame = read_n2p2_structure(dir + "/" + ref.at("structure_file").get<std::string>());
      ASSERT_EQ(frame.size(), ref.at("natoms").get<std::size_t>()) << label;
      const ComputeResult r = evaluate(*model, frame, ComputeRequest::all());

      const double e_ref = ref.at("energy").get<double>();
      const double off = ref.at("energy_offset_sum").get<double>();
      const double tol = 1e-12 * std::max(1.0, std::fabs(e_ref - off)) + 4 * ulp(e_ref);
      EXPECT_NEAR(r.energy, e_ref, tol) << label;

      const auto& fref = ref.at("forces");
      double worst = 0.0;
      for (std::size_t i = 0; i < frame.size(); ++i)
        for (int d = 0; d < 3; ++d) worst = std::max(worst, std::fabs(r.forces[i][d] - fref[i][d].get<double>()));
      EXPECT_LT(worst, 1e-10) << label;

      EXPECT_EQ(warnings_of(r), ref.at("extrapolation_warnings").get<std::size_t>()) << label;

      // Per-atom network energies y_i/c_E: ours are (y_i/c_E + μ + E0_e).
      const auto& ae = ref.at("atomic_energies_nn");
      for (std::size_t i = 0; i < frame.size(); ++i) {
        const double mine =
            r.atomic_energies[i] - s.mean_energy - s.atom_energy[s.element_index(frame.numbers[i])];
        EXPECT_NEAR(mine, ae[i].get<double>(), 1e-11 * std::max(1.0, std::fabs(ae[i].get<double>()))) << label;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 8u + 8u + 7u + 5u);
}

// Scaled symmetry functions, dE/dG and network outputs of the debug dumps to 1e-12 relative.
TEST(N2p2Reference, SymmetryFunctionsAndNetworkGradients) {
  SLHMC_REQUIRE_SHARED(root, "reference/n2p2");
  for (const char* name : kModels) {
    const std::string dir = root + "/" + name;
    const auto model = N2p2Model::load(dir);
    for (const auto& entry : std::filesystem::directory_iterator(dir + "/debug")) {
      if (entry.path().extension() != ".json") continue;
      const json dbg = read_json(entry.path().string());
      const std::string label = std::string(name) + "/" + entry.path().filename().string();
      const Frame frame = read_n2p2_structure(dir + "/" + dbg.at("structure_file").get<std::string>());
      NeighborList nl(NeighborListOptions{model->cutoff(), 0.0, false});
      nl.build(frame);
      const auto details = model->atom_details(frame, nl);
      double energy = 0.0, worst_g = 0.0, worst_dg = 0.0;
      for (const auto& atom : dbg.at("atoms")) {
        const auto& d = details.at(atom.at("index").get<std::size_t>());
        EXPECT_EQ(model->settings().symbols[d.element], atom.at("element").get<std::string>()) << label;
        const auto& g = atom.at("G");
        const auto& dg = atom.at("dEdG");
        ASSERT_EQ(g.size(), d.g_scaled.size()) << label;
        // dE/dG components come out of sums with cancellation (n2p2 propagates forward, we
        // backward): relative to the largest component of the atom's gradient.
        double dg_scale = 1.0;
        for (const auto& v : dg) dg_scale = std::max(dg_scale, std::fabs(v.get<double>()));
        for (std::size_t k = 0; k < g.size(); ++k) {
          const double gr = g[k].get<double>(), dr = dg[k].get<double>();
          worst_g = std::max(worst_g, std::fabs(d.g_scaled[k] - gr) / std::max(1.0, std::fabs(gr)));
          worst_dg = std::max(worst_dg, std::fabs(d.de_dg[k] - dr) / dg_scale);
        }
        const double y = atom.at("atomic_nn_output").get<double>();
        EXPECT_NEAR(d.output, y, 1e-12 * std::max(1.0, std::fabs(y))) << label;
        energy += d.output;
      }
      EXPECT_LT(worst_g, 1e-12) << label;
      EXPECT_LT(worst_dg, 1e-12) << label;
      const double e = dbg.at("energy_internal").get<double>();
      EXPECT_NEAR(energy, e, 1e-12 * std::max(1.0, std::fabs(e))) << label;
    }
  }
}

// Our sorted SF order against n2p2's (debug/sf_order.txt, column `ln` = input.nn line).
TEST(N2p2Reference, SymmetryFunctionOrderMatchesN2p2) {
  SLHMC_REQUIRE_SHARED(root, "reference/n2p2");
  for (const char* name : kModels) {
    const std::string dir = root + "/" + name;
    const Settings s = read_input_nn(dir + "/input.nn");
    std::ifstream in(dir + "/debug/sf_order.txt");
    ASSERT_TRUE(in) << name;
    std::string line;
    int element = -1;
    std::vector<std::vector<std::size_t>> lines(s.elements.size());
    while (std::getline(in, line)) {
      if (line.rfind("Short range atomic symmetry functions element", 0) == 0) {
        std::istringstream ls(line.substr(line.find("element") + 7));
        std::string sym;
        ls >> sym;
        for (std::size_t e = 0; e < s.symbols.size(); ++e)
          if (s.symbols[e] == sym) element = static_cast<int>(e);
        continue;
      }
      std::istringstream ls(line);
      int ind = 0;
      if (!(ls >> ind) || element < 0) continue;  // rule or header line
      std::vector<std::string> cols;
      for (std::string c; ls >> c;) cols.push_back(c);
      lines[element].push_back(std::stoul(cols.back()));
    }
    for (std::size_t e = 0; e < s.elements.size(); ++e) {
      ASSERT_EQ(lines[e].size(), s.sfs[e].size()) << name << " element " << s.symbols[e];
      for (std::size_t k = 0; k < lines[e].size(); ++k)
        EXPECT_EQ(s.sfs[e][k].line, lines[e][k]) << name << " element " << s.symbols[e] << " position " << k + 1;
    }
  }
}

// s07 is a 2×1×1 supercell of s08: twice the energy.
TEST(N2p2Reference, WaterSupercellHasTwiceTheEnergy) {
  SLHMC_REQUIRE_SHARED(dir, "reference/n2p2/H2O_RPBE-D3");
  const auto model = N2p2Model::load(dir);
  const double e7 = evaluate(*model, read_n2p2_structure(dir + "/structures/s07_set04_2x1x1_96.data"),
                             ComputeRequest::energy_only()).energy;
  const double e8 = evaluate(*model, read_n2p2_structure(dir + "/structures/s08_set04_48.data"),
                             ComputeRequest::energy_only()).energy;
  EXPECT_NEAR(e7, 2.0 * e8, 1e-13 * std::fabs(e7));
}

// The water model in bohr/hartree loaded with its real units gives eV and eV/Å.
TEST(N2p2Reference, WaterModelInAtomicUnitsConvertsToEvAndAngstrom) {
  SLHMC_REQUIRE_SHARED(dir, "reference/n2p2/H2O_RPBE-D3");
  LoadOptions o;
  o.length_unit_in_angstrom = units::kBohrToAngstrom;
  o.energy_unit_in_ev = units::kHartreeToEv;
  const auto model = N2p2Model::load(dir, o);
  const json ref = read_json(dir + "/reference/s06_set03_sheared_48.json");
  ReadOptions ro;
  ro.format = StructureFormat::n2p2;
  ro.length_scale = units::kBohrToAngstrom;
  const Frame frame = read_structure(dir + "/structures/s06_set03_sheared_48.data", ro).frame;
  const ComputeResult r = evaluate(*model, frame, ComputeRequest{});
  const double e_ref = ref.at("energy").get<double>() * units::kHartreeToEv;
  EXPECT_NEAR(r.energy, e_ref, 1e-12 * std::fabs(e_ref));
  const double ff = units::kHartreeToEv / units::kBohrToAngstrom;
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (int d = 0; d < 3; ++d)
      EXPECT_NEAR(r.forces[i][d], ref.at("forces")[i][d].get<double>() * ff, 1e-9);
}

// Forces and virial are −∇E of the same implementation on reference cells with self-images,
// triclinic cells and normalised units.
TEST(N2p2Reference, FiniteDifferencesOnReferenceCells) {
  SLHMC_REQUIRE_SHARED(root, "reference/n2p2");
  const std::pair<const char*, const char*> cases[] = {
      {"Synth_HCO", "s03_smallcell_10"}, {"Synth_ZnO", "s03_smallcell_8"}, {"Cu2S_PBE", "s06_set01_sheared_144"}};
  for (const auto& [name, structure] : cases) {
    const std::string dir = root + "/" + name;
    const auto model = N2p2Model::load(dir);
    test::ModelProvider p(*model);
    const Frame frame = read_n2p2_structure(dir + "/structures/" + structure + ".data");
    ComputeRequest req;
    req.virial = true;
    const ComputeResult r = p.compute(frame, req);
    double fmax = 0;
    for (const auto& f : r.forces)
      for (double x : f) fmax = std::max(fmax, std::fabs(x));
    if (frame.size() <= 20) {
      EXPECT_LT(test::max_force_error(p, frame, 1e-5), 1e-6 * std::max(1.0, fmax)) << name;
    }
    double wmax = 0;
    for (const auto& row : r.virial)
      for (double x : row) wmax = std::max(wmax, std::fabs(x));
    EXPECT_LT(test::max_virial_error(p, frame, 1e-6), 1e-6 * std::max(1.0, wmax)) << name;
  }
}

// The registered "n2p2" format: auto-detected, units from the spec, through the nnp ForceProvider
// (neighbour list with skin, reused across calls).
TEST(N2p2Reference, LoaderRegistryAndProvider) {
  SLHMC_REQUIRE_SHARED(dir, "reference/n2p2/H2O_RPBE-D3");
  EXPECT_EQ(nnp::detect_model_format(dir), "n2p2");
  nnp::ModelSpec by_file;
  by_file.path = dir + "/input.nn";
  by_file.format = "n2p2";
  EXPECT_EQ(nnp::load_model(by_file)->species(), (std::vector<int>{1, 8}));
  nnp::ModelSpec spec;
  spec.path = dir;
  spec.length_unit_angstrom = units::kBohrToAngstrom;
  spec.energy_unit_ev = units::kHartreeToEv;
  std::shared_ptr<const nnp::Model> model = nnp::load_model(spec);
  nnp::NnpProvider provider(model, 0.5);
  ReadOptions ro;
  ro.format = StructureFormat::n2p2;
  ro.length_scale = units::kBohrToAngstrom;
  Frame frame = read_structure(dir + "/structures/s08_set04_48.data", ro).frame;
  const json ref = read_json(dir + "/reference/s08_set04_48.json");
  const double e_ref = ref.at("energy").get<double>() * units::kHartreeToEv;
  EXPECT_NEAR(provider.compute(frame, ComputeRequest{}).energy, e_ref, 1e-12 * std::fabs(e_ref));
  // A small move within the skin reuses the list and still agrees with a fresh evaluation.
  frame.positions[3][0] += 0.01;
  const double moved = provider.compute(frame, ComputeRequest{}).energy;
  EXPECT_EQ(provider.neighbor_list().build_count(), 1u);
  EXPECT_NEAR(moved, evaluate(*model, frame, ComputeRequest{}).energy, 1e-12 * std::fabs(e_ref));
  EXPECT_GT(std::fabs(moved - e_ref), 1e-8);
}

// `slhmc predict` on an n2p2 model directory reproduces the reference (Cu2S is in Å and eV).
TEST(N2p2Reference, PredictCommand) {
  SLHMC_REQUIRE_SHARED(dir, "reference/n2p2/Cu2S_PBE");
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir tmp;
  std::string output;
  const std::string cmd = exe + " predict --model " + dir + " " + dir +
                          "/structures/s06_set01_sheared_144.data -o " + tmp.file("out.xyz");
  ASSERT_EQ(test::run_command(cmd, &output), 0) << output;
  const auto frames = read_structures(tmp.file("out.xyz"));
  ASSERT_EQ(frames.size(), 1u);
  const json ref = read_json(dir + "/reference/s06_set01_sheared_144.json");
  const auto& labels = frames[0].labels;
  ASSERT_TRUE(labels.energy && labels.forces);
  EXPECT_NEAR(*labels.energy, ref.at("energy").get<double>(), 1e-8);
  for (std::size_t i = 0; i < frames[0].frame.size(); ++i)
    for (int a = 0; a < 3; ++a) EXPECT_NEAR((*labels.forces)[i][a], ref.at("forces")[i][a].get<double>(), 1e-8);
}
