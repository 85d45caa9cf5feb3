// The transports between walkers and a trainer: the shared directory (shards
// complete or invisible, exactly-once counting, checksummed models with a
// manifest, corrupt files refused) and the in-process queue; the trainer
// service (checkpoint and resume without losing or double-counting a sample),
// also as a real second process (`slhmc trainer`) that is killed and restarted.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/io/event_log.hpp"
#include "slhmc/learning/transport/directory/directory_transport.hpp"
#include "slhmc/learning/trainer/feature_pipeline.hpp"
#include "slhmc/learning/transport/in_process/in_process_transport.hpp"
#include "slhmc/learning/model_lineage.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "slhmc/learning/trainer/trainer_config.hpp"
#include "slhmc/learning/trainer/trainer_daemon.hpp"
#include "slhmc/train/features.hpp"
#include "slhmc/train/training_output.hpp"
#include "learning_fixtures.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::learning;
namespace fs = std::filesystem;

namespace {

using test::stillinger_weber;

// Sample `sequence` of `walker`: a rattled 8-atom Si cell, labelled by Stillinger-Weber when
// `provider` is given, else with made-up labels (the transports do not look at them).
Sample make_sample(const std::string& walker, std::uint64_t sequence, ForceProvider* provider = nullptr) {
  Frame f = build_crystal("diamond", "Si", 5.431, {1, 1, 1});
  Rng rng(1000 + sequence + 7919 * walker.size());
  rattle(f, 0.08, rng);
  Sample s;
  s.walker = walker;
  s.sequence = sequence;
  s.trial = sequence + 1;
  s.accepted = sequence % 2 == 0;
  s.model_version = static_cast<long long>(sequence / 4);
  s.frame.frame = f;
  if (provider) {
    const ComputeResult r = provider->compute(f, ComputeRequest{true, true, false});
    s.frame.labels.energy = r.energy;
    s.frame.labels.forces = r.forces;
    s.frame.labels.virial = r.virial;
  } else {
    s.frame.labels.energy = -34.5 - 0.01 * static_cast<double>(sequence);
    s.frame.labels.forces = std::vector<Vec3>(f.size(), Vec3{0.1, -0.2, 0.3});
  }
  return s;
}

std::set<std::pair<std::string, std::uint64_t>> ids(const std::vector<Sample>& samples) {
  std::set<std::pair<std::string, std::uint64_t>> out;
  for (const auto& s : samples) out.insert({s.walker, s.sequence});
  return out;
}

train::ModelSpec tiny_spec() {
  train::ModelSpec spec;
  spec.species = {14};
  spec.chebyshev = {4.0, 6, 3.5, 3};
  spec.hidden = {6, 6};
  return spec;
}

// A valid native model of the given version (a tiny network trained for one epoch).
std::string model_text(long long version, const std::string& scratch_dir) {
  train::TrainingSet set;
  for (std::uint64_t i = 0; i < 4; ++i) set.add(make_sample("m", i).frame, 1.0, "made-up");
  train::TrainOptions o;
  o.epochs = 1;
  o.threads = 1;
  o.validation_fraction = 0;
  const train::TrainResult r = train::train(tiny_spec(), set, o);
  auto meta = train::training_metadata(r, o, std::nullopt);
  meta.model_version = version;
  const std::string path = (fs::path(scratch_dir) / ("v" + std::to_string(version) + ".nnp")).string();
  train::write_trained_model(path, r.model, meta);
  return test::read_text(path);
}

TEST(SampleFormat, ShardRoundTripsAndRefusesDamage) {
  std::vector<Sample> samples{make_sample("w-1", 0), make_sample("w-1", 1)};
  samples[1].move = "volume";  // the move travels; a sample without one (bootstrap) has no key
  samples[1].bead = 3;         // so does a ring-polymer bead; a classical sample has none
  const std::string text = format_shard(samples);
  const auto back = parse_shard(text, "shard");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].walker, "w-1");
  EXPECT_EQ(back[1].sequence, 1u);
  EXPECT_EQ(back[1].trial, 2u);
  EXPECT_FALSE(back[1].accepted);
  EXPECT_TRUE(back[0].accepted);
  EXPECT_EQ(back[1].model_version, 0);
  EXPECT_DOUBLE_EQ(*back[1].frame.labels.energy, *samples[1].frame.labels.energy);
  EXPECT_EQ(back[0].frame.frame.positions[3][0], samples[0].frame.frame.positions[3][0]);
  EXPECT_TRUE(back[0].frame.info.empty());  // the sample keys are fields, not info
  EXPECT_TRUE(back[1].frame.info.empty());
  EXPECT_EQ(back[0].move, "");
  EXPECT_EQ(back[1].move, "volume");
  EXPECT_EQ(back[0].bead, -1);
  EXPECT_EQ(back[1].bead, 3);
  EXPECT_EQ(text.find("bead=-"), std::string::npos);
  EXPECT_EQ(format_shard(back), text);  // one codec: what it reads, it writes back byte for byte

  // Cut anywhere: no checksum line, refused.
  for (const std::size_t cut : {text.size() / 3, text.size() - 5, text.size() - 1})
    EXPECT_THROW(parse_shard(text.substr(0, cut), "shard"), ParseError) << cut;
  std::string flipped = text;
  flipped[text.size() / 2] = flipped[text.size() / 2] == '1' ? '2' : '1';
  try {
    parse_shard(flipped, "shard-x");
    ADD_FAILURE() << "a corrupted shard was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
  }
  EXPECT_THROW(format_samples({make_sample("bad id", 0)}), Error);
  // A bead that is not an index is named.
  std::string bad_bead = format_samples({samples[1]});
  bad_bead.replace(bad_bead.find("bead=3"), 6, "bead=x");
  try {
    parse_samples(bad_bead, "shard-b");
    ADD_FAILURE() << "bead=x was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("bead 'x'"), std::string::npos) << e.what();
  }
}

