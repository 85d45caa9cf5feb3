// trials.csv: the writer's line and header, and the reader keyed by header
// names (older files without later columns, a line still being written).
#include <gtest/gtest.h>

#include "slhmc/analysis/trials_table.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::analysis {
namespace {

TEST(TrialsTable, WrittenLinesReadBackByColumnName) {
  TrialRow r;
  r.trial = 7;
  r.move = "volume";
  r.accepted = true;
  r.delta_h = -0.125;
  r.potential = -3.5;
  r.volume = 1000.25;
  r.n_md = 12;
  r.dt_fs = 0.5;
  r.model_version = 3;
  r.phase = "learning";
  const std::string text = trials_header() + trials_line(r) + "8,md,0,0.1";  // the last line is in flight
  const TrialsTable t = TrialsTable::parse(text, "mem");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.text(0, "move"), "volume");
  EXPECT_EQ(t.number(0, "delta_H_eV"), -0.125);
  EXPECT_EQ(t.numbers("volume_A3"), std::vector<double>{1000.25});
  EXPECT_EQ(t.texts("phase"), std::vector<std::string>{"learning"});
  EXPECT_EQ(t.csv_without(trials_timing_columns()).find("seconds_"), std::string::npos);
  EXPECT_THROW(t.text(0, "no_such_column"), Error);
  EXPECT_EQ(t.line(0), 2u);
  // A short line before the end is damage, not a line in flight: named with its line.
  try {
    TrialsTable::parse(trials_header() + "8,md,0,0.1\n" + trials_line(r), "mem");
    ADD_FAILURE() << "a short line in the middle was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("mem:2"), std::string::npos) << e.what();
  }
}

TEST(TrialsTable, OlderFilesLackLaterColumns) {
  const TrialsTable t = TrialsTable::parse("trial,move,accepted,delta_eV\n1,md,1,0.5\n", "old");
  EXPECT_FALSE(t.has("phase"));
  EXPECT_EQ(t.numbers("model_version", 0.0), std::vector<double>{0.0});
  EXPECT_EQ(t.texts("phase", "fixed"), std::vector<std::string>{"fixed"});
  EXPECT_THROW(TrialsTable::parse("step,energy\n", "foreign"), ParseError);
  const TrialsTable bad = TrialsTable::parse("trial,move,accepted\nx,md,1\n", "bad");
  EXPECT_THROW(bad.number(0, "trial"), ParseError);
}

}  // namespace
}  // namespace slhmc::analysis
