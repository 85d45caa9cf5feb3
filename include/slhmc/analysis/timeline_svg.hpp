// The timeline picture of a learning run's telemetry (`slhmc report`,
// timeline.svg): what each walker and the trainer were doing over wall time.
#pragma once

#include <string>
#include <vector>

#include "slhmc/io/event_log.hpp"

namespace slhmc::analysis {

struct TimelineOptions {
  std::string title = "what each walker and the trainer did over wall time";
  int width = 1000;      // pixels, at least 300
  int lane_height = 24;  // pixels per actor, at least 8
};

// One horizontal lane per actor (walkers first, in natural order, the trainer last), coloured
// by kind with a legend, time in seconds from the earliest event. Events are merged per pixel
// column: each column of a lane stacks, per kind, a bar as high as the share of the column's
// time in events of that kind (at least one pixel if any occurred there), and neighbouring
// columns where a kind's bar has the same place and height are one rectangle (its tooltip
// gives the share and the count of events). So a long event is one bar, 10^5 short events a
// band, and the picture stays small: at most `width` rectangles per kind and lane.
// Throws Error for a non-finite time.
std::string render_timeline_svg(const std::vector<Event>& events, const TimelineOptions& options = {});

}  // namespace slhmc::analysis