TEST(SampleLedger, CountsEachSampleOnceAcrossARestart) {
  SampleLedger l;
  EXPECT_TRUE(l.insert("a", 0));
  EXPECT_TRUE(l.insert("a", 2));  // out of order
  EXPECT_FALSE(l.insert("a", 2));
  EXPECT_FALSE(l.contains_all("a", 0, 2));
  EXPECT_TRUE(l.insert("a", 1));
  EXPECT_TRUE(l.contains_all("a", 0, 2));
  EXPECT_TRUE(l.insert("b", 5));
  const SampleLedger back = SampleLedger::parse(l.serialize(), "ledger");
  EXPECT_EQ(back.total(), 4u);
  EXPECT_TRUE(back.contains("a", 1));
  EXPECT_TRUE(back.contains("b", 5));
  EXPECT_FALSE(back.contains("b", 4));
  EXPECT_EQ(back.serialize(), l.serialize());
  EXPECT_THROW(SampleLedger::parse("walker a x\n", "ledger"), ParseError);
  EXPECT_THROW(SampleLedger::parse("walker a 3 2\n", "ledger"), ParseError);
  EXPECT_THROW(SampleLedger::parse("walker a 3\nwalker a 4\n", "ledger"), ParseError);
}

TEST(DirectoryTransport, SamplesArriveExactlyOnceAndPartialShardsWait) {
  test::TempDir tmp;
  const std::string root = tmp.path().string();
  DirectorySampleSink a(root, "a"), b(root, "b");
  for (std::uint64_t i = 0; i < 3; ++i) a.push(make_sample("a", i));
  a.flush();
  b.push(make_sample("b", 0));
  b.flush();
  b.flush();  // nothing pending: no empty shard
  EXPECT_EQ(b.shards_written(), 1u);
  EXPECT_THROW(a.push(make_sample("b", 3)), Error);  // another walker's sample
  a.push(make_sample("a", 3));
  EXPECT_THROW(a.push(make_sample("a", 5)), Error);  // a gap

  DirectorySampleFeed feed(root);
  EXPECT_EQ(ids(feed.take()).size(), 4u);
  EXPECT_TRUE(feed.take().empty());
  a.flush();  // sample 3
  auto more = feed.take();
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].sequence, 3u);

  // A walker restarted from an older checkpoint writes samples 2..4 again: only 4 is new.
  DirectorySampleSink again(root, "a");
  for (std::uint64_t i = 2; i < 5; ++i) again.push(make_sample("a", i));
  again.flush();
  more = feed.take();
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].sequence, 4u);

  // A shard still arriving (copied by a tool that does not rename) and a temporary file are
  // left alone until complete; the refusal is reported once.
  const std::string full = format_shard({make_sample("b", 1), make_sample("b", 2)});
  const std::string name = root + "/samples/b/shard-00000000000000000001-00000000000000000002.xyz";
  test::write_text(name, full.substr(0, full.size() / 2));
  test::write_text(root + "/samples/b/shard-00000000000000000003-00000000000000000003.xyz.tmp.abc123",
                   format_shard({make_sample("b", 3)}));
  EXPECT_TRUE(feed.take().empty());
  EXPECT_EQ(feed.take_problems().size(), 1u);
  EXPECT_TRUE(feed.take().empty());
  EXPECT_TRUE(feed.take_problems().empty());
  test::write_text(name, full);
  EXPECT_EQ(ids(feed.take()), (std::set<std::pair<std::string, std::uint64_t>>{{"b", 1}, {"b", 2}}));

  // A shard whose content disagrees with its name is refused.
  test::write_text(root + "/samples/b/shard-00000000000000000007-00000000000000000007.xyz",
                   format_shard({make_sample("b", 8)}));
  EXPECT_TRUE(feed.take().empty());
  const auto problems = feed.take_problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("not what the name says"), std::string::npos) << problems[0];

  // A feed restarted with its ledger counts nothing again; without it, everything once.
  DirectorySampleFeed resumed(root, feed.ledger());
  EXPECT_TRUE(resumed.take().empty());
  DirectorySampleFeed fresh(root);
  EXPECT_EQ(fresh.take().size(), 8u);
}

