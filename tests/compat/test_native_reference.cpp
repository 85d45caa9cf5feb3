// Native model files made from the aenet reference networks reproduce what
// aenet printed (reference.json): loaded with load_model(format "auto") and
// through `slhmc predict --model x.slhmc-nnp`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/nnp/model_loader.hpp"
#include "slhmc/nnp/native_model.hpp"
#include "aenet_reference_sets.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::nnp;

namespace {

using test::AenetSet;
const auto& kSets = test::kAenetSets;

// Converts one reference set to a native file in `dir`; returns its path.
std::string convert(const std::string& root, const AenetSet& set, const std::string& dir) {
  const std::string base = root + "/" + set.dir + "/";
  NativeModelMetadata m;
  m.model_version = 1;
  m.chebyshev_version = set.version;
  m.description = std::string("converted from reference/aenet/") + set.dir;
  const std::string path = dir + "/" + set.dir + ".slhmc-nnp";
  write_native_model(path, {read_aenet_nn(base + set.ti), read_aenet_nn(base + set.o)}, m);
  return path;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::string exe() {
  const char* e = std::getenv("SLHMC_EXE");
  return e ? e : "";
}

}  // namespace

TEST(NativeReference, ConvertedAenetModelsReproduceAenet) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  test::TempDir tmp;
  for (const auto& set : kSets) {
    ModelSpec spec;
    spec.path = convert(root, set, tmp.path().string());
    const auto model = load_model(spec);
    EXPECT_EQ(model->metadata().at("format"), "native");
    EXPECT_EQ(model->metadata().at("chebyshev_version"), std::to_string(set.version));
    const auto ref = read_json(root + "/" + set.dir + "/reference.json");
    int checked = 0;
    for (const auto& s : ref["structures"]) {
      const std::string name = s["file"];
      SCOPED_TRACE(std::string(set.dir) + " " + name);
      const Frame frame = read_structure(root + "/structures/" + name).frame;
      NeighborList nl(NeighborListOptions{model->cutoff(), 0.0, false});
      nl.build(frame);
      ComputeRequest request;
      request.forces = true;
      const ComputeResult r = model->compute(frame, nl, request);
      const double n = static_cast<double>(frame.size());
      EXPECT_NEAR(r.energy / n, s["energy_total"].get<double>() / n, 1e-9);
      for (std::size_t i = 0; i < frame.size(); ++i)
        for (int a = 0; a < 3; ++a)
          EXPECT_NEAR(r.forces[i][a], s["forces"][i][a].get<double>(), 1e-8) << "atom " << i << " component " << a;
      ++checked;
    }
    EXPECT_EQ(checked, 16);
  }
}

TEST(NativeReference, PredictCommandReadsNativeModels) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  if (exe().empty()) GTEST_SKIP() << "SLHMC_EXE not set (run through ctest)";
  test::TempDir tmp;
  const std::string model = convert(root, kSets[2], tmp.path().string());  // Chebyshev version 1, from the file
  std::string output;
  const std::string cmd = exe() + " predict --model " + model + " " + root + "/structures/rutile_2x2x3_triclinic.xsf " +
                          root + "/structures/rutile_cluster.xsf -o " + tmp.file("out.xyz");
  ASSERT_EQ(test::run_command(cmd, &output), 0) << output;
  const auto frames = read_structures(tmp.file("out.xyz"));
  ASSERT_EQ(frames.size(), 2u);
  const auto ref = read_json(root + "/chebyshev_example_v1/reference.json");
  int matched = 0;
  for (const auto& s : ref["structures"]) {
    const std::string name = s["file"];
    const int k = name == "rutile_2x2x3_triclinic.xsf" ? 0 : name == "rutile_cluster.xsf" ? 1 : -1;
    if (k < 0) continue;
    ++matched;
    const auto& labels = frames[k].labels;
    ASSERT_TRUE(labels.energy && labels.forces);
    EXPECT_NEAR(*labels.energy, s["energy_total"].get<double>(), 1e-9 * frames[k].frame.size());
    for (std::size_t i = 0; i < frames[k].frame.size(); ++i)
      for (int a = 0; a < 3; ++a) EXPECT_NEAR((*labels.forces)[i][a], s["forces"][i][a].get<double>(), 1e-8);
  }
  EXPECT_EQ(matched, 2);

  // A damaged model is refused with the checksum error, and nothing is predicted.
  std::string text = test::read_text(model);
  text[text.size() / 2] = text[text.size() / 2] == '7' ? '8' : '7';
  test::write_text(tmp.file("bad.slhmc-nnp"), text);
  EXPECT_NE(test::run_command(exe() + " predict --model " + tmp.file("bad.slhmc-nnp") + " " + root +
                                  "/structures/rutile_cluster.xsf -o " + tmp.file("bad.xyz"),
                              &output),
            0);
  EXPECT_NE(output.find("checksum mismatch"), std::string::npos) << output;
}

TEST(NativeReference, ConvertModelCommand) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  if (exe().empty()) GTEST_SKIP() << "SLHMC_EXE not set (run through ctest)";
  test::TempDir tmp;
  const std::string out = tmp.file("v1.slhmc-nnp");
  std::string output;
  ASSERT_EQ(test::run_command(exe() + " convert-model --model " + root + "/chebyshev_example_v1/predict.in" +
                                  " --chebyshev-version 1 -o " + out +
                                  " --model-version 4 --description 'TiO2 example' --training-data-digest sha:42",
                              &output),
            0)
      << output;
  const NativeModel m = read_native_model(out);
  EXPECT_EQ(m.metadata.model_version, 4);
  EXPECT_FALSE(m.metadata.parent_version.has_value());
  EXPECT_EQ(m.metadata.chebyshev_version, 1);
  EXPECT_EQ(m.metadata.description, "TiO2 example");
  EXPECT_EQ(m.metadata.training_data_digest, "sha:42");
  EXPECT_EQ(m.metadata.species, (std::vector<std::string>{"Ti", "O"}));
  const AenetNetFile ti = read_aenet_nn(root + "/chebyshev_example_v1/Ti.15t-15t.nn");
  EXPECT_EQ(m.species[0].weights, ti.weights);

  // Re-publishing a native model: the old version becomes the parent, the numbers stay.
  const std::string next = tmp.file("v5.slhmc-nnp");
  ASSERT_EQ(test::run_command(exe() + " convert-model --model " + out + " -o " + next + " --model-version 5", &output), 0)
      << output;
  const NativeModel n = read_native_model(next);
  EXPECT_EQ(n.metadata.model_version, 5);
  ASSERT_TRUE(n.metadata.parent_version.has_value());
  EXPECT_EQ(*n.metadata.parent_version, 4);
  EXPECT_EQ(n.metadata.description, "TiO2 example");
  EXPECT_EQ(n.metadata.chebyshev_version, 1);
  EXPECT_EQ(n.species[1].weights, m.species[1].weights);

  // A length unit cannot be converted: refused, and nothing is written.
  EXPECT_NE(test::run_command(exe() + " convert-model --model " + root + "/chebyshev_example_v1 --length-unit bohr -o " +
                                  tmp.file("bohr.slhmc-nnp"),
                              &output),
            0);
  EXPECT_NE(output.find("length unit"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(tmp.file("bohr.slhmc-nnp")));
}
