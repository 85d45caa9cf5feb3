// LAMMPS data (atomic style): the rotation into LAMMPS orientation and the
// tilt reduction, exact round trips, reading ids out of order, image flags,
// type mapping, and line-numbered errors.
#include <gtest/gtest.h>

#include <cmath>

#include "io_test_helpers.hpp"
#include "slhmc/core/elements.hpp"

namespace slhmc {
namespace {

using test::expect_parse_error;
using test::read_string;

void expect_orthogonal(const Mat3& r) {
  const Mat3 p = r * transpose(r);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(p[i][j], i == j ? 1.0 : 0.0, 1e-14);
}

TEST(LammpsDataIo, RotationBringsAnyCellIntoLammpsForm) {
  const Mat3 right{Vec3{3.0, 1.0, -0.5}, Vec3{0.4, 4.0, 1.2}, Vec3{-0.8, 0.9, 5.0}};
  Mat3 left = right;
  std::swap(left[0], left[1]);  // left-handed
  for (const Mat3& rows : {right, left}) {
    const Cell cell(rows, {true, true, true});
    const Mat3 r = lammps_rotation(cell);
    expect_orthogonal(r);
    const Mat3 turned = rows * transpose(r);
    EXPECT_NEAR(turned[0][1], 0.0, 1e-14);
    EXPECT_NEAR(turned[0][2], 0.0, 1e-14);
    EXPECT_NEAR(turned[1][2], 0.0, 1e-14);
    EXPECT_GT(turned[0][0], 0.0);
    EXPECT_GT(turned[1][1], 0.0);
    EXPECT_GT(turned[2][2], 0.0);
    // Lengths and angles are kept.
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) EXPECT_NEAR(dot(turned[i], turned[j]), dot(rows[i], rows[j]), 1e-12);
  }
  EXPECT_LT(determinant(lammps_rotation(Cell(left, {true, true, true}))), 0.0);  // a reflection
  EXPECT_THROW(lammps_rotation(Cell()), Error);
}

TEST(LammpsDataIo, OrientationKeepsPhysicsAndReducesTilts) {
  LabelledFrame lf = test::sample_frame({true, true, true}, false, true);
  // A strongly skewed cell: b and c lean far beyond LAMMPS' tilt limits.
  lf.frame.cell = Cell(Mat3{Vec3{5.0, 0.3, 0.2}, Vec3{7.9, 4.5, -0.4}, Vec3{-6.1, 9.7, 5.2}}, {true, true, true});
  Mat3 r{};
  const LabelledFrame lmp = to_lammps_orientation(lf, &r);
  const Mat3& c = lmp.frame.cell.matrix();
  EXPECT_EQ(c[0][1], 0.0);
  EXPECT_EQ(c[0][2], 0.0);
  EXPECT_EQ(c[1][2], 0.0);
  EXPECT_LE(std::fabs(c[1][0]), 0.5 * c[0][0] + 1e-12);
  EXPECT_LE(std::fabs(c[2][0]), 0.5 * c[0][0] + 1e-12);
  EXPECT_LE(std::fabs(c[2][1]), 0.5 * c[1][1] + 1e-12);
  EXPECT_NEAR(lmp.frame.cell.volume(), lf.frame.cell.volume(), 1e-10);
  // The reduced cell spans the same lattice: rotated old rows = integer combinations of the new ones.
  const Mat3 m = (lf.frame.cell.matrix() * transpose(r)) * inverse(c);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(m[i][j], std::round(m[i][j]), 1e-10);
  // Distances (minimum image), forces and virial turn back exactly enough.
  for (std::size_t i = 0; i < lf.frame.size(); ++i) {
    for (std::size_t j = 0; j < lf.frame.size(); ++j) {
      const double d0 = norm(lf.frame.cell.minimum_image(lf.frame.positions[j] - lf.frame.positions[i]));
      const double d1 = norm(lmp.frame.cell.minimum_image(lmp.frame.positions[j] - lmp.frame.positions[i]));
      EXPECT_NEAR(d0, d1, 1e-12);
    }
    const Vec3 back = transpose(r) * (*lmp.labels.forces)[i];
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(back[d], (*lf.labels.forces)[i][d], 1e-14);
  }
  test::expect_near_mat(transpose(r) * *lmp.labels.virial * r, *lf.labels.virial, 1e-13);
}

TEST(LammpsDataIo, RoundTripGivesTheLammpsOrientedFrameExactly) {
  LabelledFrame lf = test::sample_frame({true, true, true}, false, false);
  const std::string text = test::write_string({lf}, StructureFormat::lammps_data);
  EXPECT_NE(text.find("xy xz yz"), std::string::npos);
  EXPECT_NE(text.find("Atoms # atomic"), std::string::npos);
  const auto back = read_string(text, StructureFormat::lammps_data);
  ASSERT_EQ(back.size(), 1u);
  test::expect_same_frame(to_lammps_orientation(lf).frame, back[0].frame);
  // Explicit type order.
  WriteOptions options;
  options.lammps_type_numbers = {8, 22, 6, 1, 79};
  const std::string ordered = test::write_string({lf}, StructureFormat::lammps_data, options);
  EXPECT_NE(ordered.find("1 15.999 # O"), std::string::npos) << ordered;
  test::expect_same_frame(to_lammps_orientation(lf).frame, read_string(ordered, StructureFormat::lammps_data).at(0).frame);
  options.lammps_type_numbers = {8};
  EXPECT_THROW(test::write_string({lf}, StructureFormat::lammps_data, options), Error);
  lf.frame.masses[1] = 17.999;  // two masses for one type (O) cannot be written
  EXPECT_THROW(test::write_string({lf}, StructureFormat::lammps_data), Error);
  EXPECT_THROW(test::write_string({test::sample_frame({}, true, false)}, StructureFormat::lammps_data), Error);
}

TEST(LammpsDataIo, ReadsIdsOutOfOrderImageFlagsAndTypeMaps) {
  const std::string text =
      "title line\n\n"
      " 3 atoms\n 2 atom types\n 0 bonds\n"
      "-1.0 4.0 xlo xhi\n0 5 ylo yhi\n0.0 6.0 zlo zhi\n1.0 0.5 -0.5 xy xz yz\n\n"
      "Masses\n\n1 63.546\n2 15.999  # oxygen\n\n"
      "Atoms # atomic\n\n"
      "3 2 1.0 1.0 1.0\n"
      "1 1 0.0 0.0 0.0 1 0 -1\n"
      "2 1 2.0 2.0 2.0 # a comment\n\n"
      "Velocities\n\n1 0 0 0\n2 0.1 0.2 0.3\n3 0 0 0\n";
  const auto f = read_string(text, StructureFormat::lammps_data).at(0);
  EXPECT_EQ(f.frame.numbers, (std::vector<int>{29, 29, 8}));  // Cu by its mass
  const Mat3& c = f.frame.cell.matrix();
  EXPECT_EQ(c[0], (Vec3{5, 0, 0}));
  EXPECT_EQ(c[1], (Vec3{1, 5, 0}));
  EXPECT_EQ(c[2], (Vec3{0.5, -0.5, 6}));
  // id 1: (0,0,0) − lo + 1·a − 1·c.
  EXPECT_EQ(f.frame.positions[0], (Vec3{1 + 5 - 0.5, 0 + 0.5, -6}));
  EXPECT_EQ(f.frame.positions[2], (Vec3{2.0, 1.0, 1.0}));
  EXPECT_EQ(f.frame.masses[2], 15.999);
  ReadOptions options;
  options.lammps_type_numbers = {47, 9};
  EXPECT_EQ(read_string(text, StructureFormat::lammps_data, options).at(0).frame.numbers,
            (std::vector<int>{47, 47, 9}));
  options.lammps_type_numbers = {47};
  expect_parse_error(text, StructureFormat::lammps_data, 4, "lammps_type_numbers", options);
}

TEST(LammpsDataIo, MalformedInputNamesTheLine) {
  const auto l = StructureFormat::lammps_data;
  const std::string head = "t\n2 atoms\n1 atom types\n0 3 xlo xhi\n0 3 ylo yhi\n0 3 zlo zhi\n\nMasses\n\n1 12.011\n\n";
  expect_parse_error(head + "Atoms\n\n1 1 0 0 0\n", l, 15, "expected 2 lines in section Atoms");
  expect_parse_error(head + "Atoms\n\n1 1 0 0 0\n1 1 1 1 1\n", l, 15, "unique atom ids");
  expect_parse_error(head + "Atoms\n\n1 1 0 0 0\n2 2 1 1 1\n", l, 15, "atom type in 1..1");
  expect_parse_error(head + "Atoms\n\n1 1 0 0 0\n2 1 1 x 1\n", l, 15, "finite number");
  expect_parse_error(head + "Atoms\n\n1 1 0 0 0\n2 1 1 1\n", l, 15, "id type x y z");
  expect_parse_error(head + "Atoms # charge\n\n", l, 12, "atom style 'atomic'");
  expect_parse_error(head + "Atoms\n\n1 1 0 0 0\n2 1 1 1 1\n3 1 2 2 2\n", l, 16, "section keyword");
  expect_parse_error(head + "Bonds\n\n", l, 12, "Masses, Atoms, Velocities");
  expect_parse_error("t\n2 atoms\n1 atom types\n0 3 xlo xhi\n0 3 ylo yhi\n\nAtoms\n\n1 1 0 0 0\n2 1 1 1 1\n", l, 7,
                     "zlo zhi");
  expect_parse_error("t\n2 atoms\n1 atom types\n3 0 xlo xhi\n", l, 4, "upper bound");
  expect_parse_error("t\n2 atoms\n7 dihedrals\n", l, 3, "atomic-style header");
  expect_parse_error("t\n1 atoms\n1 atom types\n0 3 xlo xhi\n0 3 ylo yhi\n0 3 zlo zhi\n\nMasses\n\n1 1234.5\n\n"
                     "Atoms\n\n1 1 0 0 0\n",
                     l, 8, "standard atomic mass");
  expect_parse_error("", l, 1, "empty");
}

}  // namespace
}  // namespace slhmc

TEST(LammpsData, EmptyFrameWithoutTypesIsRefusedOnWrite) {
  // LAMMPS requires at least one atom type; writing "0 atom types" would give a file nobody reads.
  slhmc::LabelledFrame empty;
  empty.frame.cell = slhmc::Cell::orthorhombic(5, 5, 5);
  std::ostringstream out;
  EXPECT_THROW(slhmc::write_structure(out, empty, slhmc::StructureFormat::lammps_data), slhmc::Error);
  slhmc::WriteOptions with_types;
  with_types.lammps_type_numbers = {14};
  std::ostringstream ok;
  slhmc::write_structure(ok, empty, slhmc::StructureFormat::lammps_data, with_types);
  std::istringstream in(ok.str());
  slhmc::ReadOptions ro;
  ro.format = slhmc::StructureFormat::lammps_data;
  ro.lammps_type_numbers = {14};
  slhmc::StructureReader reader(in, "empty.data", ro);
  const auto back = reader.next();
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->frame.size(), 0u);
}