TEST(DirectoryTransport, ModelsArriveVerifiedAndBrokenOnesAreRefused) {
  test::TempDir tmp;
  const std::string root = tmp.file("exchange");
  DirectoryModelSource source(root);
  std::string problem;
  EXPECT_FALSE(source.newer_than(0, &problem));  // nothing published yet: not a problem
  EXPECT_TRUE(problem.empty());
  EXPECT_EQ(published_version(root), 0);

  DirectoryModelPublisher publisher(root);
  const std::string v1 = model_text(1, tmp.path().string()), v2 = model_text(2, tmp.path().string());
  publisher.publish({1, "native", v1});
  EXPECT_EQ(published_version(root), 1);
  auto got = source.newer_than(0, &problem);
  ASSERT_TRUE(got) << problem;
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->bytes, v1);
  EXPECT_FALSE(source.newer_than(1));
  EXPECT_THROW(publisher.publish({1, "native", v1}), Error);       // not newer
  EXPECT_THROW(publisher.publish({3, "native", v2}), Error);       // text says version 2
  EXPECT_THROW(publisher.publish({3, "native", v2.substr(0, 100)}), Error);  // not a model

  // Version 2 arrives truncated (a copy cut short), then corrupted: refused and reported.
  publisher.publish({2, "native", v2});
  const std::string file2 = root + "/models/model-v2.nnp";
  test::write_text(file2, v2.substr(0, v2.size() / 2));
  problem.clear();
  EXPECT_FALSE(source.newer_than(1, &problem));
  EXPECT_NE(problem.find("checksum"), std::string::npos) << problem;
  std::string bad = v2;
  bad[bad.size() / 2] = bad[bad.size() / 2] == '3' ? '4' : '3';
  test::write_text(file2, bad);
  problem.clear();
  EXPECT_FALSE(source.newer_than(1, &problem));
  EXPECT_FALSE(problem.empty());
  // A broken manifest too.
  test::write_text(file2, v2);
  const std::string manifest = test::read_text(root + "/models/MANIFEST");
  test::write_text(root + "/models/MANIFEST", manifest.substr(0, manifest.size() - 20));
  problem.clear();
  EXPECT_FALSE(source.newer_than(1, &problem));
  EXPECT_NE(problem.find("MANIFEST"), std::string::npos) << problem;
  test::write_text(root + "/models/MANIFEST", manifest);
  got = source.newer_than(1, &problem);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->format, "native");
  // A manifest written before formats were tagged (no `format` line) is read by the file's extension.
  ASSERT_NE(manifest.find("format = native\n"), std::string::npos) << manifest;
  std::string untagged = manifest;
  untagged.erase(untagged.find("format = native\n"), 16);
  test::write_text(root + "/models/MANIFEST", untagged);
  got = source.newer_than(1, &problem);
  ASSERT_TRUE(got) << problem;
  EXPECT_EQ(got->format, "native");
}

