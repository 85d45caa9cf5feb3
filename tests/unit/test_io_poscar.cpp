// VASP POSCAR/CONTCAR: VASP 5 and 4 layouts, scale factors (incl. a negative
// volume), Direct/Cartesian, selective dynamics, exact round trips, errors.
#include <gtest/gtest.h>

#include <cmath>

#include "io_test_helpers.hpp"

namespace slhmc {
namespace {

using test::expect_parse_error;
using test::read_string;

TEST(PoscarIo, ReadsVasp5DirectWithSelectiveDynamics) {
  const std::string text =
      "rutile TiO2\n"
      "  2.0\n"
      "  2.3 0.0 0.0\n  0.0 2.3 0.0\n  0.0 0.0 1.5\n"
      "  Ti_pv O\n  1 2\n"
      "Selective dynamics\nDirect\n"
      "  0.0 0.0 0.0 T T F\n  0.3 0.3 0.0 T T T\n  0.7 0.7 0.0 F F F ! comment\n"
      "\n  0.1 0.2 0.3\n  0 0 0\n  0 0 0\n";  // CONTCAR velocities are ignored
  const auto f = read_string(text, StructureFormat::poscar).at(0);
  EXPECT_EQ(f.info.at("comment"), "rutile TiO2");
  EXPECT_EQ(f.frame.numbers, (std::vector<int>{22, 8, 8}));
  EXPECT_EQ(f.frame.cell.matrix()[0][0], 4.6);
  EXPECT_EQ(f.frame.cell.matrix()[2][2], 3.0);
  EXPECT_TRUE(f.frame.cell.fully_periodic());
  EXPECT_NEAR(f.frame.positions[1][0], 0.3 * 4.6, 1e-15);
  EXPECT_NEAR(f.frame.positions[2][1], 0.7 * 4.6, 1e-15);
}

TEST(PoscarIo, NegativeScaleIsTheVolumeAndCartesianIsScaled) {
  const std::string text = "x\n-64\n1 0 0\n0 1 0\n0 0 1\nSi\n1\nCartesian\n0.5 0.25 0\n";
  const auto f = read_string(text, StructureFormat::poscar).at(0);
  EXPECT_NEAR(f.frame.cell.volume(), 64.0, 1e-12);
  EXPECT_NEAR(f.frame.positions[0][0], 2.0, 1e-14);  // Cartesian coordinates scale too
  EXPECT_NEAR(f.frame.positions[0][1], 1.0, 1e-14);
}

TEST(PoscarIo, Vasp4NeedsTheTypes) {
  const std::string text = "Ti O\n1.0\n3 0 0\n0 3 0\n0 0 3\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n";
  expect_parse_error(text, StructureFormat::poscar, 6, "species line");
  ReadOptions options;
  options.poscar_type_numbers = {22, 8};
  const auto f = read_string(text, StructureFormat::poscar, options).at(0);
  EXPECT_EQ(f.frame.numbers, (std::vector<int>{22, 8}));
  EXPECT_EQ(f.frame.positions[1], (Vec3{1.5, 1.5, 1.5}));
}

TEST(PoscarIo, RoundTripIsExact) {
  LabelledFrame lf = test::sample_frame({true, true, true}, false, false);
  lf.info["comment"] = "a triclinic test cell";
  const auto back = read_string(test::write_string({lf}, StructureFormat::poscar), StructureFormat::poscar);
  ASSERT_EQ(back.size(), 1u);
  test::expect_same_frame(lf.frame, back[0].frame);  // species runs Ti O O H C O Ti keep their order
  EXPECT_EQ(back[0].info.at("comment"), "a triclinic test cell");
  EXPECT_THROW(test::write_string({test::sample_frame({true, false, true}, false, false)}, StructureFormat::poscar),
               Error);
  EXPECT_THROW(test::write_string({test::sample_frame({false, false, false}, true, false)}, StructureFormat::poscar),
               Error);
}

TEST(PoscarIo, MalformedInputNamesTheLine) {
  const auto p = StructureFormat::poscar;
  const std::string cell = "c\n1.0\n3 0 0\n0 3 0\n0 0 3\n";
  expect_parse_error(cell + "O\n2\nDirect\n0 0 0\n", p, 10, "2 coordinate lines");
  expect_parse_error(cell + "O\n1\nDirect\n0 zero 0\n", p, 9, "finite number");
  expect_parse_error(cell + "O\n1\nDirect\n0 0\n", p, 9, "expected 'x y z'");
  expect_parse_error(cell + "O H\n1\nDirect\n0 0 0\n", p, 7, "2 counts");
  expect_parse_error(cell + "Qx\n1\nDirect\n0 0 0\n", p, 6, "element symbol");
  expect_parse_error(cell + "O\n1\nFractional\n0 0 0\n", p, 8, "Direct");
  expect_parse_error(cell + "O\n1\nSelective\nDirect\n0 0 0 T T\n", p, 10, "T/F");
  expect_parse_error("c\nabc\n", p, 2, "finite number");
  expect_parse_error("c\n1.0\n3 0 0\n0 3 0\n", p, 5, "lattice vector 3");
  expect_parse_error("c\n1.0\n3 0 0\n0 3 0\n6 0 0\nO\n1\nDirect\n0 0 0\n", p, 5, "valid cell");
  expect_parse_error("", p, 1, "comment line");
}

}  // namespace
}  // namespace slhmc
