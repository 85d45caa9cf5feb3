// Runs LAMMPS on a frame and reads energy, forces and virial back (see
// lammps_reference.hpp for the conventions).
#include "lammps_reference.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "slhmc/core/elements.hpp"
#include "test_support.hpp"

namespace slhmc::test {

namespace {

// nktv2p of LAMMPS `units metal` (pressure in bar from eV/Å³).
constexpr double kNktv2pMetal = 1.6021765e6;

std::string g17(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

Vec3 unit(const Vec3& v) { return (1.0 / norm(v)) * v; }

std::string tail(const std::string& text, std::size_t n = 3000) {
  return text.size() > n ? text.substr(text.size() - n) : text;
}

}  // namespace

bool lammps_available() { return have_program("lmp"); }

LammpsResult run_lammps(const Frame& frame, const std::vector<std::string>& type_symbols_in_order,
                        const std::string& pair_commands, const std::string& workdir) {
  const std::size_t n = frame.size();
  const Cell& cell = frame.cell;
  const bool periodic = cell.fully_periodic();
  if (cell.any_periodic() && !periodic)
    throw std::runtime_error("run_lammps: mixed periodicity is not supported (use p p p or no pbc)");

  // Types.
  std::vector<int> type_of_atom(n);
  std::vector<double> type_mass(type_symbols_in_order.size(), 0.0);
  for (std::size_t t = 0; t < type_symbols_in_order.size(); ++t)
    type_mass[t] = standard_mass(atomic_number(type_symbols_in_order[t]));
  for (std::size_t i = 0; i < n; ++i) {
    int found = -1;
    for (std::size_t t = 0; t < type_symbols_in_order.size(); ++t)
      if (atomic_number(type_symbols_in_order[t]) == frame.numbers[i]) found = static_cast<int>(t);
    if (found < 0) throw std::runtime_error("run_lammps: atom " + std::to_string(i) + " has an element not in the type list");
    type_of_atom[i] = found;
    if (i < frame.masses.size()) type_mass[found] = frame.masses[i];
  }

  // Rotation Q (rows e1, e2, e3) and the LAMMPS box.
  Mat3 Q = identity_mat3();
  Mat3 box{};  // rows a', b', c' in the LAMMPS frame
  std::vector<Vec3> xs(n);
  Vec3 lo{0, 0, 0};
  if (periodic) {
    const Mat3& A = cell.matrix();
    const Vec3 e1 = unit(A[0]);
    const Vec3 e2 = unit(A[1] - dot(A[1], e1) * e1);
    Vec3 e3 = cross(e1, e2);
    if (dot(A[2], e3) < 0) e3 = -e3;
    Q = Mat3{e1, e2, e3};
    for (int r = 0; r < 3; ++r) box[r] = Q * A[r];
    box[0][1] = box[0][2] = box[1][2] = 0.0;  // exact zeros by construction
    // Reduce the tilts into LAMMPS's range by lattice translations.
    box[2] = box[2] - std::round(box[2][1] / box[1][1]) * box[1];
    box[2] = box[2] - std::round(box[2][0] / box[0][0]) * box[0];
    box[1] = box[1] - std::round(box[1][0] / box[0][0]) * box[0];
    const Mat3 inv = inverse(box);
    for (std::size_t i = 0; i < n; ++i) {
      Vec3 s = row_times(Q * frame.positions[i], inv);
      for (double& v : s) {
        v -= std::floor(v);
        if (v >= 1.0) v = 0.0;
      }
      xs[i] = row_times(s, box);
    }
  } else {
    // A box around the atoms with a wide margin (boundary f f f).
    Vec3 mn{1e300, 1e300, 1e300}, mx{-1e300, -1e300, -1e300};
    for (const auto& p : frame.positions)
      for (int d = 0; d < 3; ++d) {
        mn[d] = std::min(mn[d], p[d]);
        mx[d] = std::max(mx[d], p[d]);
      }
    if (n == 0) mn = mx = Vec3{0, 0, 0};
    for (int d = 0; d < 3; ++d) {
      lo[d] = mn[d] - 10.0;
      box[d][d] = mx[d] - mn[d] + 20.0;
    }
    xs = frame.positions;
  }

  // Data file.
  {
    std::ofstream out(workdir + "/data.lmp");
    out << "LAMMPS data file written by slhmc tests\n\n" << n << " atoms\n" << type_symbols_in_order.size() << " atom types\n\n";
    out << g17(lo[0]) << " " << g17(lo[0] + box[0][0]) << " xlo xhi\n";
    out << g17(lo[1]) << " " << g17(lo[1] + box[1][1]) << " ylo yhi\n";
    out << g17(lo[2]) << " " << g17(lo[2] + box[2][2]) << " zlo zhi\n";
    if (periodic) out << g17(box[1][0]) << " " << g17(box[2][0]) << " " << g17(box[2][1]) << " xy xz yz\n";
    out << "\nMasses\n\n";
    for (std::size_t t = 0; t < type_mass.size(); ++t) out << t + 1 << " " << g17(type_mass[t]) << "\n";
    out << "\nAtoms # atomic\n\n";
    for (std::size_t i = 0; i < n; ++i)
      out << i + 1 << " " << type_of_atom[i] + 1 << " " << g17(xs[i][0]) << " " << g17(xs[i][1]) << " " << g17(xs[i][2]) << "\n";
    if (!out) throw std::runtime_error("run_lammps: cannot write " + workdir + "/data.lmp");
  }
  {
    std::ofstream in(workdir + "/in.lmp");
    in << "units metal\natom_style atomic\natom_modify map array\n"
       << "boundary " << (periodic ? "p p p" : "f f f") << "\n"
       << "read_data data.lmp\n"
       << pair_commands << "\n"
       << "neighbor 1.0 bin\nneigh_modify one 20000 page 400000\n"
       << "compute p all pressure NULL virial\n"
       << "thermo_style custom step pe c_p[1] c_p[2] c_p[3] c_p[4] c_p[5] c_p[6]\n"
       << "thermo_modify format float %.17g\n"
       << "dump d all custom 1 forces.dump id fx fy fz\n"
       << "dump_modify d format float %.17g sort id\n"
       << "run 0\n"
       << "print \"$(pe:%.17g) $(c_p[1]:%.17g) $(c_p[2]:%.17g) $(c_p[3]:%.17g) $(c_p[4]:%.17g) "
          "$(c_p[5]:%.17g) $(c_p[6]:%.17g)\" file result.txt screen no\n";
  }
  std::string output;
  const int rc = run_command("cd '" + workdir + "' && lmp -in in.lmp -log lammps.log -screen none", &output);
  if (rc != 0) {
    std::string log;
    try {
      log = read_text(workdir + "/lammps.log");
    } catch (...) {
    }
    throw std::runtime_error("run_lammps: lmp failed (exit " + std::to_string(rc) + "): " + output + "\n" + tail(log));
  }

  LammpsResult result;
  {
    std::istringstream in(read_text(workdir + "/result.txt"));
    double p[6];
    if (!(in >> result.energy >> p[0] >> p[1] >> p[2] >> p[3] >> p[4] >> p[5]))
      throw std::runtime_error("run_lammps: cannot read result.txt");
    const double volume = box[0][0] * box[1][1] * box[2][2];
    const double s = volume / kNktv2pMetal;
    // LAMMPS order: xx yy zz xy xz yz.
    const Mat3 w{Vec3{p[0] * s, p[3] * s, p[4] * s}, Vec3{p[3] * s, p[1] * s, p[5] * s}, Vec3{p[4] * s, p[5] * s, p[2] * s}};
    result.virial = transpose(Q) * w * Q;
  }
  {
    std::istringstream in(read_text(workdir + "/forces.dump"));
    std::string line;
    while (std::getline(in, line) && line.rfind("ITEM: ATOMS", 0) != 0) {
    }
    result.forces.assign(n, Vec3{0, 0, 0});
    std::vector<bool> seen(n, false);
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t id;
      Vec3 fp;
      if (!(in >> id >> fp[0] >> fp[1] >> fp[2]) || id < 1 || id > n)
        throw std::runtime_error("run_lammps: cannot read forces.dump");
      result.forces[id - 1] = transpose(Q) * fp;
      seen[id - 1] = true;
    }
    for (bool s : seen)
      if (!s) throw std::runtime_error("run_lammps: forces.dump misses atoms");
  }
  return result;
}

}  // namespace slhmc::test