TEST(ModelLineage, NamesWritesAndFindsVersionsByTheirFormat) {
  test::TempDir tmp;
  const ModelLineage lineage(tmp.file("run"));
  EXPECT_EQ(ModelLineage::entry(3, "native"), "models/model-v3.nnp");
  EXPECT_EQ(ModelLineage::format_of("models/model-v3.nnp"), "native");
  EXPECT_THROW(ModelLineage::format_of("model-v3.unknown"), Error);
  EXPECT_THROW(ModelLineage::file_name(3, "n2p2"), Error);  // a directory format: not handed over as bytes
  EXPECT_FALSE(lineage.find(1));
  const std::string v1 = model_text(1, tmp.path().string()), v2 = model_text(2, tmp.path().string());
  EXPECT_EQ(lineage.write({2, "native", v2}), "models/model-v2.nnp");
  EXPECT_EQ(lineage.write({1, "native", v1}), "models/model-v1.nnp");
  test::write_text(lineage.directory() + "/model-v9.nnp.tmp.1", "partial");  // not a version
  const auto versions = lineage.versions();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions.begin()->second, "models/model-v1.nnp");
  const auto found = lineage.find(2);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->bytes, v2);
  EXPECT_EQ(check_published_model(*found, "v2").species, std::vector<std::string>{"Si"});
  EXPECT_THROW(check_published_model({3, "native", v2}, "v2 as v3"), Error);  // its own version is 2
  EXPECT_EQ(read_model_file(lineage.path("models/model-v1.nnp")).version, 1);
}

TEST(InProcessTransport, ThreadsHandOverSamplesOnceAndModels) {
  test::TempDir tmp;
  InProcessTransport t;
  std::vector<std::thread> walkers;
  for (int w = 0; w < 3; ++w)
    walkers.emplace_back([&t, w] {
      for (std::uint64_t i = 0; i < 20; ++i) {
        t.sink().push(make_sample("w" + std::to_string(w), i));
        if (i == 10) t.sink().push(make_sample("w" + std::to_string(w), i));  // a repeat
      }
      t.sink().flush();
    });
  std::vector<Sample> got;
  while (got.size() < 60) {
    for (auto& s : t.feed().take()) got.push_back(std::move(s));
    std::this_thread::yield();
  }
  for (auto& th : walkers) th.join();
  EXPECT_TRUE(t.feed().take().empty());
  EXPECT_EQ(ids(got).size(), 60u);

  EXPECT_FALSE(t.source().newer_than(0));
  t.publisher().publish({1, "native", model_text(1, tmp.path().string())});
  EXPECT_THROW(t.publisher().publish({1, "native", model_text(1, tmp.path().string())}), Error);
  ASSERT_TRUE(t.source().newer_than(0));
  EXPECT_EQ(t.source().newer_than(0)->version, 1);
  EXPECT_FALSE(t.source().newer_than(1));
}

TrainerDaemonOptions daemon_options(const std::string& state_dir) {
  TrainerDaemonOptions o;
  o.state_dir = state_dir;
  o.min_samples = 6;
  o.min_new_samples = 3;
  o.epochs = 3;
  o.first_epochs = 10;
  o.publish_every_round = true;
  o.spec = tiny_spec();
  o.train.batch_size = 4;
  o.train.threads = 1;
  o.train.validation_fraction = 0.2;
  o.poll_interval_s = 0.01;
  return o;
}

