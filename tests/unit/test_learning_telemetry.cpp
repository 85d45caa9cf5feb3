// Telemetry of learning runs: hand-made event logs with known answers for the
// walker stall/compute fractions, the trainer's busy fraction and rates, and
// model staleness (with samples never covered, a retrained version and a
// synchronously training walker); the timeline's lanes and merged bars; and
// `slhmc report` with the logs of two walkers and a trainer.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "slhmc/analysis/learning_telemetry.hpp"
#include "slhmc/analysis/trials_table.hpp"
#include "slhmc/analysis/timeline_svg.hpp"
#include "slhmc/core/error.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

using analysis::analyse_telemetry;
using analysis::TelemetryReport;
using analysis::WalkerTrials;

Event ev(double start, double end, const std::string& actor, const std::string& kind, const std::string& detail = "") {
  return {start, end, actor, kind, detail};
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

const analysis::WalkerTelemetry& walker(const TelemetryReport& r, const std::string& name) {
  for (const auto& w : r.walkers)
    if (w.walker == name) return w;
  throw Error("no walker " + name);
}

// Trials 1..n with the given model versions (index 0 is trial 1).
WalkerTrials trials(const std::string& name, const std::vector<long long>& versions, std::size_t production_from = 0) {
  WalkerTrials w{name, {}};
  for (std::size_t i = 0; i < versions.size(); ++i)
    w.trials.push_back({i + 1, versions[i], production_from > 0 && i + 1 >= production_from});
  return w;
}

TEST(LearningTelemetry, WalkerTimeSplitsIntoComputeBootstrapStallAndOther) {
  const std::vector<Event> events = {
      ev(100, 110, "walker-0", "bootstrap"),
      ev(102, 104, "walker-0", "reference", "trial=0"),  // inside the bootstrap: bootstrap time
      ev(110, 140, "walker-0", "trajectory"),
      ev(130, 135, "walker-0", "poll"),  // inside a trajectory (another thread): compute time
      ev(140, 160, "walker-0", "reference", "trial=1"),
      ev(160, 162, "walker-0", "ship", "samples=1"),
      ev(162, 163, "walker-0", "poll"),
      ev(163, 165, "walker-0", "model_load", "version=2"),
      ev(165, 170, "walker-0", "wait", "version=3"),
      ev(170, 180, "walker-0", "train", "version=3"),
      ev(185, 190, "walker-0", "checkpoint"),  // a kind of its own: other
      ev(199, 200, "walker-0", "trajectory"),
  };
  const TelemetryReport r = analyse_telemetry(events, {});
  ASSERT_EQ(r.walkers.size(), 1u);
  const auto& w = r.walkers[0];
  EXPECT_EQ(w.events, events.size());
  EXPECT_DOUBLE_EQ(w.span_s, 100.0);
  EXPECT_DOUBLE_EQ(w.bootstrap_fraction, 0.10);
  EXPECT_DOUBLE_EQ(w.compute_fraction, 0.51);
  EXPECT_DOUBLE_EQ(w.stall_fraction, 0.20);
  EXPECT_DOUBLE_EQ(w.other_fraction, 0.19);
  EXPECT_DOUBLE_EQ(w.seconds.at("reference"), 22.0);
  EXPECT_DOUBLE_EQ(w.seconds.at("poll"), 6.0);
  EXPECT_DOUBLE_EQ(w.seconds.at("checkpoint"), 5.0);
  EXPECT_FALSE(r.trainer.present);
  EXPECT_DOUBLE_EQ(r.start_s, 100.0);
  EXPECT_DOUBLE_EQ(r.end_s, 200.0);
}

TEST(LearningTelemetry, TrainerBusyFractionAndRatesWhileSamplesArrive) {
  const std::vector<Event> events = {
      ev(0, 1, "trainer", "ingest", "samples=0"),  // nothing came: outside the window
      ev(5, 15, "trainer", "train", "version=2 samples=4 through=w:1"),
      ev(10, 11, "trainer", "ingest", "samples=5"),  // the window opens at 10
      ev(15, 15.5, "trainer", "publish", "version=2"),
      ev(20, 40, "trainer", "train", "version=3 samples=9 through=w:2"),
      ev(35, 45, "trainer", "train", "version=4 samples=9 through=w:2"),  // overlapping: counted once
      ev(30, 30.5, "trainer", "ingest", "samples=3"),
      ev(45, 45.5, "trainer", "publish", "version=4"),
      ev(60, 62, "trainer", "ingest", "samples=2"),  // ... and closes at 62
      ev(70, 80, "trainer", "train", "version=5 samples=10 through=w:3"),
      ev(80, 81, "trainer", "publish", "version=5"),
  };
  const TelemetryReport r = analyse_telemetry(events, {});
  EXPECT_TRUE(r.walkers.empty());
  const auto& t = r.trainer;
  ASSERT_TRUE(t.present);
  EXPECT_DOUBLE_EQ(t.window_start_s, 10.0);
  EXPECT_DOUBLE_EQ(t.window_s, 52.0);
  EXPECT_DOUBLE_EQ(t.train_in_window_s, 5.0 + 25.0);
  EXPECT_DOUBLE_EQ(t.busy_fraction, 30.0 / 52.0);
  EXPECT_EQ(t.samples_in, 10u);
  EXPECT_DOUBLE_EQ(t.samples_per_s, 10.0 / 52.0);
  EXPECT_EQ(t.rounds, 4u);
  EXPECT_EQ(t.published, 3u);
  EXPECT_DOUBLE_EQ(t.models_per_hour, 3 * 3600.0 / 52.0);
  EXPECT_DOUBLE_EQ(t.seconds.at("ingest"), 4.5);
  EXPECT_DOUBLE_EQ(t.seconds.at("publish"), 2.0);
  EXPECT_DOUBLE_EQ(t.span_s, 81.0);

  // No ingest that took samples: no window, and the figures say so instead of dividing by zero.
  const TelemetryReport idle = analyse_telemetry({ev(0, 1, "trainer", "ingest", "samples=0")}, {});
  EXPECT_TRUE(std::isnan(idle.trainer.busy_fraction));
  EXPECT_TRUE(std::isnan(idle.trainer.samples_per_s));
  EXPECT_NE(analysis::format_telemetry(idle).find("n/a"), std::string::npos);
}

TEST(LearningTelemetry, StalenessCountsTrialsToTheFirstModelTrainedOnASample) {
  const std::vector<Event> events = {
      ev(0, 1, "walker-0", "trajectory"), ev(0, 1, "walker-1", "trajectory"),
      // Version 2 trained twice (a trainer restarted mid-round): the later round counts.
      ev(10, 11, "trainer", "train", "version=2 samples=3 through=walker-0:1"),
      ev(20, 21, "trainer", "train", "version=2 samples=9 through=walker-0:2/walker-0-bootstrap:0/walker-1:1"),
      ev(30, 31, "trainer", "train", "version=3 samples=12 through=walker-0:5/walker-1:3"),
      ev(40, 41, "trainer", "train", "version=4 samples=15 through=walker-0:9"),  // no trial used v4
  };
  // walker-0: trial 10 is in the production phase (a sample not counted, but a trial with a model).
  const std::vector<WalkerTrials> walkers = {trials("walker-0", {1, 1, 1, 2, 2, 2, 3, 3, 3, 3}, 10),
                                             trials("walker-1", {1, 2, 2})};
  const TelemetryReport r = analyse_telemetry(events, walkers);
  // walker-0: t=1,2 first covered at trial 4 (v2 through 2): 3, 2; t=3,4,5 at trial 7 (v3 through
  // 5): 4, 3, 2; t=6..9 never (v4 covers them but no trial used it).
  const auto& s0 = walker(r, "walker-0").staleness;
  EXPECT_EQ(s0.samples, 5u);
  EXPECT_EQ(s0.never, 4u);
  EXPECT_DOUBLE_EQ(s0.mean, 14.0 / 5.0);
  EXPECT_DOUBLE_EQ(s0.median, 3.0);
  EXPECT_DOUBLE_EQ(s0.p90, 4.0);
  EXPECT_DOUBLE_EQ(s0.max, 4.0);
  // walker-1: t=1 at trial 2 (v2 through walker-1:1): 1; t=2,3 never (v3 covers them, unused).
  const auto& s1 = walker(r, "walker-1").staleness;
  EXPECT_EQ(s1.samples, 1u);
  EXPECT_EQ(s1.never, 2u);
  EXPECT_DOUBLE_EQ(s1.max, 1.0);
  // All: 1, 2, 2, 3, 3, 4.
  EXPECT_EQ(r.staleness.samples, 6u);
  EXPECT_EQ(r.staleness.never, 6u);
  EXPECT_DOUBLE_EQ(r.staleness.mean, 2.5);
  EXPECT_DOUBLE_EQ(r.staleness.median, 2.5);
  EXPECT_DOUBLE_EQ(r.staleness.p90, 4.0);
  EXPECT_DOUBLE_EQ(r.staleness.max, 4.0);
  const std::string text = analysis::format_telemetry(r);
  EXPECT_NE(text.find("walker-1"), std::string::npos) << text;
  EXPECT_NE(text.find("2.5"), std::string::npos) << text;
}

TEST(LearningTelemetry, ASynchronousWalkerIsCoveredUpToItsLastReferenceBeforeTheRound) {
  const std::vector<Event> events = {
      ev(0, 1, "walker", "reference", "trial=1"), ev(1, 2, "walker", "reference", "trial=2"),
      ev(2, 3, "walker", "train", "version=2"),   ev(3, 4, "walker", "reference", "trial=3"),
      ev(4, 5, "walker", "reference", "trial=4"),
  };
  const TelemetryReport r = analyse_telemetry(events, {trials("walker", {1, 1, 2, 2})});
  EXPECT_EQ(r.staleness.samples, 2u);  // trial 1 → 2 trials, trial 2 → 1 trial
  EXPECT_EQ(r.staleness.never, 2u);
  EXPECT_DOUBLE_EQ(r.staleness.mean, 1.5);
  EXPECT_DOUBLE_EQ(walker(r, "walker").stall_fraction, 0.2);
}

TEST(LearningTelemetry, DetailsTheFiguresNeedAreChecked) {
  auto message = [](const std::vector<Event>& events, const std::vector<WalkerTrials>& walkers = {}) {
    try {
      analyse_telemetry(events, walkers);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_NE(message({ev(1, 2, "trainer", "ingest", "took=3")}).find("ingest event at 1.000000: no samples="),
            std::string::npos);
  EXPECT_NE(message({ev(1, 2, "trainer", "ingest", "samples=-3")}).find("not a count"), std::string::npos);
  EXPECT_NE(message({ev(1, 2, "trainer", "train", "version=2 through=walker-0")}).find("walker:trial"),
            std::string::npos);
  EXPECT_NE(message({ev(1, 2, "trainer", "train", "through=w:1")}).find("no version="), std::string::npos);
  EXPECT_NE(message({ev(1, std::numeric_limits<double>::infinity(), "w", "poll")}).find("finite"), std::string::npos);
  EXPECT_NE(message({ev(1, 2, "w", "poll")}, {trials("v", {1})}).find("no events of it"), std::string::npos);
  EXPECT_EQ(message({ev(1, 2, "trainer", "train", "version=2 samples=4 through= extra=1")}), "(accepted)");
}

TEST(LearningTelemetry, NaturalOrderOfNames) {
  EXPECT_TRUE(analysis::natural_less("walker-2", "walker-10"));
  EXPECT_FALSE(analysis::natural_less("walker-10", "walker-2"));
  EXPECT_TRUE(analysis::natural_less("a", "b"));
  EXPECT_TRUE(analysis::natural_less("w9x", "w10"));
  EXPECT_FALSE(analysis::natural_less("w1", "w1"));
}

TEST(TimelineSvg, OneLanePerActorTrainerLastAndTinyEventsMerged) {
  // 1140 pixels wide: a plot of 1000 pixel columns, one second each over 0..1000 s.
  const analysis::TimelineOptions options{"timeline", 1140, 24};
  std::vector<Event> events;
  // 10^5 reference calls of 2.5 ms, 5 ms apart (0..500 s): half of each pixel's time, one bar...
  for (int i = 0; i < 100000; ++i)
    events.push_back(ev(1000 + 0.005 * i, 1000 + 0.005 * i + 0.0025, "walker-2", "reference"));
  // ... and a reference call of 10 s later on: a second, full-height bar.
  events.push_back(ev(1700, 1710, "walker-2", "reference"));
  events.push_back(ev(1000, 1100, "walker-10", "trajectory"));
  events.push_back(ev(1010, 1020, "trainer", "train", "version=2"));
  events.push_back(ev(1900, 2000, "trainer", "train", "version=3"));
  // No wall-clock limit here (performance goals live in bench/; a sanitizer build is 5-10x
  // slower): the five bars below are what shows that 10^5 tiny events were merged per pixel.
  const std::string svg = analysis::render_timeline_svg(events, options);
  const TelemetryReport r = analyse_telemetry(events, {});
  EXPECT_EQ(r.walkers.size(), 2u);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(svg, "class=\"lane\""), 3u);
  const std::size_t w2 = svg.find(">walker-2<"), w10 = svg.find(">walker-10<"), tr = svg.find(">trainer<");
  ASSERT_NE(tr, std::string::npos);
  EXPECT_LT(w2, w10);
  EXPECT_LT(w10, tr);
  EXPECT_EQ(count(svg, "<rect class=\"ev\""), 5u) << svg;
  // The band of short calls: half the lane's 18 pixels, 500 columns, every call counted.
  EXPECT_NE(svg.find("width=\"500\" height=\"9\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("reference: 50% of 0.00-500.00 s (100000 events)"), std::string::npos) << svg;
  EXPECT_NE(svg.find("width=\"10\" height=\"18\""), std::string::npos) << svg;
  EXPECT_LT(svg.size(), 10000u);
  for (const char* kind : {">reference<", ">trajectory<", ">train<"}) EXPECT_NE(svg.find(kind), std::string::npos);

  // A poll of 1 ms every 0.5 s beside a trajectory: a one-pixel line, not a poll all the time.
  std::vector<Event> polls = {ev(0, 1000, "w", "trajectory")};
  for (int i = 0; i < 2000; ++i) polls.push_back(ev(0.5 * i, 0.5 * i + 0.001, "w", "poll"));
  const std::string thin = analysis::render_timeline_svg(polls, options);
  EXPECT_NE(thin.find("width=\"1000\" height=\"1\" fill=\"#bcbd22\""), std::string::npos) << thin;
  EXPECT_NE(thin.find("width=\"1000\" height=\"17\" fill=\"#1f77b4\""), std::string::npos) << thin;

  EXPECT_NE(analysis::render_timeline_svg({}).find("no events"), std::string::npos);
  EXPECT_THROW(analysis::render_timeline_svg(events, {"x", 100, 24}), Error);
}

// trials.csv as `slhmc run` writes it (analysis/trials_table.hpp) with the given versions.
std::string trials_csv(const std::vector<int>& versions) {
  std::string s = analysis::trials_header();
  for (std::size_t i = 0; i < versions.size(); ++i) {
    analysis::TrialRow r;
    r.trial = i + 1;
    r.move = "md";
    r.accepted = true;
    r.delta_h = 0.01;
    r.delta_k = 0.1;
    r.delta_v_ref = 0.2;
    r.delta_v_sur = 0.19;
    r.delta = 0.01;
    r.potential = -10.5;
    r.volume = 100;
    r.n_md = 5;
    r.dt_fs = 1;
    r.model_version = versions[i];
    r.seconds_trajectory = 0.1;
    r.seconds_reference = 0.2;
    r.phase = "learning";
    s += analysis::trials_line(r);
  }
  return s;
}

std::string events_csv(const std::vector<Event>& events) {
  std::string s = "start_s,end_s,actor,kind,detail\n";
  for (const Event& e : events) {
    char times[80];
    std::snprintf(times, sizeof times, "%.6f,%.6f,", e.start_s, e.end_s);
    s += times + e.actor + "," + e.kind + "," + e.detail + "\n";
  }
  return s;
}

TEST(CliReport, TelemetryOfTwoWalkersAndATrainer) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir tmp;
  namespace fs = std::filesystem;
  const double t0 = 1795000000.0;
  for (const char* d : {"run", "run/trainer", "other", "state"}) fs::create_directories(tmp.file(d));
  test::write_text(tmp.file("run/trials.csv"), trials_csv({1, 1, 2, 2}));
  test::write_text(tmp.file("other/trials.csv"), trials_csv({1, 2}));
  test::write_text(tmp.file("run/events.csv"),
                   events_csv({ev(t0, t0 + 8, "walker-0", "trajectory"), ev(t0 + 8, t0 + 9, "walker-0", "poll"),
                               ev(t0 + 9, t0 + 10, "walker-0", "model_load", "version=2")}));
  test::write_text(tmp.file("other/events.csv"), events_csv({ev(t0 + 1, t0 + 5, "walker-1", "reference", "trial=1"),
                                                             ev(t0 + 5, t0 + 6, "walker-1", "wait", "version=2")}));
  test::write_text(
      tmp.file("state/events.csv"),
      events_csv({ev(t0, t0 + 0.5, "trainer", "ingest", "samples=4"),
                  ev(t0 + 0.5, t0 + 3.5, "trainer", "train", "version=2 samples=4 through=walker-0:2/walker-1:1"),
                  ev(t0 + 3.5, t0 + 3.6, "trainer", "publish", "version=2"),
                  ev(t0 + 3.6, t0 + 4, "trainer", "ingest", "samples=2")}));
  std::string out;
  const std::string cd = "cd " + tmp.path().string() + " && ";
  ASSERT_EQ(test::run_command(cd + exe + " report run --walker other --trainer state", &out), 0) << out;
  EXPECT_NE(out.find("busy"), std::string::npos) << out;
  EXPECT_NE(out.find("walker-1"), std::string::npos) << out;
  const std::string text = test::read_text(tmp.file("run/report/telemetry.txt"));
  EXPECT_NE(out.find(text), std::string::npos) << out;
  EXPECT_NE(text.find("75.0%"), std::string::npos) << text;  // trainer: 3 s of training in a 4 s window
  EXPECT_NE(text.find("20.0%"), std::string::npos) << text;  // walker-0: 2 s of 10 stalled
  const std::string svg = test::read_text(tmp.file("run/report/timeline.svg"));
  EXPECT_EQ(count(svg, "class=\"lane\""), 3u);
  EXPECT_NE(test::read_text(tmp.file("run/report/index.html")).find("<img src=\"timeline.svg\""), std::string::npos);

  // The in-process trainer's log is found without asking; naming it again reads it once.
  fs::copy_file(tmp.file("state/events.csv"), tmp.file("run/trainer/events.csv"));
  ASSERT_EQ(test::run_command(cd + exe + " report run --trainer run/trainer/events.csv -o r2", &out), 0) << out;
  EXPECT_NE(test::read_text(tmp.file("r2/telemetry.txt")).find("75.0%"), std::string::npos);

  // A damaged log is named with its line, also where only a figure's detail is wrong; a walker
  // directory without a log is named too.
  const std::string trainer_log = test::read_text(tmp.file("state/events.csv"));
  std::string bad_through = trainer_log;
  bad_through.replace(bad_through.find("walker-1:1"), 10, "walker-1");
  test::write_text(tmp.file("state/events.csv"), bad_through);
  EXPECT_NE(test::run_command(cd + exe + " report run --trainer state -o r3", &out), 0);
  EXPECT_NE(out.find("state/events.csv:3"), std::string::npos) << out;
  EXPECT_NE(out.find("walker:trial"), std::string::npos) << out;
  test::write_text(tmp.file("state/events.csv"), trainer_log);
  test::write_text(tmp.file("state/events.csv"), test::read_text(tmp.file("state/events.csv")) + "1,2,trainer\n");
  EXPECT_NE(test::run_command(cd + exe + " report run --trainer state -o r3", &out), 0);
  EXPECT_NE(out.find("state/events.csv:6"), std::string::npos) << out;
  fs::remove(tmp.file("other/events.csv"));
  EXPECT_NE(test::run_command(cd + exe + " report run --walker other -o r3", &out), 0);
  EXPECT_NE(out.find("no events.csv"), std::string::npos) << out;
}

}  // namespace
}  // namespace slhmc
