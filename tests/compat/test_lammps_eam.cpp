// The EAM provider against LAMMPS itself (Debian's /usr/bin/lmp and the
// potential files of /usr/share/lammps/potentials): energy, per-atom energies,
// forces and virial to 1e-8 relative for funcfl (eam), setfl (eam/alloy) and
// Finnis–Sinclair (eam/fs) files, on triclinic, small (self-image), perturbed,
// compressed and multi-element cells. Skips when lmp or the files are absent.
//
// The LAMMPS side is driven here on purpose (a shared harness comes later):
// structures are built directly in LAMMPS's triclinic form (a along x, b in
// the xy-plane), so no rotation is involved; the virial is LAMMPS's
// `compute pressure NULL virial` × V / nktv2p (metal: 1.6021765e6), which is
// W = −∂E/∂ε in slhmc's sign convention (checked against finite differences
// in tests/unit/test_eam.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/classical/eam.hpp"
#include "test_support.hpp"

using namespace slhmc;

namespace {

const std::string kPotDir = "/usr/share/lammps/potentials";
constexpr double kNktv2pMetal = 1.6021765e6;

struct LammpsEam {
  double energy = 0;
  std::vector<Vec3> forces;
  std::vector<double> atomic_energies;
  Mat3 virial{};
};

std::string fmt(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Cell rows in LAMMPS's restricted triclinic form.
Cell lammps_cell(double lx, double ly, double lz, double xy, double xz, double yz) {
  return Cell(Mat3{Vec3{lx, 0, 0}, Vec3{xy, ly, 0}, Vec3{xz, yz, lz}}, {true, true, true});
}

// Runs `lmp` with `pair_style` on `frame` (LAMMPS-form cell; a non-periodic
// direction becomes a fixed boundary, the atoms must lie inside the cell); `symbols`
// lists the element of LAMMPS type 1, 2, ... (for eam/alloy and eam/fs).
LammpsEam run_lammps(const Frame& frame, const std::vector<std::string>& symbols, const std::string& style,
                     const std::string& file, const test::TempDir& dir) {
  const Mat3& A = frame.cell.matrix();
  std::ostringstream data;
  data << "slhmc EAM test\n\n" << frame.size() << " atoms\n" << symbols.size() << " atom types\n\n";
  data << "0 " << fmt(A[0][0]) << " xlo xhi\n0 " << fmt(A[1][1]) << " ylo yhi\n0 " << fmt(A[2][2])
       << " zlo zhi\n";
  data << fmt(A[1][0]) << " " << fmt(A[2][0]) << " " << fmt(A[2][1]) << " xy xz yz\n\nAtoms # atomic\n\n";
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const auto it = std::find(symbols.begin(), symbols.end(), element_symbol(frame.numbers[i]));
    const auto& r = frame.positions[i];
    data << i + 1 << " " << (it - symbols.begin()) + 1 << " " << fmt(r[0]) << " " << fmt(r[1]) << " " << fmt(r[2])
         << "\n";
  }
  test::write_text(dir.file("data.lmp"), data.str());

  std::string coeff = style == "eam" ? "pair_coeff 1 1 " + file : "pair_coeff * * " + file;
  if (style != "eam")
    for (const auto& s : symbols) coeff += " " + s;
  std::ostringstream in;
  const Pbc& pbc = frame.cell.pbc();
  in << "units metal\natom_style atomic\nboundary " << (pbc[0] ? "p" : "f") << (pbc[1] ? " p" : " f")
     << (pbc[2] ? " p" : " f") << "\nread_data data.lmp\n"
     << "pair_style " << style << "\n" << coeff << "\n"
     << "neighbor 1.0 bin\n"
     << "compute pea all pe/atom\ncompute vir all pressure NULL virial\n"
     << "thermo_style custom step pe c_vir[1] c_vir[2] c_vir[3] c_vir[4] c_vir[5] c_vir[6] vol\n"
     << "dump d all custom 1 dump.txt id fx fy fz c_pea\n"
     << "dump_modify d format float %.17g sort id\n"
     << "run 0\n"
     << "print \"$(pe:%.17g) $(c_vir[1]:%.17g) $(c_vir[2]:%.17g) $(c_vir[3]:%.17g) $(c_vir[4]:%.17g) "
        "$(c_vir[5]:%.17g) $(c_vir[6]:%.17g) $(vol:%.17g)\" file result.txt\n";
  test::write_text(dir.file("in.lmp"), in.str());
  std::string output;
  const int rc = test::run_command("cd '" + dir.path().string() + "' && /usr/bin/lmp -in in.lmp -log none -screen none",
                                   &output);
  if (rc != 0) throw Error("lmp failed (" + std::to_string(rc) + "): " + output);

  LammpsEam out;
  {
    std::istringstream s(test::read_text(dir.file("result.txt")));
    double p[6], volume;
    s >> out.energy >> p[0] >> p[1] >> p[2] >> p[3] >> p[4] >> p[5] >> volume;
    if (!s) throw Error("cannot read LAMMPS result.txt");
    const double f = volume / kNktv2pMetal;
    out.virial = Mat3{Vec3{p[0] * f, p[3] * f, p[4] * f}, Vec3{p[3] * f, p[1] * f, p[5] * f},
                      Vec3{p[4] * f, p[5] * f, p[2] * f}};
  }
  std::istringstream dump(test::read_text(dir.file("dump.txt")));
  std::string line;
  for (int k = 0; k < 9; ++k) std::getline(dump, line);  // the dump header
  out.forces.resize(frame.size());
  out.atomic_energies.resize(frame.size());
  for (std::size_t k = 0; k < frame.size(); ++k) {
    long id;
    dump >> id;
    if (!dump || id < 1 || id > static_cast<long>(frame.size())) throw Error("bad LAMMPS dump");
    auto& f = out.forces[id - 1];
    dump >> f[0] >> f[1] >> f[2] >> out.atomic_energies[id - 1];
  }
  if (!dump) throw Error("LAMMPS dump too short");
  return out;
}

// fcc crystal of nx×ny×nz conventional cells (lattice constant a0), sheared into a
// LAMMPS-form triclinic cell by tilts given as fractions of the edge, atoms displaced by
// up to `jiggle` Å, species drawn from `species`.
Frame crystal(double a0, int nx, int ny, int nz, double txy, double txz, double tyz, double jiggle,
              const std::vector<int>& species, unsigned seed, bool bcc = false) {
  const double lx = nx * a0, ly = ny * a0, lz = nz * a0;
  Frame f;
  f.cell = lammps_cell(lx, ly, lz, txy * lx, txz * lx, tyz * ly);
  Rng rng(seed);
  const std::vector<Vec3> fcc_basis{{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  const std::vector<Vec3> bcc_basis{{0, 0, 0}, {0.5, 0.5, 0.5}};
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j)
      for (int k = 0; k < nz; ++k)
        for (const auto& b : bcc ? bcc_basis : fcc_basis) {
          const Vec3 s{(i + b[0]) / nx, (j + b[1]) / ny, (k + b[2]) / nz};
          Vec3 r = f.cell.to_cartesian(s);
          for (int d = 0; d < 3; ++d) r[d] += jiggle * rng.uniform(-1, 1);
          f.add_atom(species[rng.below(species.size())], f.cell.wrap(r));
        }
  return f;
}

// min_rho_ratio: the largest density must reach this fraction of the table's ρ_max
// (> 1 checks LAMMPS's linear extension of F beyond the table).
void expect_matches_lammps(const std::string& style, const std::string& name, const Frame& frame,
                           const std::string& what, double min_rho_ratio = 0.0) {
  const std::string file = kPotDir + "/" + name;
  const EamFormat format = guess_eam_format(name);
  EamProvider eam(make_eam_tables(read_eam_file(file, format), file), EamOptions{1.0, name});
  std::vector<std::string> symbols;
  for (int z : frame.numbers)
    if (std::find(symbols.begin(), symbols.end(), element_symbol(z)) == symbols.end())
      symbols.push_back(element_symbol(z));
  test::TempDir dir;
  const LammpsEam ref = run_lammps(frame, symbols, style, file, dir);
  const ComputeResult got = eam.compute(frame, ComputeRequest::all());

  const double tol = 1e-8;
  EXPECT_NEAR(got.energy, ref.energy, tol * std::fabs(ref.energy)) << what;
  double fscale = 0, escale = 0, wscale = 0, ferr = 0, eerr = 0, werr = 0;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    escale = std::max(escale, std::fabs(ref.atomic_energies[i]));
    eerr = std::max(eerr, std::fabs(got.atomic_energies[i] - ref.atomic_energies[i]));
    for (int d = 0; d < 3; ++d) {
      fscale = std::max(fscale, std::fabs(ref.forces[i][d]));
      ferr = std::max(ferr, std::fabs(got.forces[i][d] - ref.forces[i][d]));
    }
  }
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      wscale = std::max(wscale, std::fabs(ref.virial[a][b]));
      werr = std::max(werr, std::fabs(got.virial[a][b] - ref.virial[a][b]));
    }
  EXPECT_LE(ferr, tol * std::max(fscale, 1e-3)) << what << ": max |F| " << fscale;
  EXPECT_LE(eerr, tol * escale) << what;
  EXPECT_LE(werr, tol * std::max(wscale, 1e-3)) << what << ": max |W| " << wscale;
  EXPECT_GT(fscale, 1e-3) << what << ": structure should not be force-free";
  const double rho_ratio = *std::max_element(eam.densities().begin(), eam.densities().end()) / eam.tables().rhomax;
  EXPECT_GE(rho_ratio, min_rho_ratio) << what;
  std::printf("  %-40s E %.12f eV  |dE| %.1e  max|dF| %.1e  max|dW| %.1e  max rho/rhomax %.3f\n", what.c_str(),
              got.energy, std::fabs(got.energy - ref.energy), ferr, werr, rho_ratio);
}