TEST(TrainerDaemon, TrainsPublishesAndResumesWithoutLosingOrRepeatingSamples) {
  REQUIRE_SW();
  const auto sw = stillinger_weber();
  test::TempDir tmp;
  const std::string root = tmp.file("exchange"), state = tmp.file("state");
  DirectorySampleSink sink(root, "w0");
  DirectoryModelPublisher publisher(root);
  DirectoryModelSource source(root);
  std::uint64_t next = 0;
  auto push = [&](int n) {
    for (int i = 0; i < n; ++i) sink.push(make_sample("w0", next++, sw.get()));
    sink.flush();
  };
  {
    TrainerDaemon daemon(daemon_options(state));
    DirectorySampleFeed feed(root, daemon.ledger());
    push(4);
    EXPECT_FALSE(daemon.step(feed, publisher, source));  // fewer than min_samples
    push(3);
    EXPECT_TRUE(daemon.step(feed, publisher, source));  // v1 from scratch
    EXPECT_EQ(daemon.version(), 1);
    EXPECT_EQ(published_version(root), 1);
    EXPECT_FALSE(daemon.step(feed, publisher, source));  // nothing new
    push(3);
    EXPECT_TRUE(daemon.step(feed, publisher, source));  // v2, warm start
    EXPECT_EQ(published_version(root), 2);
    EXPECT_EQ(daemon.samples(), 10u);
  }
  // A crash after the store took new samples but before the checkpoint counted them: the
  // restart cuts the store back and takes them again, once.
  const std::string cp = state + "/checkpoint";
  const std::string before = test::read_text(cp);
  {
    TrainerDaemon daemon(daemon_options(state));
    DirectorySampleFeed feed(root, daemon.ledger());
    push(2);
    EXPECT_FALSE(daemon.step(feed, publisher, source));  // 2 < min_new_samples
    EXPECT_EQ(daemon.samples(), 12u);
  }
  test::write_text(cp, before);
  {
    std::ofstream(state + "/samples.xyz", std::ios::app) << "8\nLattice=\"5.4 0";  // a torn record
  }
  TrainerDaemon daemon(daemon_options(state));
  EXPECT_EQ(daemon.samples(), 10u);
  EXPECT_EQ(daemon.version(), 2);
  DirectorySampleFeed feed(root, daemon.ledger());
  push(1);
  EXPECT_TRUE(daemon.step(feed, publisher, source));
  EXPECT_EQ(daemon.samples(), 13u);
  EXPECT_EQ(published_version(root), 3);
  const auto stored = parse_samples(test::read_text(state + "/samples.xyz"), "store");
  ASSERT_EQ(stored.size(), 13u);
  for (std::uint64_t i = 0; i < stored.size(); ++i) EXPECT_EQ(stored[i].sequence, i);
  // Every round is in trainer.csv once (header + 3 rows), versions rising.
  const std::string csv = test::read_text(state + "/trainer.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4) << csv;
}

// The trainer's feature worker gives exactly the features the trainer would compute itself, in
// order, waits for what was asked, and names a sample whose features fail.
TEST(FeaturePipeline, GivesTheTrainersFeaturesInOrder) {
  REQUIRE_SW();
  const auto sw = stillinger_weber();
  test::TempDir tmp;
  std::optional<long long> v;
  (void)model_text(1, tmp.path().string());
  const train::TrainableModel model = train::load_trainable_model(tmp.file("v1.nnp"), &v);
  std::vector<LabelledFrame> frames;
  for (std::uint64_t i = 0; i < 12; ++i) frames.push_back(make_sample("w", i, sw.get()).frame);
  FeaturePipeline pipeline(train::load_trainable_model(tmp.file("v1.nnp")), false, 2);
  for (std::size_t i = 0; i < frames.size(); ++i) pipeline.add(100 + i, frames[i]);
  std::vector<train::FrameFeatures> got = pipeline.take_from(100, 5);
  ASSERT_GE(got.size(), 5u);
  for (auto& f : pipeline.take_from(100 + got.size(), frames.size() - got.size())) got.push_back(std::move(f));
  ASSERT_EQ(got.size(), frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const train::FrameFeatures direct = train::compute_features(model, frames[i].frame, true, false);
    EXPECT_EQ(got[i].x, direct.x) << i;
    EXPECT_EQ(got[i].jacobian, direct.jacobian) << i;
    EXPECT_TRUE(got[i].has_jacobian);
  }
  LabelledFrame carbon = frames[0];
  carbon.frame.numbers[0] = 6;  // a species the model does not know
  pipeline.add(200, carbon);
  try {
    (void)pipeline.take_from(200, 1);
    FAIL() << "a frame the model cannot describe gave features";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sample 200"), std::string::npos) << e.what();
  }
}

// balance = "auto": a round should last about as long as the walkers take to add a tenth of the
// data. Samples that trickle in make long rounds (up to max_epochs); rounds capped at a tiny
// max_round_s make short ones (down to min_epochs). The events log says what the trainer did.
TEST(TrainerDaemon, AutomaticBalanceAdaptsTheEpochsToTheSampleRate) {
  REQUIRE_SW();
  const auto sw = stillinger_weber();
  for (const bool trickle : {true, false}) {
    test::TempDir tmp;
    InProcessTransport t;
    TrainerDaemonOptions o = daemon_options(tmp.file("state"));
    o.auto_balance = true;
    o.min_new_samples = 1;
    o.min_epochs = 2;
    o.max_epochs = 40;
    o.epochs = 10;
    o.max_round_s = trickle ? 60.0 : 1e-6;
    o.min_round_s = trickle ? 1.0 : 1e-6;
    TrainerDaemon daemon(o);
    std::uint64_t next = 0;
    for (int round = 0; round < 6; ++round) {
      for (int i = 0; i < (round == 0 ? 7 : 1); ++i) t.sink().push(make_sample("w", next++, sw.get()));
      std::this_thread::sleep_for(std::chrono::milliseconds(trickle ? 30 : 1));
      EXPECT_TRUE(daemon.step(t.feed(), t.publisher(), t.source()));
    }
    EXPECT_EQ(daemon.next_epochs(), trickle ? 40 : 2) << (trickle ? "trickle" : "flood");
    const auto events = read_event_log(tmp.file("state/events.csv"));
    EXPECT_EQ(std::count_if(events.begin(), events.end(), [](const Event& e) { return e.kind == "train"; }), 6);
    EXPECT_EQ(std::count_if(events.begin(), events.end(), [](const Event& e) { return e.kind == "ingest"; }), 6);
  }
}

TEST(TrainerDaemon, RunsAsAThreadBesideWalkersInOneProcess) {
  REQUIRE_SW();
  const auto sw = stillinger_weber();
  test::TempDir tmp;
  InProcessTransport t;
  TrainerDaemon daemon(daemon_options(tmp.file("state")));
  std::atomic<bool> done{false};
  std::string why;
  std::thread trainer([&] { why = daemon.run(t.feed(), t.publisher(), t.source(), [&] { return done.load(); }); });
  long long seen = 0;
  std::vector<long long> versions;
  std::uint64_t next = 0;
  // The walker: a few samples per "trial", then a look for a newer model, until version 3.
  const bool reached = test::wait_for([&] {
    for (int i = 0; i < 3; ++i) t.sink().push(make_sample("w", next++, sw.get()));
    t.sink().flush();
    if (auto m = t.source().newer_than(seen)) versions.push_back(seen = m->version);
    return seen >= 3;
  }, 60);
  done = true;
  trainer.join();
  ASSERT_TRUE(reached);
  EXPECT_EQ(why, "stopped");
  EXPECT_TRUE(std::is_sorted(versions.begin(), versions.end()));
  EXPECT_LE(daemon.samples(), next);
  EXPECT_GE(daemon.samples(), 6u);
  EXPECT_EQ(daemon.ledger().total(), daemon.samples());
}

TEST(TrainerConfig, ReadsKeysAndNamesBadOnes) {
  const std::string text =
      "[transport]\ntype = \"directory\"\npath = \"x\"\n[trainer]\nmax_rounds = 2\n"
      "[training]\nmin_samples = 5\nepochs = 4\npublish = \"every_round\"\n"
      "[training.model]\nspecies = [\"Si\"]\nradial_cutoff = 4.0\n";
  Config c = Config::parse(text, "t.toml");
  const TrainerConfig t = read_trainer_config(c, "/base");
  c.check_all_used();
  EXPECT_EQ(t.transport.path, "/base/x");
  EXPECT_EQ(t.daemon.state_dir, "/base/x/trainer");
  EXPECT_EQ(t.daemon.stop_file, "/base/x/trainer/STOP");
  Config given = Config::parse(text + "", "t.toml");
  given.apply_override("trainer.state_dir=\"./st\"");
  EXPECT_EQ(read_trainer_config(given, "/base").daemon.state_dir, "/base/st");
  EXPECT_EQ(read_trainer_config(given, "/base").daemon.stop_file, "/base/st/STOP");
  EXPECT_EQ(t.daemon.max_rounds, 2);
  EXPECT_EQ(t.daemon.min_samples, 5u);
  EXPECT_EQ(t.daemon.epochs, 4);
  EXPECT_TRUE(t.daemon.publish_every_round);
  EXPECT_DOUBLE_EQ(t.daemon.spec.chebyshev.radial_cutoff, 4.0);
  auto fails = [&](const std::string& bad, const std::string& key) {
    try {
      Config b = Config::parse(bad, "t.toml");
      read_trainer_config(b, "/base");
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  };
  fails("[transport]\ntype = \"pigeon\"\npath = \"x\"\n[training]\n", "transport.type");
  fails("[transport]\ntype = \"directory\"\npath = \"x\"\n[training]\nmin_samples = 0\n", "training.min_samples");
  fails("[transport]\ntype = \"directory\"\npath = \"x\"\n[training]\npublish = \"sometimes\"\n", "training.publish");
  fails("[transport]\ntype = \"directory\"\npath = \"x\"\n[trainer]\npoll_interval_s = 0\n[training]\n", "trainer.poll_interval_s");
}

}  // namespace

// ---- `slhmc trainer` as a real second process --------------------------------

namespace {

bool alive(long pid) { return test::run_command("kill -0 " + std::to_string(pid) + " 2>/dev/null") == 0; }

// A trainer process's surroundings: its directory with trainer.toml, the exchange directory,
// and a walker "walker-1" that pushes SW-labelled samples into it.
struct TrainerProcessSetup {
  std::unique_ptr<ForceProvider> sw = stillinger_weber();
  test::TempDir tmp;
  std::string dir = tmp.path().string(), root = tmp.file("exchange");
  DirectorySampleSink sink{root, "walker-1"};
  DirectoryModelSource source{root};
  std::uint64_t next = 0;
  TrainerProcessSetup() {
    test::write_text(tmp.file("trainer.toml"), std::string(test::kTrainerToml) + test::kTinySiModelToml);
  }
  void push(int n) {
    for (int i = 0; i < n; ++i) sink.push(make_sample("walker-1", next++, sw.get()));
    sink.flush();
  }
};

// Starts `slhmc trainer` in the background in `dir`; returns its pid.
long start_trainer(const std::string& exe, const std::string& dir, const std::string& extra = "") {
  EXPECT_EQ(test::run_command("cd " + dir + " && (" + exe + " trainer trainer.toml " + extra +
                              " >> trainer.log 2>&1 & echo $! > trainer.pid)"),
            0);
  return std::stol(test::read_text(dir + "/trainer.pid"));
}

}  // namespace

TEST(TrainerProcess, SamplesArriveOnceModelsArriveAndAKilledTrainerResumes) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  TrainerProcessSetup setup;
  const std::string &dir = setup.dir, &root = setup.root;
  DirectoryModelSource& source = setup.source;
  auto push = [&](int n) { setup.push(n); };

  long pid = start_trainer(exe, dir);
  // A failed assertion must not leave the trainer running.
  const std::shared_ptr<void> reaper(nullptr, [&pid](void*) {
    if (alive(pid)) test::run_command("kill -9 " + std::to_string(pid));
  });
  push(7);
  // The walker's view: versions only rise, each model verified.
  long long seen = 0;
  std::vector<long long> versions;
  auto poll = [&] {
    std::string problem;
    if (auto m = source.newer_than(seen, &problem)) {
      EXPECT_GT(m->version, seen);
      seen = m->version;
      versions.push_back(seen);
    }
    EXPECT_TRUE(problem.empty()) << problem;
    return seen;
  };
  ASSERT_TRUE(test::wait_for([&] { return poll() >= 1; }, 60)) << test::read_text(dir + "/trainer.log");
  push(3);
  ASSERT_TRUE(test::wait_for([&] { return poll() >= 2; }, 60)) << test::read_text(dir + "/trainer.log");

  // Killed without warning, samples keep coming (one shard twice, as after a walker restart),
  // then it is started again: it resumes from its checkpoint.
  ASSERT_EQ(test::run_command("kill -9 " + std::to_string(pid)), 0);
  ASSERT_TRUE(test::wait_for([&] { return !alive(pid); }, 10));
  push(3);
  {
    DirectorySampleSink repeat(root, "walker-1");
    for (std::uint64_t s = 8; s < 11; ++s) repeat.push(make_sample("walker-1", s, setup.sw.get()));
    repeat.flush();
  }
  pid = start_trainer(exe, dir);
  ASSERT_TRUE(test::wait_for([&] { return poll() >= 3; }, 60)) << test::read_text(dir + "/trainer.log");
  push(3);
  ASSERT_TRUE(test::wait_for([&] {
    // Replaced as we look: checkpoint.prev alone may be there for an instant.
    const std::string path = root + "/trainer/checkpoint";
    std::ifstream in(path);
    const std::string cp((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return cp.find("walker walker-1 16\n") != std::string::npos;
  }, 60)) << test::read_text(dir + "/trainer.log");
  test::write_text(root + "/trainer/STOP", "");
  ASSERT_TRUE(test::wait_for([&] { return !alive(pid); }, 30)) << "the trainer ignored its STOP file";
  const std::string log = test::read_text(dir + "/trainer.log");
  EXPECT_NE(log.find("stopped (stop file"), std::string::npos) << log;

  // Every sample in the trainer's store exactly once, in order.
  const auto stored = parse_samples(test::read_text(root + "/trainer/samples.xyz"), "store");
  ASSERT_EQ(stored.size(), 16u) << log;
  for (std::uint64_t i = 0; i < stored.size(); ++i) EXPECT_EQ(stored[i].sequence, i);
  EXPECT_TRUE(std::is_sorted(versions.begin(), versions.end()));
  EXPECT_GE(published_version(root), 3);
}

// Fault injection (core/fault_point.hpp): the trainer process dies (as by kill -9) in the middle of
// a training round, or between writing a model file and the manifest that publishes it. Walkers
// see no broken model; the restarted trainer counts every sample once and publishes in order.
TEST(TrainerProcess, DiesMidRoundOrMidPublicationAndResumes) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  for (const std::string point : {"trainer-mid-round", "trainer-mid-publication"}) {
    TrainerProcessSetup setup;
    const std::string &dir = setup.dir, &root = setup.root;
    DirectoryModelSource& source = setup.source;
    auto push = [&](int n) { setup.push(n); };
    long pid = start_trainer("SLHMC_FAULT=" + point + " " + exe, dir);
    const std::shared_ptr<void> reaper(nullptr, [&pid](void*) {
      if (alive(pid)) test::run_command("kill -9 " + std::to_string(pid));
    });
    push(7);
    ASSERT_TRUE(test::wait_for([&] { return !alive(pid); }, 60)) << point << " was never reached";
    std::string problem;
    EXPECT_FALSE(source.newer_than(0, &problem)) << point << ": a model was published";
    EXPECT_TRUE(problem.empty()) << point << ": " << problem;
    if (point == "trainer-mid-publication") {
      EXPECT_TRUE(fs::exists(root + "/models/model-v1.nnp"));  // written, never announced
    }

    pid = start_trainer(exe, dir);
    ASSERT_TRUE(test::wait_for([&] { return published_version(root) >= 1; }, 60)) << test::read_text(dir + "/trainer.log");
    push(3);
    ASSERT_TRUE(test::wait_for([&] { return published_version(root) >= 2; }, 60)) << test::read_text(dir + "/trainer.log");
    test::write_text(root + "/trainer/STOP", "");
    ASSERT_TRUE(test::wait_for([&] { return !alive(pid); }, 30));
    const auto stored = parse_samples(test::read_text(root + "/trainer/samples.xyz"), "store");
    ASSERT_EQ(stored.size(), 10u) << point;
    for (std::uint64_t i = 0; i < stored.size(); ++i) EXPECT_EQ(stored[i].sequence, i) << point;
    const auto model = source.newer_than(0, &problem);
    ASSERT_TRUE(model) << point << ": " << problem;
    EXPECT_EQ(model->version, 2) << point;
  }
}
