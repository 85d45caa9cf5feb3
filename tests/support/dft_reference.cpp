// Standalone pw.x and CP2K runs on a frame (see dft_reference.hpp).
#include "dft_reference.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/units.hpp"
#include "test_support.hpp"

namespace slhmc::test {

namespace {

constexpr double kForceAuToEvA = units::kHartreeToEv / units::kBohrToAngstrom;

std::string g17(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string bohr_triplet(const Vec3& r_angstrom) {
  return g17(r_angstrom[0] * units::kAngstromToBohr) + " " + g17(r_angstrom[1] * units::kAngstromToBohr) + " " +
         g17(r_angstrom[2] * units::kAngstromToBohr);
}

std::string tail(const std::string& text, std::size_t n = 3000) {
  return text.size() > n ? text.substr(text.size() - n) : text;
}

// Runs `command` in `workdir` and returns its output and wall time; throws with the tail on failure.
std::string run_in(const std::string& workdir, const std::string& command, double* seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string out;
  const int rc = run_command("cd '" + workdir + "' && OMP_NUM_THREADS=1 " + command, &out);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rc != 0) throw std::runtime_error(command + " failed (exit " + std::to_string(rc) + "):\n" + tail(out));
  return out;
}

// The whitespace-separated numbers after the first `tag` (an XML start tag) in `text`.
std::vector<double> xml_numbers(const std::string& text, const std::string& tag, std::size_t count) {
  const auto at = text.find(tag);
  if (at == std::string::npos) throw std::runtime_error("no " + tag + " in the pw.x XML data file");
  std::istringstream in(text.substr(text.find('>', at) + 1));
  std::vector<double> values(count);
  for (double& v : values)
    if (!(in >> v)) throw std::runtime_error("too few numbers after " + tag + " in the pw.x XML data file");
  return values;
}

// The rest of the line after the first occurrence of `marker` at or after `from`.
std::size_t find_or_throw(const std::string& text, const std::string& marker, std::size_t from = 0) {
  const auto at = text.find(marker, from);
  if (at == std::string::npos) throw std::runtime_error("no '" + marker + "' in the CP2K output:\n" + tail(text));
  return at;
}

}  // namespace

// ---- Quantum ESPRESSO ----

bool pw_available(const PwSettings& settings) {
  return have_program("pw.x") &&
         std::filesystem::exists(std::string(kQePseudoDir) + "/" + settings.pseudopotential);
}

std::string pw_geometry_cards(const Frame& frame) {
  for (int z : frame.numbers)
    if (z != 14) throw std::runtime_error("pw.x inputs: only silicon frames are supported");
  std::string cards = "CELL_PARAMETERS bohr\n";
  for (const Vec3& a : frame.cell.matrix()) cards += "  " + bohr_triplet(a) + "\n";
  cards += "ATOMIC_POSITIONS bohr\n";
  for (const Vec3& r : frame.positions) cards += "  Si " + bohr_triplet(r) + "\n";
  return cards;
}

std::string pw_input(const Frame& frame, const PwSettings& s) {
  std::ostringstream in;
  in << "&control\n"
        "  calculation = 'scf'\n"
        "  prefix = 'pw'\n"
        "  outdir = './out'\n"
        "  pseudo_dir = '" << kQePseudoDir << "'\n"
        "  tprnfor = .true.\n"   // forces
        "  tstress = .true.\n"   // stress (the driver returns the virial either way)
        "/\n"
        "&system\n"
        "  ibrav = 0\n"
        "  nat = " << frame.size() << "\n"
        "  ntyp = 1\n"
        "  ecutwfc = " << s.ecutwfc_ry << "\n"
        "  nosym = .true.\n"
        "/\n"
        "&electrons\n"
        "  conv_thr = " << g17(s.conv_thr_ry) << "\n"
        "/\n"
        "ATOMIC_SPECIES\n"
        "  Si 28.0855 " << s.pseudopotential << "\n"
     << pw_geometry_cards(frame) << "K_POINTS automatic\n  " << s.kpoints << " " << s.kpoints << " " << s.kpoints << " 0 0 0\n";
  return in.str();
}

DftResult run_pw(const Frame& frame, const PwSettings& settings, const std::string& workdir) {
  write_text(workdir + "/pw.in", pw_input(frame, settings));
  DftResult r;
  run_in(workdir, "pw.x -in pw.in", &r.seconds);
  // The XML holds Hartree units at full precision (the text output rounds to 1e-8 Ry).
  const std::string xml = read_text(workdir + "/out/pw.save/data-file-schema.xml");
  const std::size_t n = frame.size();
  r.energy = xml_numbers(xml, "<etot>", 1)[0] * units::kHartreeToEv;
  const auto f = xml_numbers(xml, "<forces rank=", 3 * n);  // Ha/Bohr, atom by atom
  for (std::size_t i = 0; i < n; ++i)
    r.forces.push_back(kForceAuToEvA * Vec3{f[3 * i], f[3 * i + 1], f[3 * i + 2]});
  // σ in Ha/Bohr³, positive under compression: W = V·σ.
  const auto sigma = xml_numbers(xml, "<stress rank=", 9);
  const double volume_bohr3 = frame.cell.volume() * std::pow(units::kAngstromToBohr, 3);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) r.virial[a][b] = sigma[3 * a + b] * volume_bohr3 * units::kHartreeToEv;
  return r;
}

