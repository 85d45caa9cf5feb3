// ASE compatibility of the extended XYZ reader and writer: ASE (Debian
// python3-ase) reads what slhmc writes, and slhmc reads what ASE writes, with
// the same positions, cell, pbc, energy, forces and stress to 1e-12.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "slhmc/core/elements.hpp"
#include "slhmc/io/structure_io.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

const char* kPython = "/usr/bin/python3";

bool have_ase() { return test::run_command(std::string(kPython) + " -c 'import ase' >/dev/null 2>&1") == 0; }

// Prints every frame as ASE sees it, numbers with repr (exact) precision.
const char* kDumpScript = R"PY(
import sys
import numpy as np
from ase.io import read

def dump(frames):
    for atoms in frames:
        print("frame", len(atoms))
        print("pbc", *[int(p) for p in atoms.pbc])
        print("cell", *[repr(float(x)) for x in atoms.cell.array.reshape(-1)])
        print("numbers", *[int(z) for z in atoms.numbers])
        print("positions", *[repr(float(x)) for x in atoms.positions.reshape(-1)])
        calc = atoms.calc
        results = calc.results if calc is not None else {}
        if "energy" in results:
            print("energy", repr(float(results["energy"])))
        if "forces" in results:
            print("forces", *[repr(float(x)) for x in np.asarray(results["forces"]).reshape(-1)])
        if "stress" in results:
            s = np.asarray(results["stress"]).reshape(-1)
            if s.size == 6:  # Voigt xx yy zz yz xz xy
                s = np.array([s[0], s[5], s[4], s[5], s[1], s[3], s[4], s[3], s[2]])
            print("stress", *[repr(float(x)) for x in s])
        if "config_type" in atoms.info:
            print("config_type", atoms.info["config_type"])

if __name__ == "__main__":
    if len(sys.argv) > 2:  # write frames with ASE first
        from ase import Atoms
        from ase.calculators.singlepoint import SinglePointCalculator
        from ase.io import write
        rng = np.random.default_rng(7)
        a = Atoms("TiO2H", positions=rng.random((4, 3)) * 4.0,
                  cell=[[4.1, 0.0, 0.0], [0.7, 3.9, 0.0], [-0.4, 0.3, 5.2]], pbc=[True, False, True])
        a.calc = SinglePointCalculator(a, energy=-12.3456789012345, forces=rng.random((4, 3)) - 0.5,
                                       stress=(rng.random(6) - 0.5) * 1e-2)
        a.info["config_type"] = "slab"
        b = Atoms("CH4", positions=rng.random((5, 3)) * 3.0)
        b.calc = SinglePointCalculator(b, energy=-5.5, forces=rng.random((5, 3)))
        write(sys.argv[2], [a, b], format="extxyz")
    dump(read(sys.argv[1], index=":", format="extxyz"))
)PY";

struct AseFrame {
  Pbc pbc{};
  Mat3 cell{};
  std::vector<int> numbers;
  std::vector<double> positions, forces, stress;
  std::optional<double> energy;
  std::string config_type;
};

std::vector<AseFrame> parse_dump(const std::string& text) {
  std::vector<AseFrame> frames;
  std::istringstream in(text);
  std::string line;
  auto numbers = [](std::istringstream& ss) {
    std::vector<double> v;
    std::string t;
    while (ss >> t) v.push_back(std::stod(t));
    return v;
  };
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string key;
    ss >> key;
    if (key == "frame") frames.emplace_back();
    if (frames.empty()) continue;
    AseFrame& f = frames.back();
    if (key == "pbc") ss >> f.pbc[0] >> f.pbc[1] >> f.pbc[2];
    if (key == "cell") {
      const auto v = numbers(ss);
      for (int k = 0; k < 9; ++k) f.cell[k / 3][k % 3] = v.at(static_cast<std::size_t>(k));
    }
    if (key == "numbers") {
      int z;
      while (ss >> z) f.numbers.push_back(z);
    }
    if (key == "positions") f.positions = numbers(ss);
    if (key == "forces") f.forces = numbers(ss);
    if (key == "stress") f.stress = numbers(ss);
    if (key == "energy") f.energy = numbers(ss).at(0);
    if (key == "config_type") ss >> f.config_type;
  }
  return frames;
}

void expect_close(double a, double b, const std::string& what) {
  EXPECT_LE(std::fabs(a - b), 1e-12 * std::max(1.0, std::fabs(a))) << what << ": " << a << " vs " << b;
}