#define REQUIRE_LAMMPS(name)                                                                      \
  if (!std::filesystem::exists("/usr/bin/lmp")) GTEST_SKIP() << "LAMMPS (/usr/bin/lmp) not installed"; \
  if (!std::filesystem::exists(kPotDir + "/" + (name))) GTEST_SKIP() << "no " << kPotDir << "/" << (name)

const int Cu = 29, Ni = 28, Zr = 40, Fe = 26, P = 15, Al = 13;

}  // namespace

TEST(LammpsEam, FuncflCopper) {
  REQUIRE_LAMMPS("Cu_u3.eam");
  expect_matches_lammps("eam", "Cu_u3.eam", crystal(3.615, 3, 3, 3, 0.1, -0.05, 0.08, 0.15, {Cu}, 1),
                        "funcfl Cu_u3 triclinic perturbed");
  expect_matches_lammps("eam", "Cu_u3.eam", crystal(3.615, 1, 1, 1, 0.2, 0.1, -0.15, 0.1, {Cu}, 2),
                        "funcfl Cu_u3 4-atom cell");
  expect_matches_lammps("eam", "Cu_u3.eam", crystal(3.1, 2, 2, 2, 0.05, 0.0, 0.1, 0.3, {Cu}, 3),
                        "funcfl Cu_u3 compressed");
  expect_matches_lammps("eam", "Ni_smf7.eam", crystal(3.52, 2, 2, 3, -0.1, 0.05, 0.0, 0.2, {Ni}, 4),
                        "funcfl Ni_smf7");
}

