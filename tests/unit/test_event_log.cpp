// The telemetry event log: whole lines from concurrent threads, read back as
// written; a line cut by a crash is ignored; damage elsewhere names file:line.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/io/event_log.hpp"
#include "test_support.hpp"

using namespace slhmc;

TEST(EventLog, ThreadsWriteWholeLinesThatReadBack) {
  test::TempDir dir;
  const std::string path = dir.file("events.csv");
  {
    EventLog log(path, "walker-0");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 200; ++i) log.record("reference", 100.0 + i, 100.5 + i, "trial=" + std::to_string(i) + ",x");
        (void)t;
      });
    for (auto& th : threads) th.join();
    { EventSpan span(&log, "ship", "samples=1"); }
    EventSpan nothing(nullptr, "ship");  // no log: records nothing
  }
  EventLog again(path, "walker-0");  // reopening appends, no second header
  again.record("poll", 300.0, 300.25);
  const std::vector<Event> events = read_event_log(path);
  ASSERT_EQ(events.size(), 802u);
  EXPECT_EQ(events[0].actor, "walker-0");
  EXPECT_EQ(events[0].kind, "reference");
  EXPECT_EQ(events[0].detail.rfind("trial=", 0), 0u);
  EXPECT_NE(events[0].detail.find(" x"), std::string::npos);  // the comma became a space
  EXPECT_EQ(events[800].kind, "ship");
  EXPECT_LE(events[800].start_s, events[800].end_s);
  EXPECT_GT(events[800].start_s, 1.7e9);  // wall clock, seconds since the epoch
  EXPECT_DOUBLE_EQ(events[801].end_s, 300.25);
}

TEST(EventLog, ACutLastLineIsIgnoredAndDamageIsNamed) {
  test::TempDir dir;
  const std::string path = dir.file("events.csv");
  {
    EventLog log(path, "trainer");
    log.record("train", 1.0, 2.0, "version=2");
  }
  { std::ofstream(path, std::ios::app) << "3.0,4.0,trainer,trai"; }
  EXPECT_EQ(read_event_log(path).size(), 1u);
  { std::ofstream(path, std::ios::app) << "n,\n5.0,x,trainer,train,\n"; }
  try {
    read_event_log(path);
    FAIL() << "a bad time was accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("events.csv:4"), std::string::npos) << e.what();
  }
  { std::ofstream(path) << "start_s,end_s,actor,kind,detail\n2.0,1.0,trainer,train,\n"; }
  EXPECT_THROW(read_event_log(path), ParseError);
  { std::ofstream(path) << "start_s,end_s,actor,kind,detail\ninf,inf,trainer,train,\n"; }
  EXPECT_THROW(read_event_log(path), ParseError);
  { std::ofstream(path) << "time,actor\n"; }
  EXPECT_THROW(read_event_log(path), ParseError);
  EXPECT_THROW(EventLog(dir.file("x.csv"), "bad actor"), Error);
}
