// The EAM provider: forces and virial against finite differences of its own
// (spline) energy, per-atom energies, neighbour-list reuse, errors, and the
// config factory (file lookup, format guessing).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "eam_test_files.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/classical/eam.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"
#include "test_support.hpp"

using namespace slhmc;

namespace {

const int Cu = 29, Ni = 28, Zr = 40;
const std::string kPotDir = "/usr/share/lammps/potentials";

EamProvider synthetic(EamFormat format, const std::vector<std::string>& symbols = {"Cu", "Ni"}) {
  const std::string text =
      format == EamFormat::funcfl ? test::synthetic_funcfl(29) : test::synthetic_multi(symbols, format == EamFormat::fs);
  return EamProvider(make_eam_tables(parse_eam(text, "synthetic", format), "synthetic"), EamOptions{0.5, "synthetic"});
}

EamProvider shipped(const std::string& name) {
  const std::string path = kPotDir + "/" + name;
  return EamProvider(make_eam_tables(read_eam_file(path, guess_eam_format(name)), path), EamOptions{1.0, name});
}

Cell triclinic(double scale) {
  return Cell(Mat3{Vec3{scale, 0.0, 0.0}, Vec3{0.3 * scale, 0.9 * scale, 0.0}, Vec3{-0.2 * scale, 0.25 * scale, 0.95 * scale}},
              {true, true, true});
}

// Perturbed fcc in a cubic cell of nc³ conventional cells.
Frame perturbed_fcc(double a0, int nc, const std::vector<int>& species, double jiggle, unsigned seed) {
  Frame f;
  f.cell = Cell::orthorhombic(nc * a0, nc * a0, nc * a0);
  Rng rng(seed);
  for (int i = 0; i < nc; ++i)
    for (int j = 0; j < nc; ++j)
      for (int k = 0; k < nc; ++k)
        for (const Vec3 b : {Vec3{0, 0, 0}, Vec3{0.5, 0.5, 0}, Vec3{0.5, 0, 0.5}, Vec3{0, 0.5, 0.5}}) {
          Vec3 r{(i + b[0]) * a0, (j + b[1]) * a0, (k + b[2]) * a0};
          for (int d = 0; d < 3; ++d) r[d] += jiggle * rng.uniform(-1, 1);
          f.add_atom(species[rng.below(species.size())], r);
        }
  return f;
}

// Forces and virial are the derivatives of the energy, per-atom energies sum to it,
// the total force vanishes, and an energy-only call gives the same energy.
void check_derivatives(EamProvider& eam, const Frame& frame, const std::string& what, double tol = 2e-6) {
  const ComputeResult all = eam.compute(frame, ComputeRequest::all());
  ASSERT_EQ(all.forces.size(), frame.size());
  ASSERT_TRUE(all.has_virial);
  double fmax = 0, wmax = 0;
  for (const auto& f : all.forces) fmax = std::max({fmax, std::fabs(f[0]), std::fabs(f[1]), std::fabs(f[2])});
  for (const auto& row : all.virial) wmax = std::max({wmax, std::fabs(row[0]), std::fabs(row[1]), std::fabs(row[2])});
  EXPECT_GT(fmax, 1e-3) << what;
  const double ferr = test::max_force_error(eam, frame, 1e-5);
  const double werr = test::max_virial_error(eam, frame, 1e-6);
  EXPECT_LT(ferr, tol * std::max(1.0, fmax)) << what << " (max |F| " << fmax << ")";
  EXPECT_LT(werr, tol * std::max(1.0, wmax)) << what << " (max |W| " << wmax << ")";
  double sum = 0;
  for (double e : all.atomic_energies) sum += e;
  EXPECT_NEAR(sum, all.energy, 1e-10 * std::max(1.0, std::fabs(all.energy))) << what;
  Vec3 total{0, 0, 0};
  for (const auto& f : all.forces) total += f;
  EXPECT_LT(norm(total), 1e-10 * std::max(1.0, fmax) * frame.size()) << what;
  EXPECT_NEAR(eam.compute(frame, ComputeRequest::energy_only()).energy, all.energy, 1e-12 * std::fabs(all.energy))
      << what;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(all.virial[a][b], all.virial[b][a], 1e-12 * std::max(1.0, wmax));
  std::printf("  %-36s N %3zu  E %12.6f  FD errors: F %.1e  W %.1e\n", what.c_str(), frame.size(), all.energy, ferr,
              werr);
}

}  // namespace