// ---- CP2K ----

bool cp2k_available() { return have_program("cp2k"); }

std::string cp2k_xtb_input(const Frame& frame, const std::string& driver_socket) {
  std::ostringstream in;
  in << "&GLOBAL\n"
        "  PROJECT cp2k\n"
        "  RUN_TYPE " << (driver_socket.empty() ? "ENERGY_FORCE" : "DRIVER") << "\n"
        "  PRINT_LEVEL LOW\n"
        "&END GLOBAL\n"
        "&FORCE_EVAL\n"
        "  METHOD QS\n"
        "  STRESS_TENSOR ANALYTICAL\n"  // without it the driver returns a zero virial
        "  &DFT\n"
        "    &QS\n"
        "      METHOD xTB\n"
        "      &xTB\n"
        "        DO_EWALD T\n"
        "      &END xTB\n"
        "    &END QS\n"
        "    &SCF\n"
        // 1e-9 left the energy 3e-8 Ha (0.7 µeV) from convergence; 1e-11 gives
        // the same energy from any starting guess to 1e-14 Ha.
        "      EPS_SCF 1.0E-11\n"
        "      MAX_SCF 100\n"
        "    &END SCF\n"
        "  &END DFT\n"
        "  &SUBSYS\n"
        "    &CELL\n";
  const char* names[3] = {"A", "B", "C"};
  for (int k = 0; k < 3; ++k) in << "      " << names[k] << " [bohr] " << bohr_triplet(frame.cell.matrix()[k]) << "\n";
  in << "      PERIODIC XYZ\n"
        "    &END CELL\n"
        "    &COORD\n"
        "      UNIT bohr\n";
  for (std::size_t i = 0; i < frame.size(); ++i)
    in << "      " << element_symbol(frame.numbers[i]) << " " << bohr_triplet(frame.positions[i]) << "\n";
  in << "    &END COORD\n"
        "  &END SUBSYS\n"
        "  &PRINT\n"
        "    &FORCES ON\n"
        "    &END FORCES\n"
        "    &STRESS_TENSOR ON\n"
        "    &END STRESS_TENSOR\n"
        "  &END PRINT\n"
        "&END FORCE_EVAL\n";
  if (!driver_socket.empty())
    in << "&MOTION\n"
          "  &DRIVER\n"
          "    HOST " << driver_socket << "\n"
          "    UNIX T\n"
          "  &END DRIVER\n"
          "&END MOTION\n";
  return in.str();
}

DftResult run_cp2k(const Frame& frame, const std::string& workdir) {
  write_text(workdir + "/cp2k.inp", cp2k_xtb_input(frame));
  DftResult r;
  const std::string out = run_in(workdir, "cp2k -i cp2k.inp", &r.seconds);
  const std::size_t n = frame.size();

  std::size_t at = find_or_throw(out, "ENERGY| Total FORCE_EVAL");
  r.energy = std::stod(out.substr(out.find(':', at) + 1)) * units::kHartreeToEv;

  // "ATOMIC FORCES in [a.u.]", a blank line, a header, then "index kind element fx fy fz".
  at = find_or_throw(out, "ATOMIC FORCES in [a.u.]");
  std::istringstream forces(out.substr(out.find("# Atom", at)));
  std::string line;
  std::getline(forces, line);
  for (std::size_t i = 0; i < n; ++i) {
    int index = 0, kind = 0;
    std::string element;
    Vec3 f{};
    if (!(forces >> index >> kind >> element >> f[0] >> f[1] >> f[2]) || index != static_cast<int>(i + 1))
      throw std::runtime_error("cannot read CP2K's force on atom " + std::to_string(i + 1));
    r.forces.push_back(kForceAuToEvA * f);
  }

  // "STRESS| Analytical stress tensor [GPa]", a header, then "STRESS| x σxx σxy σxz" etc.;
  // σ is positive under compression, so W = V·σ.
  at = find_or_throw(out, "STRESS| Analytical stress tensor [GPa]");
  std::istringstream stress(out.substr(at));
  std::getline(stress, line);
  std::getline(stress, line);
  for (int a = 0; a < 3; ++a) {
    std::string tag, axis;
    Vec3 s{};
    if (!(stress >> tag >> axis >> s[0] >> s[1] >> s[2]))
      throw std::runtime_error("cannot read CP2K's stress tensor");
    r.virial[a] = (frame.cell.volume() / units::kEvPerA3ToGPa) * s;
  }
  return r;
}

}  // namespace slhmc::test
