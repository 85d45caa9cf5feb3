// n2p2 input.data: the reference structures of every n2p2 example, multi-frame
// round trips, unit scaling on reading, and line-numbered errors.
#include <gtest/gtest.h>

#include <filesystem>

#include "io_test_helpers.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

using test::expect_parse_error;
using test::read_string;

TEST(N2p2DataIo, ReadsAllReferenceStructures) {
  SLHMC_REQUIRE_SHARED(folder, "reference/n2p2");
  std::size_t files = 0;
  for (const auto& system : std::filesystem::directory_iterator(folder)) {
    const auto dir = system.path() / "structures";
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".data") continue;
      ReadOptions options;
      options.format = StructureFormat::n2p2;
      const auto frames = read_structures(entry.path().string(), options);
      ASSERT_GE(frames.size(), 1u) << entry.path();
      for (const auto& f : frames) {
        EXPECT_GT(f.frame.size(), 0u) << entry.path();
        EXPECT_EQ(f.labels.forces->size(), f.frame.size());
      }
      ++files;
    }
  }
  EXPECT_GE(files, 20u);
  // One file in detail.
  SLHMC_REQUIRE_SHARED(triclinic, "reference/n2p2/Synth_HCO/structures/s04_triclinic_70.data");
  ReadOptions options;
  options.format = StructureFormat::n2p2;
  const auto f = read_structure(triclinic, options);
  EXPECT_EQ(f.frame.size(), 70u);
  EXPECT_EQ(f.frame.cell.matrix()[2], (Vec3{-1.5, 1.8, 8.8000000000000007}));
  EXPECT_EQ(f.frame.numbers[0], 6);
  EXPECT_EQ(f.frame.positions[0], (Vec3{9.0055602169560220, 7.2388937830056870, 2.0905281450865680}));
  EXPECT_EQ(f.info.at("comment"), "random HCO, triclinic cell, 70 atoms");
}

TEST(N2p2DataIo, MultiFrameRoundTripIsExact) {
  std::vector<LabelledFrame> frames{test::sample_frame({true, true, true}, false, true, 1),
                                    test::sample_frame({false, false, false}, true, true, 2)};
  frames[0].info["comment"] = "first frame";
  frames[1].info["charge"] = "-1";
  const auto back = read_string(test::write_string(frames, StructureFormat::n2p2), StructureFormat::n2p2);
  ASSERT_EQ(back.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    test::expect_same_frame(frames[k].frame, back[k].frame);
    EXPECT_EQ(frames[k].labels.energy, back[k].labels.energy);
    EXPECT_EQ(frames[k].labels.forces, back[k].labels.forces);
  }
  EXPECT_EQ(back[0].info.at("comment"), "first frame");
  EXPECT_EQ(back[1].info.at("charge"), "-1");
  EXPECT_THROW(test::write_string({test::sample_frame({true, false, true}, false, false)}, StructureFormat::n2p2),
               Error);
}

TEST(N2p2DataIo, ScalesUnitsOnReading) {
  const std::string text =
      "begin\nlattice 10 0 0\nlattice 0 10 0\nlattice 0 0 10\n"
      "atom 1 2 3 O 0 0 4 8 -2\nenergy -6\nend\n";
  ReadOptions options;
  options.length_scale = 0.5;
  options.energy_scale = 2.0;
  const auto f = read_string(text, StructureFormat::n2p2, options).at(0);
  EXPECT_EQ(f.frame.positions[0], (Vec3{0.5, 1.0, 1.5}));
  EXPECT_EQ(f.frame.cell.matrix()[1][1], 5.0);
  EXPECT_EQ(*f.labels.energy, -12.0);
  EXPECT_EQ(f.labels.forces->at(0), (Vec3{16, 32, -8}));  // × energy_scale / length_scale
}

TEST(N2p2DataIo, MalformedInputNamesTheLine) {
  const auto d = StructureFormat::n2p2;
  const std::string atom = "atom 0 0 0 H 0 0 0 0 0\n";
  expect_parse_error("begin\n" + atom, d, 3, "expected 'end'");
  expect_parse_error("begin\n" + atom + "end\nbegin\nbogus 1\nend\n", d, 5, "expected comment, lattice");
  expect_parse_error("begin\natom 0 0 0 H 0 0 0 0\nend\n", d, 2, "atom x y z");
  expect_parse_error("begin\natom 0 0 x H 0 0 0 0 0\nend\n", d, 2, "finite number");
  expect_parse_error("begin\natom 0 0 0 Zz 0 0 0 0 0\nend\n", d, 2, "element symbol");
  expect_parse_error("begin\nlattice 1 0 0\nlattice 0 1 0\n" + atom + "end\n", d, 4, "three lattice lines");
  expect_parse_error("begin\n" + atom + "energy\nend\n", d, 3, "energy E");
  expect_parse_error("end\n", d, 1, "expected 'begin'");
  expect_parse_error("begin\n" + atom + "begin\n", d, 3, "got 'begin'");
  expect_parse_error("begin\nlattice 1 0 0\nlattice 2 0 0\nlattice 0 0 1\n" + atom + "end\n", d, 4, "valid cell");
}

}  // namespace
}  // namespace slhmc