TEST(EamProvider, SyntheticDerivatives) {
  for (EamFormat format : {EamFormat::funcfl, EamFormat::setfl, EamFormat::fs}) {
    EamProvider eam = synthetic(format);
    const std::vector<int> species = format == EamFormat::funcfl ? std::vector<int>{Cu} : std::vector<int>{Cu, Ni};
    const std::string name = eam_format_name(format);
    check_derivatives(eam, test::random_frame(triclinic(9.0), 40, species, 2.0, 11), name + " random triclinic");
    // Cell smaller than the cutoff: atoms see their own images.
    check_derivatives(eam, test::random_frame(triclinic(3.4), 3, species, 1.8, 12), name + " tiny cell");
    check_derivatives(eam, perturbed_fcc(3.6, 2, species, 0.2, 13), name + " perturbed fcc");
  }
}

TEST(EamProvider, ShippedFilesDerivatives) {
  if (!std::filesystem::exists(kPotDir + "/CuZr_mm.eam.fs")) GTEST_SKIP() << "no LAMMPS potentials in " << kPotDir;
  EamProvider u3 = shipped("Cu_u3.eam");
  check_derivatives(u3, test::random_frame(triclinic(8.0), 30, {Cu}, 2.1, 21), "Cu_u3 random triclinic");
  check_derivatives(u3, test::random_frame(triclinic(2.9), 2, {Cu}, 2.0, 22), "Cu_u3 2 atoms");
  EamProvider cuni = shipped("CuNi.eam.alloy");
  check_derivatives(cuni, perturbed_fcc(3.56, 2, {Cu, Ni}, 0.2, 23), "CuNi perturbed fcc");
  EamProvider zhou = shipped("Cu_zhou.eam.alloy");
  check_derivatives(zhou, test::random_frame(triclinic(4.0), 4, {Cu}, 2.0, 24), "Cu_zhou tiny cell");
  EamProvider cuzr = shipped("CuZr_mm.eam.fs");
  check_derivatives(cuzr, test::random_frame(triclinic(9.0), 40, {Cu, Zr}, 2.2, 25), "CuZr random triclinic");
  // ρ beyond the table: F is continued linearly, so forces stay derivatives of the energy.
  EamProvider mishin = shipped("Cu_mishin1.eam.alloy");
  Frame squeezed = perturbed_fcc(3.615, 2, {Cu}, 0.05, 26);
  squeezed.positions[1] = squeezed.positions[0] + Vec3{0.9, 0.1, 0.3};
  squeezed.positions[2] = squeezed.positions[0] + Vec3{-0.2, 0.8, -0.4};
  squeezed.positions[3] = squeezed.positions[0] + Vec3{0.2, -0.5, 0.9};
  check_derivatives(mishin, squeezed, "Cu_mishin1 rho > rhomax");
  double rho_max = 0;
  for (double r : mishin.densities()) rho_max = std::max(rho_max, r);
  EXPECT_GT(rho_max, mishin.tables().rhomax);
}

TEST(EamProvider, ClusterVirialIsSumOfForcesTimesPositions) {
  EamProvider eam = synthetic(EamFormat::setfl);
  Frame cluster = test::random_frame(Cell::orthorhombic(8, 8, 8), 20, {Cu, Ni}, 2.0, 31);
  cluster.cell = Cell();  // isolated
  check_derivatives(eam, cluster, "setfl cluster");
  const ComputeResult r = eam.compute(cluster, ComputeRequest::all());
  Mat3 w{};
  for (std::size_t i = 0; i < cluster.size(); ++i) w += outer(r.forces[i], cluster.positions[i]);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(r.virial[a][b], w[a][b], 1e-10);
}

