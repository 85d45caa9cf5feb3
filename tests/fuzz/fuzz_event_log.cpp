// Fuzz target: the telemetry log reader and what `slhmc report` does with what
// it reads (the figures, their text and the timeline picture) must either
// work or throw slhmc::Error, for any bytes; never crash, hang or divide
// its way into a picture of NaNs. read_event_log takes a path, so each input
// goes through a file of this process's own.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "slhmc/analysis/learning_telemetry.hpp"
#include "slhmc/analysis/timeline_svg.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/io/event_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Removed when the fuzzer exits normally.
  static const struct TempFile {
    std::string path = "/tmp/slhmc-fuzz-events-" + std::to_string(::getpid()) + ".csv";
    ~TempFile() { std::remove(path.c_str()); }
  } file;
  const std::string& path = file.path;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const std::vector<slhmc::Event> events = slhmc::read_event_log(path);
    // Every walker gets a trials table whose versions follow its event count, so that
    // staleness runs on whatever train events the input holds.
    std::vector<slhmc::analysis::WalkerTrials> walkers;
    for (const auto& e : events) {
      if (e.actor == "trainer") continue;
      bool known = false;
      for (const auto& w : walkers) known = known || w.walker == e.actor;
      if (!known) walkers.push_back({e.actor, {}});
    }
    for (auto& w : walkers)
      for (std::uint64_t t = 1; t <= 8; ++t) w.trials.push_back({t, static_cast<long long>(t / 2), t == 8});
    try {
      const auto report = slhmc::analysis::analyse_telemetry(events, walkers);
      (void)slhmc::analysis::format_telemetry(report);
    } catch (const slhmc::Error&) {
    }
    (void)slhmc::analysis::render_timeline_svg(events);
  } catch (const slhmc::Error&) {
  }
  return 0;
}