TEST(LammpsEam, SetflAlloys) {
  REQUIRE_LAMMPS("CuNi.eam.alloy");
  expect_matches_lammps("eam/alloy", "CuNi.eam.alloy", crystal(3.56, 3, 3, 2, 0.1, 0.1, -0.1, 0.15, {Cu, Ni}, 5),
                        "setfl CuNi triclinic");
  expect_matches_lammps("eam/alloy", "CuNi.eam.alloy", crystal(3.56, 1, 1, 1, -0.2, 0.15, 0.1, 0.1, {Ni, Cu}, 6),
                        "setfl CuNi 4-atom cell");
  expect_matches_lammps("eam/alloy", "NiAlH_jea.eam.alloy", crystal(3.6, 2, 2, 2, 0.0, 0.1, 0.05, 0.2, {Ni, Al}, 7),
                        "setfl NiAlH (Ni, Al)");
}

TEST(LammpsEam, SetflLongRange) {
  // Cu_zhou: 9 Å cutoff, 10001-point tables; its cutoff (9.0375 Å) lies just beyond the last knot.
  REQUIRE_LAMMPS("Cu_zhou.eam.alloy");
  expect_matches_lammps("eam/alloy", "Cu_zhou.eam.alloy", crystal(3.615, 1, 1, 1, 0.1, 0.2, 0.1, 0.1, {Cu}, 8),
                        "setfl Cu_zhou 4-atom cell");
  expect_matches_lammps("eam/alloy", "Cu_zhou.eam.alloy", crystal(3.0, 2, 2, 2, 0.1, 0.0, 0.1, 0.25, {Cu}, 9),
                        "setfl Cu_zhou compressed");
}

