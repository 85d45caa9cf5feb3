// Training data: bad frames refused or skipped with file and line, weights,
// directories, the data digest, and the deterministic split.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/train/training_set.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::train;

namespace {

const char* const kGood =
    "2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3:forces:R:3 energy=-3.5 pbc=\"T T T\"\n"
    "Si 0 0 0 0.1 0 0\nSi 1.2 1.3 1.1 -0.1 0 0\n";
const char* const kNoEnergy =
    "2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nSi 0 0 0\nSi 1.2 1.3 1.1\n";
const char* const kCarbon =
    "1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy=-1 pbc=\"T T T\"\nC 0 0 0\n";
const char* const kWeighted =
    "2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy=-3.0 config_weight=2.5 pbc=\"T T T\"\n"
    "Si 0 0 0\nSi 1.2 1.3 1.1\n";

TrainingSetOptions options_for(const std::string& path, BadFramePolicy policy) {
  TrainingSetOptions o;
  o.paths = {path};
  o.bad_frames = policy;
  o.species = {14};
  return o;
}

}  // namespace

TEST(TrainingSetTest, BadFramesAreRefusedWithFileAndLine) {
  test::TempDir dir;
  const std::string path = dir.file("data.xyz");
  test::write_text(path, std::string(kGood) + kNoEnergy + kGood);
  try {
    load_training_set(options_for(path, BadFramePolicy::refuse));
    FAIL() << "a frame without energy was accepted";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path + ":5"), std::string::npos) << msg;
    EXPECT_NE(msg.find("no energy"), std::string::npos) << msg;
  }
}

TEST(TrainingSetTest, BadFramesAreSkippedAndReported) {
  test::TempDir dir;
  const std::string path = dir.file("data.xyz");
  test::write_text(path, std::string(kGood) + kNoEnergy + kCarbon + kWeighted);
  const TrainingSet set = load_training_set(options_for(path, BadFramePolicy::skip));
  ASSERT_EQ(set.size(), 2u);
  ASSERT_EQ(set.skipped.size(), 2u);
  EXPECT_EQ(set.skipped[0].line, 5u);
  EXPECT_EQ(set.skipped[1].line, 9u);
  EXPECT_NE(set.skipped[1].reason.find("element C"), std::string::npos);
  EXPECT_EQ(set.weights, (std::vector<double>{1.0, 2.5}));
  EXPECT_EQ(set.origins[1], path + ":12");
}

TEST(TrainingSetTest, UnreadableFileIsRefusedOrSkippedWhole) {
  test::TempDir dir;
  test::write_text(dir.file("a.xyz"), kGood);
  test::write_text(dir.file("b.xyz"), std::string(kGood) + "2\nProperties=species:S:1:pos:R:3 energy=1\nSi 0 0 nan\nSi 1 1 1\n");
  test::write_text(dir.file("README.md"), "not a structure file\n");
  TrainingSetOptions o = options_for(dir.path().string(), BadFramePolicy::refuse);
  EXPECT_THROW(load_training_set(o), ParseError);
  o.bad_frames = BadFramePolicy::skip;
  const TrainingSet set = load_training_set(o);
  EXPECT_EQ(set.size(), 2u);  // a.xyz and the first frame of b.xyz; README ignored
  ASSERT_EQ(set.skipped.size(), 1u);
  EXPECT_EQ(set.skipped[0].source, dir.file("b.xyz"));
}

TEST(TrainingSetTest, DigestFollowsTheDataNotTheFileFormat) {
  test::TempDir dir;
  test::write_text(dir.file("a.xyz"), std::string(kGood) + kWeighted);
  const TrainingSet a = load_training_set(options_for(dir.file("a.xyz"), BadFramePolicy::refuse));
  write_structures(dir.file("b.xsf"), {a.frames[0]}, StructureFormat::xsf);
  write_structures(dir.file("c.xyz"), {a.frames[1]}, StructureFormat::extxyz);
  TrainingSetOptions o = options_for(dir.file("b.xsf"), BadFramePolicy::refuse);
  o.paths.push_back(dir.file("c.xyz"));
  const TrainingSet b = load_training_set(o);
  EXPECT_EQ(training_set_digest(a), training_set_digest(b));
  TrainingSet c = a;
  c.frames[1].labels.energy = *c.frames[1].labels.energy + 1e-12;
  EXPECT_NE(training_set_digest(a), training_set_digest(c));
  c = a;
  c.weights[0] = 0.5;
  EXPECT_NE(training_set_digest(a), training_set_digest(c));
  EXPECT_EQ(training_set_digest(a).rfind("fnv1a64:", 0), 0u);
}

TEST(TrainingSetTest, SplitIsDeterministicDisjointAndComplete) {
  const Split a = split_training_set(100, 0.1, 7), b = split_training_set(100, 0.1, 7), c = split_training_set(100, 0.1, 8);
  EXPECT_EQ(a.validation, b.validation);
  EXPECT_NE(a.validation, c.validation);
  EXPECT_EQ(a.validation.size(), 10u);
  std::set<std::size_t> all(a.train.begin(), a.train.end());
  for (std::size_t i : a.validation) EXPECT_TRUE(all.insert(i).second);
  EXPECT_EQ(all.size(), 100u);
  EXPECT_EQ(split_training_set(3, 0.01, 1).validation.size(), 1u);
  EXPECT_TRUE(split_training_set(5, 0.0, 1).validation.empty());
  EXPECT_THROW(split_training_set(5, 1.0, 1), Error);
}
