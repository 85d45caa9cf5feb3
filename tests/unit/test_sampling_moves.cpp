// Moves as plug-ins: the registry, the weighted mix read from [sampler] (old
// and new keys), the random numbers the choice consumes, a move registered by
// a test taking part in a run, and per-move checkpoint state.
#include <gtest/gtest.h>

#include "slhmc/core/error.hpp"
#include "slhmc/io/config.hpp"
#include "slhmc/sampling/move_mix.hpp"
#include "slhmc/sampling/slhmc_run.hpp"
#include "test_potentials.hpp"
#include "test_support.hpp"

namespace slhmc::sampling {
namespace {

// A move that proposes the current configuration again (always accepted): enough to show
// that a move registered outside the library takes part in a run.
class StayMove final : public Move {
 public:
  std::string name() const override { return "test-stay"; }
  TrialRecord attempt(ChainState& state, const MoveProviders& providers, Rng& rng) override {
    TrialRecord rec;
    rec.trial = ++state.trials;
    rec.move = "stay";
    rec.evaluations.push_back({state.frame, evaluate_reference(state.frame, providers.reference)});
    rec.accepted = rng.uniform() < 2.0;
    ++state.accepted;
    return rec;
  }
  std::string save_state() const override { return "seen " + std::to_string(seen_); }
  void load_state(const std::string& text) override { seen_ = std::stoi(text.substr(5)); }
  void after_trial(const TrialRecord&, const ChainState&) override { ++seen_; }
  int seen() const { return seen_; }

 private:
  int seen_ = 0;
};

// A move that evaluates the reference on three copies of the configuration as the beads of a
// ring polymer (always rejected): each evaluation must become a sample with its bead index.
class BeadsMove final : public Move {
 public:
  std::string name() const override { return "test-beads"; }
  TrialRecord attempt(ChainState& state, const MoveProviders& providers, Rng& rng) override {
    TrialRecord rec;
    rec.trial = ++state.trials;
    rec.move = "beads";
    for (int bead = 0; bead < 3; ++bead) {
      Frame f = state.frame;
      f.positions[0][0] += 0.01 * (bead + 1);
      rec.evaluations.push_back({f, evaluate_reference(f, providers.reference), bead});
    }
    rec.accepted = rng.uniform() > 2.0;
    return rec;
  }
};

const MoveRegistration beads_reg("test-beads", "three bead evaluations a trial (test)",
                                 [](const Config&) -> MoveMaker { return [] { return std::make_unique<BeadsMove>(); }; });

// Remembers what the run hands it.
struct CollectingSink final : SampleSink {
  std::vector<Sample> got;
  void push(const Sample& s) override { got.push_back(s); }
  void flush() override {}
};

const MoveRegistration reg("test-stay", "stays where it is (test)",
                           [](const Config&) -> MoveMaker { return [] { return std::make_unique<StayMove>(); }; });

Config sampler(const std::string& toml) { return Config::parse("[sampler]\ntemperature_K = 300\n" + toml, "test").section("sampler"); }

TEST(MoveRegistry, ListsTheBuiltInMoves) {
  const auto names = move_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "hmc"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "volume"), names.end());
}

TEST(MoveMix, VolumeMoveFractionKeepsItsMeaning) {
  const auto nvt = read_move_mix(sampler(""));
  ASSERT_EQ(nvt.size(), 1u);
  EXPECT_EQ(nvt[0].name, "hmc");
  const auto npt = read_move_mix(sampler("volume_move_fraction = 0.2\npressure_GPa = 1.0\n"));
  ASSERT_EQ(npt.size(), 2u);
  EXPECT_EQ(npt[0].name, "volume");
  EXPECT_EQ(npt[0].probability, 0.2);
  EXPECT_EQ(npt[1].name, "hmc");
}

TEST(MoveMix, MovesTableGivesRelativeWeightsInDrawOrder) {
  const auto mix = read_move_mix(sampler("[sampler.moves]\nhmc = 3\nvolume = 1\ntest-stay = 0\n"));
  ASSERT_EQ(mix.size(), 2u);  // a zero weight drops the move
  EXPECT_EQ(mix[0].name, "volume");
  EXPECT_DOUBLE_EQ(mix[0].probability, 0.25);
  EXPECT_EQ(mix[1].name, "hmc");
  EXPECT_DOUBLE_EQ(mix[1].probability, 0.75);
}

TEST(MoveMix, MisspeltMoveNamesTheRegisteredOnes) {
  try {
    read_move_mix(sampler("[sampler.moves]\nhcm = 1\n"));
    FAIL();
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("sampler.moves.hcm"), std::string::npos) << what;
    EXPECT_NE(what.find("hmc, "), std::string::npos) << what;
    EXPECT_NE(what.find("volume"), std::string::npos) << what;
  }
  EXPECT_THROW(read_move_mix(sampler("volume_move_fraction = 0.1\n[sampler.moves]\nhmc = 1\n")), ConfigError);
  EXPECT_THROW(read_move_mix(sampler("[sampler.moves]\nhmc = -1\n")), ConfigError);
  EXPECT_THROW(read_move_mix(sampler("[sampler.moves]\nhmc = 0\n")), ConfigError);
  EXPECT_THROW(read_move_mix(sampler("volume_move_fraction = 1.5\n")), ConfigError);
}

