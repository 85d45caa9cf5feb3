// `slhmc predict` and `slhmc checkf` on the aenet reference data: predict
// reproduces reference.json through the command line (extxyz output read back),
// checkf passes for a Behler2011 and a Chebyshev model.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "slhmc/io/structure_io.hpp"
#include "test_support.hpp"

using namespace slhmc;

TEST(AenetCli, PredictWritesReferenceEnergiesAndForces) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  SLHMC_REQUIRE_EXE(slhmc);
  test::TempDir tmp;
  std::string output;
  const std::string cmd = slhmc + " predict --model " + root + "/chebyshev_example_v1 --chebyshev-version 1 " + root +
                          "/structures/rutile_2x2x3_triclinic.xsf " + root + "/structures/rutile_cluster.xsf -o " +
                          tmp.file("out.xyz");
  ASSERT_EQ(test::run_command(cmd, &output), 0) << output;
  const auto frames = read_structures(tmp.file("out.xyz"));
  ASSERT_EQ(frames.size(), 2u);
  std::ifstream in(root + "/chebyshev_example_v1/reference.json");
  const auto ref = nlohmann::json::parse(in);
  int matched = 0;
  for (const auto& s : ref["structures"]) {
    const std::string name = s["file"];
    const int k = name == "rutile_2x2x3_triclinic.xsf" ? 0 : name == "rutile_cluster.xsf" ? 1 : -1;
    if (k < 0) continue;
    ++matched;
    const auto& labels = frames[k].labels;
    ASSERT_TRUE(labels.energy && labels.forces);
    EXPECT_NEAR(*labels.energy, s["energy_total"].get<double>(), 1e-8 * frames[k].frame.size());
    for (std::size_t i = 0; i < frames[k].frame.size(); ++i)
      for (int a = 0; a < 3; ++a) EXPECT_NEAR((*labels.forces)[i][a], s["forces"][i][a].get<double>(), 1e-8);
    EXPECT_EQ(labels.virial.has_value(), k == 0);
  }
  EXPECT_EQ(matched, 2);
}

TEST(AenetCli, CheckfPasses) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  SLHMC_REQUIRE_EXE(slhmc);
  for (const char* model : {"behler2011", "chebyshev_pytorch/predict.in"}) {
    std::string output;
    EXPECT_EQ(test::run_command(slhmc + " checkf --model " + root + "/" + model + " " + root +
                                    "/structures/rutile_prim_rattled.xsf",
                                &output),
              0)
        << output;
    EXPECT_NE(output.find("OK"), std::string::npos) << output;
  }
}