// Our frame against ASE's view of the same file.
void compare(const LabelledFrame& ours, const AseFrame& ase) {
  const Frame& f = ours.frame;
  ASSERT_EQ(f.numbers, ase.numbers);
  EXPECT_EQ(f.cell.pbc(), ase.pbc);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) expect_close(f.cell.matrix()[i][j], ase.cell[i][j], "cell");
  ASSERT_EQ(ase.positions.size(), 3 * f.size());
  for (std::size_t i = 0; i < f.size(); ++i)
    for (int d = 0; d < 3; ++d) expect_close(f.positions[i][d], ase.positions[3 * i + d], "position");
  ASSERT_EQ(ours.labels.energy.has_value(), ase.energy.has_value());
  if (ase.energy) expect_close(*ours.labels.energy, *ase.energy, "energy");
  ASSERT_EQ(ours.labels.forces.has_value(), !ase.forces.empty());
  if (ours.labels.forces)
    for (std::size_t i = 0; i < f.size(); ++i)
      for (int d = 0; d < 3; ++d) expect_close((*ours.labels.forces)[i][d], ase.forces.at(3 * i + d), "force");
  if (!ase.stress.empty()) {
    ASSERT_TRUE(ours.labels.virial);
    const double volume = f.cell.volume();
    for (int k = 0; k < 9; ++k)  // W = −V σ
      expect_close((*ours.labels.virial)[k / 3][k % 3], -volume * ase.stress[static_cast<std::size_t>(k)], "virial");
  }
}

LabelledFrame frame_for_ase(unsigned seed, Pbc pbc, bool isolated) {
  LabelledFrame lf;
  Frame& f = lf.frame;
  if (!isolated) f.cell = Cell(Mat3{Vec3{5.3, 0.0, 0.0}, Vec3{1.1, 4.9, 0.0}, Vec3{-0.7, 0.45, 6.1}}, pbc);
  const std::vector<int> species{22, 8, 8, 1, 79};
  Mat3 w{};
  for (std::size_t i = 0; i < species.size(); ++i) {
    const double t = 0.37 * static_cast<double>(i + seed);
    f.add_atom(species[i], Vec3{std::sin(t) * 3.1, std::cos(1.3 * t) * 2.7, std::fmod(t * 1.7, 5.0)});
  }
  lf.labels.energy = -17.123456789012345 * seed;
  lf.labels.forces.emplace();
  for (std::size_t i = 0; i < species.size(); ++i)
    lf.labels.forces->push_back(Vec3{std::sin(1.1 * i), std::cos(2.3 * i), 1e-3 * std::sin(i + 0.1)});
  if (!isolated) {
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b <= a; ++b) w[a][b] = w[b][a] = std::sin(3.0 * a + b + seed) * 2.5;
    lf.labels.virial = w;
  }
  lf.info["config_type"] = "test_" + std::to_string(seed);
  return lf;
}

TEST(AseExtxyz, AseReadsWhatSlhmcWrites) {
  if (!have_ase()) GTEST_SKIP() << "python3 with ase not available (/usr/bin/python3 -c 'import ase' failed)";
  test::TempDir dir;
  const std::vector<LabelledFrame> frames{frame_for_ase(1, {true, true, true}, false),
                                          frame_for_ase(2, {true, false, true}, false),
                                          frame_for_ase(3, {false, false, false}, true)};
  write_structures(dir.file("ours.xyz"), frames, StructureFormat::extxyz);
  test::write_text(dir.file("dump.py"), kDumpScript);
  std::string output;
  ASSERT_EQ(test::run_command(std::string(kPython) + " " + dir.file("dump.py") + " " + dir.file("ours.xyz"), &output), 0)
      << output;
  const auto ase = parse_dump(output);
  ASSERT_EQ(ase.size(), frames.size()) << output;
  EXPECT_EQ(ase[0].stress.size(), 9u) << "ASE must see the stress of a periodic frame";
  EXPECT_EQ(ase[1].stress.size(), 9u);
  for (std::size_t k = 0; k < frames.size(); ++k) {
    SCOPED_TRACE("frame " + std::to_string(k));
    compare(frames[k], ase[k]);
    EXPECT_EQ(ase[k].config_type, frames[k].info.at("config_type"));
  }
}

TEST(AseExtxyz, SlhmcReadsWhatAseWrites) {
  if (!have_ase()) GTEST_SKIP() << "python3 with ase not available (/usr/bin/python3 -c 'import ase' failed)";
  test::TempDir dir;
  test::write_text(dir.file("dump.py"), kDumpScript);
  std::string output;
  const std::string file = dir.file("ase.xyz");
  ASSERT_EQ(test::run_command(std::string(kPython) + " " + dir.file("dump.py") + " " + file + " " + file, &output), 0)
      << output;
  const auto ase = parse_dump(output);
  const auto ours = read_structures(file);
  ASSERT_EQ(ase.size(), 2u) << output;
  ASSERT_EQ(ours.size(), 2u);
  EXPECT_EQ(ours[0].frame.cell.pbc(), (Pbc{true, false, true}));
  EXPECT_FALSE(ours[1].frame.cell.any_periodic());
  EXPECT_EQ(ours[0].info.at("config_type"), "slab");
  for (std::size_t k = 0; k < 2; ++k) {
    SCOPED_TRACE("frame " + std::to_string(k));
    compare(ours[k], ase[k]);
  }
  EXPECT_TRUE(ours[0].labels.virial);
  EXPECT_FALSE(ours[1].labels.virial);
}

}  // namespace
}  // namespace slhmc
