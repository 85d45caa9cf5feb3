// The walker loop: outputs, exact restart (also after a crash mid-trial), and
// refusal of damaged checkpoints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/sampling/checkpoint.hpp"
#include "slhmc/sampling/slhmc_run.hpp"
#include "test_potentials.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::sampling;

namespace {
Frame three_particles() {
  Frame f;
  for (int i = 0; i < 3; ++i) {
    f.add_atom(1, {i % 2 ? 1.0 : -1.0, 0.1 * i, -0.05 * i});
    f.masses.back() = 1.0;
  }
  return f;
}

RunOptions options(std::uint64_t trials) {
  RunOptions o;
  o.hmc.temperature_K = 348;
  o.hmc.n_md = 8;
  o.hmc.dt_fs = 2.0;
  o.hmc.momentum_persistence = 0.5;  // exercises the momenta in the checkpoint
  o.trials = trials;
  o.seed = 17;
  o.hmc.tuning.enabled = true;  // exercises the tuned trajectory in the checkpoint
  o.hmc.tuning.interval = 7;
  return o;
}

}  // namespace

TEST(SlhmcRun, WritesLogsAndSummary) {
  test::TempDir tmp;
  test::ExternalDoubleWell ref(0.05, 1.0, 0.5), sur(0.02, 0.8, 1.0);
  SlhmcRun run(three_particles(), ref, sur, options(40), tmp.file("run"));
  int calls = 0;
  run.run([&](const TrialRecord&, const ChainState&) { ++calls; });
  EXPECT_EQ(calls, 40);
  const auto samples = read_structures(tmp.file("run/samples.xyz"));
  ASSERT_EQ(samples.size(), 41u);  // the initial evaluation + one per trial
  EXPECT_TRUE(samples[5].labels.energy.has_value());
  EXPECT_TRUE(samples[5].labels.forces.has_value());
  EXPECT_EQ(read_structures(tmp.file("run/chain.xyz")).size(), 40u);
  const std::string summary = test::read_text(tmp.file("run/summary.txt"));
  EXPECT_NE(summary.find("HMC acceptance"), std::string::npos);
  // A second run into the same directory is refused (nothing is overwritten).
  EXPECT_THROW(SlhmcRun(three_particles(), ref, sur, options(40), tmp.file("run")), Error);
}

TEST(SlhmcRun, RestartContinuesChainExactlyEvenAfterCrashMidTrial) {
  test::TempDir tmp;
  test::ExternalDoubleWell ref(0.05, 1.0, 0.5), sur(0.02, 0.8, 1.0);
  {
    SlhmcRun straight(three_particles(), ref, sur, options(60), tmp.file("a"));
    straight.run();
  }
  {
    SlhmcRun first(three_particles(), ref, sur, options(25), tmp.file("b"));
    first.run();
  }
  // A crash in the middle of trial 26: partial records after the checkpoint.
  {
    std::ofstream(tmp.file("b/samples.xyz"), std::ios::app) << "3\nLattice=\"1 0 0";
    std::ofstream(tmp.file("b/trials.csv"), std::ios::app) << "26,md,1,0.1";
  }
  auto resumed = SlhmcRun::restart(ref, sur, options(60), tmp.file("b"));
  resumed->run();
  // Compared as booleans: on failure the files are in the temporary directory (SLHMC_KEEP_TEMP=1).
  EXPECT_TRUE(test::read_text(tmp.file("a/samples.xyz")) == test::read_text(tmp.file("b/samples.xyz")));
  EXPECT_TRUE(test::read_text(tmp.file("a/chain.xyz")) == test::read_text(tmp.file("b/chain.xyz")));
  EXPECT_TRUE(test::trials_without_timings(tmp.file("a")) == test::trials_without_timings(tmp.file("b")));
  const Checkpoint ca = load_checkpoint(tmp.file("a/checkpoint"));
  const Checkpoint cb = load_checkpoint(tmp.file("b/checkpoint"));
  EXPECT_EQ(ca.state.frame.positions, cb.state.frame.positions);
  EXPECT_EQ(ca.state.momenta, cb.state.momenta);
  EXPECT_TRUE(ca.state.rng == cb.state.rng);
  EXPECT_EQ(ca.moves, cb.moves);  // the tuned trajectory and tuning window
}

TEST(SlhmcRun, DamagedCheckpointIsRefusedAndPreviousKept) {
  test::TempDir tmp;
  test::ExternalDoubleWell ref(0.05, 1.0, 0.5), sur(0.02, 0.8, 1.0);
  {
    SlhmcRun run(three_particles(), ref, sur, options(5), tmp.file("r"));
    run.run();
  }
  const std::string good = test::read_text(tmp.file("r/checkpoint"));
  EXPECT_TRUE(std::filesystem::exists(tmp.file("r/checkpoint.prev")));
  std::string corrupted = good;
  corrupted[corrupted.size() / 2] ^= 1;
  test::write_text(tmp.file("r/checkpoint"), corrupted);
  try {
    SlhmcRun::restart(ref, sur, options(10), tmp.file("r"));
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos);
  }
  test::write_text(tmp.file("r/checkpoint"), good.substr(0, good.size() / 3));
  EXPECT_THROW(SlhmcRun::restart(ref, sur, options(10), tmp.file("r")), ParseError);
  // The previous checkpoint is still usable.
  EXPECT_NO_THROW(load_checkpoint(tmp.file("r/checkpoint.prev")));
}

TEST(Checkpoint, RoundTripIsExact) {
  test::ExternalDoubleWell ref(0.05, 1.0, 0.5);
  Checkpoint c;
  c.state = make_chain_state(three_particles(), ref, 3);
  c.state.frame.positions[1][0] = 0.1 + 0.2;  // a value without a short decimal form
  c.state.momenta = {{1e-3, -2e-5, 3.3}, {0, 0, 0}, {1.0 / 3.0, 2, 3}};
  c.moves["hmc"] = "7 0.69999999999999996 3 2";
  c.moves["volume"] = "";
  c.log_sizes = {{"trials.csv", 123}};
  const Checkpoint back = parse_checkpoint(serialize_checkpoint(c), "mem");
  EXPECT_EQ(back.state.frame.positions, c.state.frame.positions);
  EXPECT_EQ(back.state.momenta, c.state.momenta);
  EXPECT_EQ(back.state.reference.forces, c.state.reference.forces);
  EXPECT_EQ(back.state.reference.energy, c.state.reference.energy);
  EXPECT_EQ(back.moves, c.moves);
  EXPECT_EQ(back.log_sizes.at("trials.csv"), 123);
  EXPECT_THROW(parse_checkpoint("hello", "mem"), ParseError);
}
