// `slhmc train` end to end on a small extxyz data set: outputs, the model is
// usable by `slhmc predict`, a committee, and clear errors for bad keys and
// bad data.
#include <gtest/gtest.h>

#include <filesystem>

#include "slhmc/io/structure_io.hpp"
#include "learning_fixtures.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

const char* const kTrainConfig = R"toml(
[data]
files = ["data.xyz"]
validation_fraction = 0.25
[model]
radial_cutoff = 4.0
radial_order = 6
angular_cutoff = 3.5
angular_order = 3
hidden = [6, 6]
[optimizer]
learning_rate = 0.005
batch_size = 4
epochs = 20
[run]
threads = 1
[output]
directory = "out"
)toml";

void write_data(const std::string& path) {
  write_structures(path, test::sw_silicon_frames(12, 3, 0.98, 0.04, 0.1), StructureFormat::extxyz);
}

TEST(CliTrain, TrainsWritesAndPredicts) {
  SLHMC_REQUIRE_EXE(exe);
  if (!std::filesystem::exists("/usr/share/lammps/potentials/Si.sw")) GTEST_SKIP() << "Si.sw not installed";
  test::TempDir tmp;
  write_data(tmp.file("data.xyz"));
  test::write_text(tmp.file("train.toml"), kTrainConfig);
  const std::string cd = "cd " + tmp.path().string() + " && ";
  std::string out;
  ASSERT_EQ(test::run_command(cd + exe + " train train.toml", &out), 0) << out;
  for (const char* f : {"model.nnp", "Si.nn.ascii", "learning_curve.csv", "learning_curve.svg", "parity_energy.svg",
                        "parity_forces.svg"})
    EXPECT_TRUE(std::filesystem::exists(tmp.file(std::string("out/") + f))) << f;
  EXPECT_NE(out.find("model version 1"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(cd + exe + " predict --model out/model.nnp data.xyz", &out), 0) << out;
  // Warm start: version 2, parent 1.
  ASSERT_EQ(test::run_command(cd + exe + " train train.toml --set model.init=out/model.nnp --set output.directory=out2 "
                                         "--set optimizer.epochs=3", &out), 0) << out;
  EXPECT_NE(out.find("model version 2"), std::string::npos) << out;
  // A committee of two.
  ASSERT_EQ(test::run_command(cd + exe + " train train.toml --set run.committee=2 --set output.directory=committee "
                                         "--set optimizer.epochs=3", &out), 0) << out;
  EXPECT_TRUE(std::filesystem::exists(tmp.file("committee/member-1/model.nnp")));
  EXPECT_NE(out.find("type = \"committee\""), std::string::npos) << out;
}

TEST(CliTrain, BadKeysAndBadDataAreNamed) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir tmp;
  test::write_text(tmp.file("train.toml"), kTrainConfig);
  test::write_text(tmp.file("data.xyz"),
                   "1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy=-1 pbc=\"T T T\"\nSi 0 0 0\n"
                   "1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nSi 0 0 0\n");
  const std::string cd = "cd " + tmp.path().string() + " && ";
  std::string out;
  EXPECT_NE(test::run_command(cd + exe + " train train.toml --set optimizer.learnin_rate=1", &out), 0);
  EXPECT_NE(out.find("optimizer.learnin_rate"), std::string::npos) << out;
  EXPECT_NE(test::run_command(cd + exe + " train train.toml --set optimizer.method=sgd", &out), 0);
  EXPECT_NE(out.find("optimizer.method"), std::string::npos) << out;
  EXPECT_NE(test::run_command(cd + exe + " train train.toml", &out), 0);
  EXPECT_NE(out.find("data.xyz:4"), std::string::npos) << out;  // the frame without energy
  EXPECT_NE(out.find("no energy"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(tmp.file("out/model.nnp")));
}

}  // namespace
}  // namespace slhmc