TEST(LammpsEam, FinnisSinclair) {
  REQUIRE_LAMMPS("CuZr_mm.eam.fs");
  expect_matches_lammps("eam/fs", "CuZr_mm.eam.fs", crystal(3.9, 3, 2, 2, 0.1, -0.1, 0.2, 0.2, {Cu, Zr}, 10),
                        "fs CuZr triclinic");
  expect_matches_lammps("eam/fs", "CuZr_mm.eam.fs", crystal(3.9, 1, 1, 1, 0.3, 0.2, -0.2, 0.1, {Zr, Cu}, 11),
                        "fs CuZr 4-atom cell");
  expect_matches_lammps("eam/fs", "FeP_mm.eam.fs", crystal(2.86, 3, 3, 3, 0.1, 0.0, 0.1, 0.15, {Fe, Fe, Fe, P}, 12, true),
                        "fs FeP bcc");
  expect_matches_lammps("eam/fs", "Al_mm.eam.fs", crystal(3.6, 2, 2, 2, 0.1, 0.1, 0.1, 0.2, {Al}, 13),
                        "fs Al compressed");
}

TEST(LammpsEam, TinyCell) {
  // Two atoms in a cell much smaller than the cutoff: most interactions are with images,
  // each atom also with its own.
  REQUIRE_LAMMPS("Cu_u3.eam");
  Frame f;
  f.cell = lammps_cell(3.1, 2.9, 2.7, 0.7, 0.5, -0.6);
  f.add_atom(Cu, {0.3, 0.2, 0.1});
  f.add_atom(Cu, {1.9, 1.4, 1.5});
  expect_matches_lammps("eam", "Cu_u3.eam", f, "funcfl Cu_u3 2 atoms");
  expect_matches_lammps("eam/alloy", "Cu_zhou.eam.alloy", f, "setfl Cu_zhou 2 atoms");
}

TEST(LammpsEam, DensityBeyondTheTable) {
  // Close approaches push ρ past the end of the F(ρ) table, where LAMMPS extends
  // F linearly (funcfl: its table already ends one knot before ρ_max).
  REQUIRE_LAMMPS("Cu_u3.eam");
  auto squeezed = [](std::vector<int> species, double a0, double gap, unsigned seed) {
    Frame f = crystal(a0, 2, 2, 2, 0.1, 0.05, -0.1, 0.05, species, seed);
    // Three neighbours of atom 0 pushed to `gap` Å from it.
    for (int k = 1; k <= 3; ++k) {
      const Vec3 d = f.cell.minimum_image(f.positions[k] - f.positions[0]);
      f.positions[k] = f.cell.wrap(f.positions[0] + (gap / norm(d)) * d);
    }
    return f;
  };
  expect_matches_lammps("eam", "Cu_u3.eam", squeezed({Cu}, 3.615, 0.9, 14), "funcfl Cu_u3 rho > rhomax", 1.0);
  expect_matches_lammps("eam/alloy", "Cu_mishin1.eam.alloy", squeezed({Cu}, 3.615, 1.2, 15),
                        "setfl Cu_mishin1 rho > rhomax", 1.0);
  // The shipped fs tables reach far beyond any physical density (CuZr: 0.85·ρ_max at
  // 0.6 Å); the extension is the same code as for setfl. A very close approach still:
  expect_matches_lammps("eam/fs", "CuZr_mm.eam.fs", squeezed({Cu, Zr}, 3.9, 0.6, 16), "fs CuZr close approach", 0.5);
}

TEST(LammpsEam, SlabWithAFreeSurface) {
  // Periodic in x and y, free in z (LAMMPS `boundary p p f`): two surfaces.
  REQUIRE_LAMMPS("CuNi.eam.alloy");
  auto slab = [](Frame f) {
    // The atoms 2 Å inside a taller cell along z, so that none touches the fixed walls.
    const Mat3 A = f.cell.matrix();
    Frame s;
    s.cell = Cell(Mat3{A[0], A[1], Vec3{0, 0, A[2][2] + 4.0}}, {true, true, false});
    for (std::size_t i = 0; i < f.size(); ++i) s.add_atom(f.numbers[i], f.positions[i] + Vec3{0, 0, 2.0});
    return s;
  };
  expect_matches_lammps("eam/alloy", "CuNi.eam.alloy", slab(crystal(3.56, 3, 3, 3, 0.1, 0.0, 0.0, 0.1, {Cu, Ni}, 17)),
                        "setfl CuNi slab (p p f)");
  expect_matches_lammps("eam/fs", "CuZr_mm.eam.fs", slab(crystal(3.9, 3, 3, 2, -0.1, 0.0, 0.0, 0.1, {Cu, Zr}, 18)),
                        "fs CuZr slab (p p f)");
  expect_matches_lammps("eam", "Cu_u3.eam", slab(crystal(3.615, 2, 2, 2, 0.2, 0.0, 0.0, 0.1, {Cu}, 19)),
                        "funcfl Cu_u3 slab (p p f)");
}