TEST(MoveMix, OneUniformPerTrialOnlyWithSeveralMoves) {
  const auto one = read_move_mix(sampler(""));
  MoveMix single(one);
  Rng a(4), b(4);
  EXPECT_EQ(single.choose(a).name(), "hmc");
  EXPECT_TRUE(a == b) << "a single move draws nothing";
  MoveMix mix(read_move_mix(sampler("volume_move_fraction = 0.3\n")));
  for (int i = 0; i < 200; ++i) {
    const double u = b.uniform();
    EXPECT_EQ(mix.choose(a).name(), u < 0.3 ? "volume" : "hmc");
    EXPECT_TRUE(a == b);
  }
}

TEST(MoveMix, ARegisteredMoveTakesPartInARunAndKeepsItsStateAcrossARestart) {
  test::TempDir tmp;
  test::ExternalDoubleWell ref(0.05, 1.0, 0.5), sur(0.02, 0.8, 1.0);
  Frame f;
  for (int i = 0; i < 3; ++i) {
    f.add_atom(1, {i % 2 ? 1.0 : -1.0, 0.1 * i, -0.05 * i});
    f.masses.back() = 1.0;
  }
  RunOptions o;
  o.moves = read_move_mix(sampler("[sampler.moves]\nhmc = 1\ntest-stay = 1\n"));
  o.trials = 30;
  o.seed = 5;
  {
    SlhmcRun run(f, ref, sur, o, tmp.file("r"));
    run.run();
    const auto* stay = dynamic_cast<const StayMove*>(run.moves().find("test-stay"));
    ASSERT_NE(stay, nullptr);
    EXPECT_GT(stay->seen(), 5);
    EXPECT_LT(stay->seen(), 25);
    const Checkpoint cp = load_checkpoint(tmp.file("r/checkpoint"));
    EXPECT_EQ(cp.moves.at("test-stay"), "seen " + std::to_string(stay->seen()));
    EXPECT_EQ(cp.moves.count("hmc"), 1u);
  }
  const std::string trials = test::read_text(tmp.file("r/trials.csv"));
  EXPECT_NE(trials.find(",stay,"), std::string::npos);
  EXPECT_NE(trials.find(",md,"), std::string::npos);
  o.trials = 40;
  auto resumed = SlhmcRun::restart(ref, sur, o, tmp.file("r"));
  const int before = dynamic_cast<const StayMove*>(resumed->moves().find("test-stay"))->seen();
  EXPECT_GT(before, 5);
}

TEST(SlhmcRun, EveryEvaluationOfATrialBecomesASampleWithItsBead) {
  test::TempDir tmp;
  test::ExternalDoubleWell ref(0.05, 1.0, 0.5);
  Frame f;
  for (int i = 0; i < 2; ++i) f.add_atom(1, {i ? 1.0 : -1.0, 0.0, 0.0});
  RunOptions o;
  o.moves = read_move_mix(sampler("[sampler.moves]\ntest-beads = 1\n"));
  o.trials = 4;
  SlhmcRun run(f, ref, ref, o, tmp.file("r"));
  CollectingSink sink;
  run.add_sample_sink(sink);
  run.run();
  // The initial evaluation, then three per trial in bead order, in the log and through the door.
  ASSERT_EQ(sink.got.size(), 1u + 3 * 4);
  EXPECT_EQ(sink.got[0].bead, -1);
  const auto logged = parse_sample_records(test::read_text(tmp.file("r/samples.xyz")), "samples.xyz");
  ASSERT_EQ(logged.size(), sink.got.size());
  for (std::size_t n = 1; n < logged.size(); ++n) {
    EXPECT_EQ(sink.got[n].trial, (n - 1) / 3 + 1) << n;
    EXPECT_EQ(sink.got[n].bead, static_cast<int>((n - 1) % 3)) << n;
    EXPECT_EQ(logged[n].bead, sink.got[n].bead) << n;
    EXPECT_EQ(logged[n].trial, sink.got[n].trial) << n;
    EXPECT_EQ(logged[n].frame.frame.positions[0][0], sink.got[n].frame.frame.positions[0][0]) << n;
  }
  // A classical sample's record has no bead key: samples.xyz of classical runs is unchanged.
  EXPECT_EQ(sample_record(sink.got[0]).find("bead="), std::string::npos);
  EXPECT_NE(sample_record(sink.got[1]).find("bead=0"), std::string::npos);
}

TEST(Checkpoint, VersionOneFilesStillLoad) {
  // A version-1 checkpoint (before per-move states) with its checksum.
  std::string body =
      "slhmc-checkpoint 1\ntrials 4\naccepted 2\nrng " + Rng(3).to_string() +
      "\ntrajectory 12 0.75\ntuning 3 1\ncell 0 0 0 0 0 0 0 0 0 0 0 0\natoms 1\natom 1 1 0 0 0\nenergy -1\n"
      "forces 1\nf 0 0 0\nvirial 0 0 0 0 0 0 0 0 0 0\nmomenta 0\nlogs 0\nmodel 0 -\n";
  const Checkpoint c = parse_checkpoint(body + "checksum " + hex16(fnv1a64(body)) + "\n", "v1");
  EXPECT_EQ(c.moves.at("hmc"), "12 0.75 3 1");
  HmcMove hmc(HmcOptions{});
  hmc.load_state(c.moves.at("hmc"));
  EXPECT_EQ(hmc.options().n_md, 12);
  EXPECT_EQ(hmc.options().dt_fs, 0.75);
  EXPECT_EQ(hmc.save_state(), "12 0.75 3 1");
  EXPECT_THROW(hmc.load_state("12 fast"), Error);
}

}  // namespace
}  // namespace slhmc::sampling
