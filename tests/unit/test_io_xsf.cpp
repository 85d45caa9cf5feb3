// XSF (as aenet reads it): the 1000-structure TiO₂ set and the aenet
// reference structures, exact round trips, and line-numbered errors.
#include <gtest/gtest.h>

#include <filesystem>

#include "io_test_helpers.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

using test::expect_parse_error;
using test::read_string;

TEST(XsfIo, ReadsTheTio2DataSet) {
  SLHMC_REQUIRE_SHARED(archive, "data/tio2-dft-1000/dir_xsf.tar.gz");
  test::TempDir dir;
  std::string output;
  ASSERT_EQ(test::run_command("tar xzf '" + archive + "' -C '" + dir.path().string() + "'", &output), 0) << output;
  std::size_t files = 0, atoms = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "dir_xsf")) {
    const LabelledFrame f = read_structure(entry.path().string());
    ++files;
    atoms += f.frame.size();
    ASSERT_TRUE(f.labels.energy) << entry.path();
    ASSERT_TRUE(f.labels.forces) << entry.path();
    EXPECT_TRUE(f.frame.cell.fully_periodic());
    EXPECT_GE(f.frame.size(), 6u);
    EXPECT_LE(f.frame.size(), 95u);
  }
  EXPECT_EQ(files, 1000u);
  EXPECT_GT(atoms, 6000u);

  const LabelledFrame first = read_structure((dir.path() / "dir_xsf" / "structure0001.xsf").string());
  EXPECT_EQ(*first.labels.energy, -19960.66173260);
  ASSERT_EQ(first.frame.size(), 24u);
  EXPECT_EQ(first.frame.numbers[0], 22);
  EXPECT_EQ(first.frame.positions[0], (Vec3{4.42027297, 7.02709599, 2.24183899}));
  EXPECT_EQ(first.labels.forces->at(0), (Vec3{0.07592985, -0.40427630, 0.69417754}));
  EXPECT_EQ(first.frame.cell.matrix()[1], (Vec3{0.0, 9.29699974, 0.0}));
  const LabelledFrame last = read_structure((dir.path() / "dir_xsf" / "structure1000.xsf").string());
  EXPECT_EQ(*last.labels.energy, -19518.11004684);
  EXPECT_EQ(last.frame.size(), 23u);
  EXPECT_EQ(last.frame.positions[2], (Vec3{1.55088400, 7.05778103, 2.24557901}));
}

TEST(XsfIo, ReadsTheAenetReferenceStructures) {
  SLHMC_REQUIRE_SHARED(folder, "reference/aenet/structures");
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".xsf") continue;
    const LabelledFrame f = read_structure(entry.path().string());
    EXPECT_GT(f.frame.size(), 0u) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 10u);
}

TEST(XsfIo, RoundTripIsExact) {
  for (bool isolated : {false, true}) {
    LabelledFrame lf = test::sample_frame({true, true, true}, isolated, true);
    lf.labels.virial.reset();  // XSF holds energy and forces only
    lf.labels.atomic_energies.reset();
    const auto back = read_string(test::write_string({lf}, StructureFormat::xsf), StructureFormat::xsf);
    ASSERT_EQ(back.size(), 1u);
    test::expect_same_frame(lf.frame, back[0].frame);
    EXPECT_EQ(lf.labels.energy, back[0].labels.energy);
    EXPECT_EQ(lf.labels.forces, back[0].labels.forces);
  }
  // Without labels, and a slab.
  const LabelledFrame slab = test::sample_frame({true, true, false}, false, false);
  const auto back = read_string(test::write_string({slab}, StructureFormat::xsf), StructureFormat::xsf);
  test::expect_same_frame(slab.frame, back.at(0).frame);
  EXPECT_FALSE(back[0].labels.energy);
  EXPECT_FALSE(back[0].labels.forces);
  EXPECT_THROW(test::write_string({test::sample_frame({false, true, false}, false, false)}, StructureFormat::xsf),
               Error);
}

TEST(XsfIo, ReadsAtomicNumbersAndIsolatedStructures) {
  const auto f = read_string("# cohesive energy = -3.5 eV\nATOMS\n8 0 0 0\n1 0.96 0 0\nH -0.24 0.93 0\n\n",
                             StructureFormat::xsf)
                     .at(0);
  EXPECT_EQ(f.frame.numbers, (std::vector<int>{8, 1, 1}));
  EXPECT_EQ(*f.labels.energy, -3.5);
  EXPECT_FALSE(f.frame.cell.any_periodic());
}

TEST(XsfIo, MalformedInputNamesTheLine) {
  const auto xsf = StructureFormat::xsf;
  const std::string head = "# total energy = -1.0 eV\nCRYSTAL\nPRIMVEC\n3 0 0\n0 3 0\n0 0 3\nPRIMCOORD\n";
  expect_parse_error(head + "2 1\nO 0 0 0\n", xsf, 9, "expected 2 atom lines");
  expect_parse_error(head + "1 1\nO 0 0 0\nO 1 1 1\n", xsf, 10, "expected the end of the file");
  expect_parse_error(head + "1 1\nO 0 0 zero\n", xsf, 9, "finite number");
  expect_parse_error(head + "1 1\nQq 0 0 0\n", xsf, 9, "element symbol");
  expect_parse_error(head + "2 1\nO 0 0 0 1 1 1\nO 0 0 0\n", xsf, 10, "forces on all atom lines");
  expect_parse_error(head + "1 1\nO 0 0 0 1 1\n", xsf, 9, "atom line");
  expect_parse_error(head + "one 1\n", xsf, 8, "integer");
  expect_parse_error("CRYSTAL\nPRIMCOORD\n1 1\nO 0 0 0\n", xsf, 2, "PRIMVEC");
  expect_parse_error("CRYSTAL\nPRIMVEC\n3 0 0\n0 3 0\n", xsf, 4, "3 lattice vectors");
  expect_parse_error("CRYSTAL\nPRIMVEC\n3 0 0\n0 3 0\n6 0 0\nPRIMCOORD\n1 1\nO 0 0 0\n", xsf, 5, "valid cell");
  expect_parse_error("# total energy = abc\nATOMS\nH 0 0 0\n", xsf, 1, "total energy");
  expect_parse_error("# nothing\n", xsf, 1, "PRIMCOORD or ATOMS");
  expect_parse_error("ANIMSTEPS 3\n", xsf, 1, "keyword");
}

}  // namespace
}  // namespace slhmc