TEST(EamProvider, ReusesTheNeighbourListAndMatchesAFreshOne) {
  EamProvider eam = synthetic(EamFormat::fs);
  Frame frame = test::random_frame(triclinic(9.0), 40, {Cu, Ni}, 2.0, 41);
  eam.compute(frame, ComputeRequest::all());
  Rng rng(42);
  for (int step = 0; step < 5; ++step) {
    for (auto& r : frame.positions)
      for (double& c : r) c += rng.uniform(-0.04, 0.04);  // < skin/2 in total
    const ComputeResult cached = eam.compute(frame, ComputeRequest::all());
    EamProvider fresh = synthetic(EamFormat::fs);
    const ComputeResult ref = fresh.compute(frame, ComputeRequest::all());
    EXPECT_NEAR(cached.energy, ref.energy, 1e-11);
    for (std::size_t i = 0; i < frame.size(); ++i)
      for (int d = 0; d < 3; ++d) EXPECT_NEAR(cached.forces[i][d], ref.forces[i][d], 1e-11);
  }
  EXPECT_EQ(eam.neighbor_list().build_count(), 1u);
  // A move beyond skin/2 rebuilds the list (and the provider's compact copy of it).
  frame.positions[5][0] += 0.4;
  frame.positions[9] = frame.positions[9] + frame.cell.matrix()[1];  // an unwrapped periodic image
  const ComputeResult moved = eam.compute(frame, ComputeRequest::all());
  EXPECT_EQ(eam.neighbor_list().build_count(), 2u);
  EamProvider fresh = synthetic(EamFormat::fs);
  const ComputeResult ref = fresh.compute(frame, ComputeRequest::all());
  EXPECT_NEAR(moved.energy, ref.energy, 1e-11);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(moved.virial[a][b], ref.virial[a][b], 1e-10);
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(moved.forces[i][d], ref.forces[i][d], 1e-11);
  // Swapping species changes the energy (the type cache follows the numbers).
  const double before = eam.compute(frame, ComputeRequest::energy_only()).energy;
  std::swap(frame.numbers[0], frame.numbers[1]);
  frame.numbers[0] = frame.numbers[0] == Cu ? Ni : Cu;
  EXPECT_NE(eam.compute(frame, ComputeRequest::energy_only()).energy, before);
}

TEST(EamProvider, RequestsAndErrors) {
  EamProvider eam = synthetic(EamFormat::setfl);
  Frame frame = test::random_frame(triclinic(8.0), 10, {Cu, Ni}, 2.0, 51);
  const ComputeResult e = eam.compute(frame, ComputeRequest::energy_only());
  EXPECT_TRUE(e.forces.empty());
  EXPECT_TRUE(e.atomic_energies.empty());
  EXPECT_FALSE(e.has_virial);
  ComputeRequest virial_only{false, true, false};
  const ComputeResult v = eam.compute(frame, virial_only);
  EXPECT_TRUE(v.forces.empty());
  EXPECT_TRUE(v.has_virial);
  EXPECT_NEAR(v.energy, e.energy, 1e-12);
  EXPECT_DOUBLE_EQ(eam.cutoff(), 5.5);
  EXPECT_NE(eam.description().find("setfl"), std::string::npos);
  EXPECT_NE(eam.description().find("Cu Ni"), std::string::npos);

  Frame zr = frame;
  zr.numbers[3] = Zr;
  try {
    eam.compute(zr, ComputeRequest{});
    FAIL();
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("atomic number 40"), std::string::npos) << err.what();
  }
  Frame coincident = frame;
  coincident.positions[4] = coincident.positions[7];
  EXPECT_THROW(eam.compute(coincident, ComputeRequest{}), EngineError);
  Frame nan = frame;
  nan.positions[2][1] = std::nan("");
  EXPECT_THROW(eam.compute(nan, ComputeRequest{}), EngineError);
  // Still usable afterwards.
  EXPECT_NEAR(eam.compute(frame, ComputeRequest::energy_only()).energy, e.energy, 1e-12);
  // Empty frames and lone atoms: F(0) only.
  Frame empty;
  empty.cell = frame.cell;
  const ComputeResult none = eam.compute(empty, ComputeRequest::all());
  EXPECT_EQ(none.energy, 0.0);
  EXPECT_TRUE(none.forces.empty());
  Frame lone;
  lone.add_atom(Ni, {1, 2, 3});
  const ComputeResult one = eam.compute(lone, ComputeRequest::all());
  double dF;
  EXPECT_DOUBLE_EQ(one.energy, eam.tables().embed(1, 0.0, dF));
  EXPECT_EQ(one.forces[0], (Vec3{0, 0, 0}));
}

