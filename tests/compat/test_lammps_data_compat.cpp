// LAMMPS accepts the data files slhmc writes for general triclinic cells: lmp
// reads one, writes it back with write_data (atoms wrapped, image flags), and
// slhmc reads that file back to the same positions and cell.
#include <gtest/gtest.h>

#include <cmath>

#include "slhmc/core/elements.hpp"
#include "slhmc/io/structure_io.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

TEST(LammpsDataCompat, LammpsReadsWhatSlhmcWrites) {
  if (!test::have_program("lmp")) GTEST_SKIP() << "lmp (LAMMPS) not on PATH";
  test::TempDir dir;
  LabelledFrame lf;
  // Left-handed and strongly skewed: needs the reflection and the tilt reduction.
  lf.frame.cell = Cell(Mat3{Vec3{0.4, 6.0, 1.2}, Vec3{7.0, 1.0, -0.5}, Vec3{-5.8, 7.9, 6.0}}, {true, true, true});
  const std::vector<int> species{22, 8, 8, 1, 29, 8};
  for (std::size_t i = 0; i < species.size(); ++i) {
    const double t = 0.61 * static_cast<double>(i + 1);
    lf.frame.add_atom(species[i], Vec3{9 * std::sin(t), 7 * std::cos(2 * t), 11 * std::sin(3 * t)});
  }
  write_structures(dir.file("in.data"), {lf}, StructureFormat::lammps_data);
  test::write_text(dir.file("in.lmp"),
                   "units metal\natom_style atomic\nboundary p p p\nread_data in.data\nwrite_data out.data\n");
  std::string output;
  ASSERT_EQ(test::run_command("cd '" + dir.path().string() + "' && lmp -in in.lmp -log none -echo none", &output), 0)
      << output;
  ReadOptions options;
  options.format = StructureFormat::lammps_data;
  const LabelledFrame back = read_structure(dir.file("out.data"), options);
  const LabelledFrame expected = to_lammps_orientation(lf);
  ASSERT_EQ(back.frame.numbers, expected.frame.numbers);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(back.frame.cell.matrix()[i][j], expected.frame.cell.matrix()[i][j], 1e-12);
  for (std::size_t i = 0; i < lf.frame.size(); ++i)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(back.frame.positions[i][d], expected.frame.positions[i][d], 1e-10);
  EXPECT_EQ(back.frame.masses, expected.frame.masses);
}

}  // namespace
}  // namespace slhmc