TEST(EamProvider, ConfigFactory) {
  test::TempDir dir;
  test::write_text(dir.file("mine.eam.fs"), test::synthetic_multi({"Cu", "Ni"}, true));
  test::write_text(dir.file("plain.txt"), test::synthetic_multi({"Cu", "Ni"}, false));
  ProviderContext context{dir.path().string(), nullptr};

  auto p = make_provider(Config::parse("type = \"eam\"\nfile = \"mine.eam.fs\"\nskin = 0.3\n", "t.toml"), context);
  EXPECT_NE(p->description().find("fs"), std::string::npos);
  EXPECT_DOUBLE_EQ(p->cutoff(), 5.5);

  auto q = make_provider(Config::parse("type = \"eam\"\nfile = \"plain.txt\"\nformat = \"setfl\"\n", "t.toml"), context);
  EXPECT_NE(q->description().find("setfl"), std::string::npos);

  auto config_error = [&](const std::string& text, const std::string& key) {
    try {
      make_provider(Config::parse(text, "t.toml"), context);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), key) << e.what();
    }
  };
  config_error("type = \"eam\"\nfile = \"plain.txt\"\n", "format");  // cannot guess
  config_error("type = \"eam\"\nfile = \"mine.eam.fs\"\nformat = \"alloy\"\n", "format");
  config_error("type = \"eam\"\nfile = \"missing.eam\"\n", "file");
  config_error("type = \"eam\"\nfile = \"mine.eam.fs\"\nskim = 1.0\n", "skim");
  config_error("type = \"eam\"\nfile = \"mine.eam.fs\"\nskin = -1.0\n", "skin");
  Frame zr;
  zr.add_atom(Zr, {0, 0, 0});
  ProviderContext with_system{dir.path().string(), &zr};
  try {
    make_provider(Config::parse("type = \"eam\"\nfile = \"mine.eam.fs\"\n", "t.toml"), with_system);
    ADD_FAILURE();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("Zr"), std::string::npos) << e.what();
  }
  // A wrong format is a parse error naming the file.
  EXPECT_THROW(make_provider(Config::parse("type = \"eam\"\nfile = \"plain.txt\"\nformat = \"fs\"\n", "t.toml"), context),
               ParseError);
}

TEST(EamProvider, BareNamesFallBackToTheLammpsPotentials) {
  if (!std::filesystem::exists(kPotDir + "/Cu_u3.eam")) GTEST_SKIP() << "no LAMMPS potentials in " << kPotDir;
  test::TempDir dir;
  auto p = make_provider(Config::parse("type = \"eam\"\nfile = \"Cu_u3.eam\"\n", "t.toml"),
                         ProviderContext{dir.path().string(), nullptr});
  EXPECT_NE(p->description().find(kPotDir + "/Cu_u3.eam"), std::string::npos) << p->description();
  EXPECT_NE(p->description().find("funcfl"), std::string::npos);
  EXPECT_EQ(find_eam_file("Cu_u3.eam", dir.path().string()), kPotDir + "/Cu_u3.eam");
  // A file beside the config wins over the shipped one; a path with a directory is never looked up elsewhere.
  test::write_text(dir.file("Cu_u3.eam"), test::synthetic_funcfl(29));
  EXPECT_EQ(find_eam_file("Cu_u3.eam", dir.path().string()), dir.file("Cu_u3.eam"));
  EXPECT_THROW(find_eam_file("sub/CuNi.eam.alloy", dir.path().string()), Error);
}
