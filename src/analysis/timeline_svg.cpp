// The timeline picture (see timeline_svg.hpp): lanes of coloured bars, a time
// axis and a legend, as plain SVG in the style of svg_plot.cpp.
#include "slhmc/analysis/timeline_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <sstream>

#include "slhmc/analysis/learning_telemetry.hpp"
#include "slhmc/analysis/svg_plot.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::analysis {

namespace {

// Fixed colours for the kinds the logs define, so that pictures of different runs compare.
const std::map<std::string, std::string>& kind_colours() {
  static const std::map<std::string, std::string> colours = {
      {"trajectory", "#1f77b4"}, {"reference", "#ff7f0e"},  {"bootstrap", "#9467bd"}, {"ship", "#e377c2"},
      {"poll", "#bcbd22"},       {"model_load", "#17becf"}, {"wait", "#d62728"},      {"train", "#2ca02c"},
      {"ingest", "#8c564b"},     {"publish", "#393b79"}};
  return colours;
}
const char* kOtherColours[] = {"#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5", "#c49c94"};

// The order of the legend: the defined kinds as listed above (walker, then trainer), others after.
int kind_rank(const std::string& kind) {
  static const char* order[] = {"trajectory", "reference", "bootstrap", "ship",   "poll",
                                "model_load", "wait",      "train",     "ingest", "publish"};
  for (int i = 0; i < 10; ++i)
    if (kind == order[i]) return i;
  return 10;
}

std::string utc(double epoch_s) {
  const std::time_t t = static_cast<std::time_t>(std::floor(epoch_s));
  std::tm tm{};
  char buf[40];
  if (epoch_s < -1e11 || epoch_s > 1e11 || !gmtime_r(&t, &tm) ||
      std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
    std::snprintf(buf, sizeof buf, "%.6g s after the epoch", epoch_s);
  }
  return buf;
}

std::string fixed(double v, int decimals = 2) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string lane_label(const std::string& actor) {
  return actor.size() <= 16 ? actor : actor.substr(0, 15) + "\xE2\x80\xA6";  // "…"
}

}  // namespace

std::string render_timeline_svg(const std::vector<Event>& events, const TimelineOptions& options) {
  if (options.width < 300 || options.lane_height < 8)
    throw Error("timeline: the picture must be at least 300 pixels wide with lanes of at least 8 pixels");
  double t0 = std::numeric_limits<double>::infinity(), t1 = -t0;
  std::map<std::string, std::map<std::string, std::vector<const Event*>>> lanes;  // actor → kind → events
  for (const Event& e : events) {
    if (!std::isfinite(e.start_s) || !std::isfinite(e.end_s) || e.end_s < e.start_s)
      throw Error("timeline: event " + e.actor + " " + e.kind +
                  " has times that are not finite or end before the start");
    t0 = std::min(t0, e.start_s), t1 = std::max(t1, e.end_s);
    lanes[e.actor][e.kind].push_back(&e);
  }
  if (!events.empty() && !std::isfinite(t1 - t0))
    throw Error("timeline: the events span more time than a double holds");
  std::vector<std::string> actors;
  for (const auto& [actor, kinds] : lanes) actors.push_back(actor);
  std::sort(actors.begin(), actors.end(), [](const std::string& a, const std::string& b) {
    const bool ta = a == "trainer", tb = b == "trainer";
    return ta != tb ? tb : natural_less(a, b);
  });
  std::vector<std::string> kinds;
  for (const auto& [actor, by_kind] : lanes)
    for (const auto& [kind, list] : by_kind)
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  std::sort(kinds.begin(), kinds.end(), [](const std::string& a, const std::string& b) {
    const int ra = kind_rank(a), rb = kind_rank(b);
    return ra != rb ? ra < rb : a < b;
  });
  std::map<std::string, std::string> colour;
  std::size_t others = 0;
  for (const auto& k : kinds) {
    const auto it = kind_colours().find(k);
    colour[k] = it != kind_colours().end() ? it->second : kOtherColours[others++ % 6];
  }

  const double width = options.width, lane_h = options.lane_height;
  const double left = 120, right = 20, top = 44;
  const double pw = width - left - right;
  // At least a microsecond of axis, so that zero-length logs still draw (and ticks terminate).
  const double range = events.empty() ? 1.0 : std::max(t1 - t0, 1e-6);
  if (events.empty()) t0 = 0;
  auto X = [&](double t) { return left + (t - t0) / range * pw; };
  const double lanes_h = lane_h * static_cast<double>(std::max<std::size_t>(1, actors.size()));
  const double axis_y = top + lanes_h;
  const int per_row = std::max(1, static_cast<int>(pw / 110));
  const int legend_rows = static_cast<int>((kinds.size() + per_row - 1) / per_row);
  const double height = axis_y + 44 + 18.0 * legend_rows + 6;

  std::ostringstream o;
  o.precision(6);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << options.width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << width / 2 << "\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">" << svg_escape(options.title)
    << "</text>\n";
  if (events.empty())
    o << "<text x=\"" << left + pw / 2 << "\" y=\"" << top + lane_h / 2 + 4
      << "\" text-anchor=\"middle\">no events</text>\n";

  // Lanes: a light band every other lane, the actor's name on the left.
  for (std::size_t i = 0; i < actors.size(); ++i) {
    const double y = top + lane_h * static_cast<double>(i);
    if (i % 2 == 0)
      o << "<rect x=\"" << left << "\" y=\"" << y << "\" width=\"" << pw << "\" height=\"" << lane_h
        << "\" fill=\"#f4f4f4\"/>\n";
    o << "<text class=\"lane\" x=\"" << left - 8 << "\" y=\"" << y + lane_h / 2 + 4 << "\" text-anchor=\"end\">"
      << svg_escape(lane_label(actors[i])) << "</text>\n";
  }
  // Time axis.
  const auto ticks = nice_ticks(0, range);
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : range;
  for (const double t : ticks)
    o << "<line x1=\"" << X(t0 + t) << "\" y1=\"" << top << "\" x2=\"" << X(t0 + t) << "\" y2=\"" << axis_y + 4
      << "\" stroke=\"#ddd\"/><text x=\"" << X(t0 + t) << "\" y=\"" << axis_y + 18 << "\" text-anchor=\"middle\">"
      << tick_label(t, step) << "</text>\n";
  o << "<line x1=\"" << left << "\" y1=\"" << axis_y << "\" x2=\"" << left + pw << "\" y2=\"" << axis_y
    << "\" stroke=\"black\"/>\n";
  o << "<text x=\"" << left + pw / 2 << "\" y=\"" << axis_y + 36 << "\" text-anchor=\"middle\">wall time (s) since "
    << (events.empty() ? std::string("the start") : utc(t0))
    << "; bar height: share of the time of each pixel column</text>\n";

  // Bars: each pixel column of a lane shows the share of its time that each kind took, stacked
  // from the bottom in legend order (at least a pixel for a kind that occurred there at all).
  // Neighbouring columns where a kind has the same place and height are one bar. Merging plain
  // bars of events less than a pixel apart would paint a poll every half second as a poll all
  // the time; shares keep frequent short events honest and the picture as small.
  const std::size_t columns = static_cast<std::size_t>(std::floor(pw));
  const double column_s = range / static_cast<double>(columns);
  const double bar_h = lane_h - 6;
  for (std::size_t i = 0; i < actors.size(); ++i) {
    const double lane_bottom = top + lane_h * static_cast<double>(i + 1) - 3;
    std::vector<std::string> lane_kinds;
    for (const auto& [kind, list] : lanes[actors[i]]) lane_kinds.push_back(kind);
    std::sort(lane_kinds.begin(), lane_kinds.end(), [&](const std::string& a, const std::string& b) {
      return std::find(kinds.begin(), kinds.end(), a) < std::find(kinds.begin(), kinds.end(), b);
    });
    std::vector<std::vector<double>> share(lane_kinds.size(), std::vector<double>(columns, 0.0));
    std::vector<std::vector<std::size_t>> started(lane_kinds.size(), std::vector<std::size_t>(columns, 0));
    for (std::size_t k = 0; k < lane_kinds.size(); ++k)
      for (const Event* e : lanes[actors[i]][lane_kinds[k]]) {
        auto column_of = [&](double t) {
          return std::min(columns - 1, static_cast<std::size_t>(std::max(0.0, std::floor((t - t0) / column_s))));
        };
        const std::size_t first = column_of(e->start_s), last = column_of(e->end_s);
        ++started[k][first];
        for (std::size_t c = first; c <= last; ++c) {
          const double lo = std::max(e->start_s, t0 + column_s * static_cast<double>(c));
          const double hi = std::min(e->end_s, t0 + column_s * static_cast<double>(c + 1));
          if (hi > lo) share[k][c] += (hi - lo) / column_s;
        }
      }
    // Heights and places (pixels) of each kind per column, stacked; then runs of equal ones.
    std::vector<std::vector<int>> tall(lane_kinds.size(), std::vector<int>(columns, 0)), base = tall;
    const int full = static_cast<int>(bar_h);
    for (std::size_t c = 0; c < columns; ++c) {
      int sum = 0;
      for (std::size_t k = 0; k < lane_kinds.size(); ++k) {
        const double f = std::min(1.0, share[k][c]);
        int h = static_cast<int>(std::lround(f * bar_h));
        if (h == 0 && (f > 0 || started[k][c] > 0)) h = 1;
        tall[k][c] = h;
        sum += h;
      }
      // Kinds of overlapping events (threads) or rounded up to a pixel may not fit: the tallest
      // give way, so that every kind that occurred keeps its pixel.
      while (sum > full) {
        std::size_t tallest = 0;
        for (std::size_t k = 1; k < lane_kinds.size(); ++k)
          if (tall[k][c] > tall[tallest][c]) tallest = k;
        if (tall[tallest][c] <= 1) break;
        --tall[tallest][c];
        --sum;
      }
      int used = 0;
      for (std::size_t k = 0; k < lane_kinds.size(); ++k) {
        tall[k][c] = std::min(tall[k][c], full - used);
        base[k][c] = used;
        used += tall[k][c];
      }
    }
    for (std::size_t k = 0; k < lane_kinds.size(); ++k) {
      for (std::size_t c = 0; c < columns;) {
        if (tall[k][c] <= 0) {
          ++c;
          continue;
        }
        std::size_t end = c, events_in = 0;
        double busy = 0;
        while (end < columns && tall[k][end] == tall[k][c] && base[k][end] == base[k][c])
          events_in += started[k][end], busy += std::min(1.0, share[k][end]), ++end;
        const double run = static_cast<double>(end - c);
        o << "<rect class=\"ev\" x=\"" << left + static_cast<double>(c) << "\" y=\""
          << lane_bottom - base[k][c] - tall[k][c] << "\" width=\"" << run << "\" height=\"" << tall[k][c]
          << "\" fill=\"" << colour[lane_kinds[k]] << "\"";
        if (run < 3) {  // slivers, most of the rectangles of a busy lane, go without a tooltip
          o << "/>\n";
        } else {
          o << "><title>" << lane_kinds[k] << ": " << fixed(100 * busy / run, 0) << "% of "
            << fixed(column_s * static_cast<double>(c)) << "-" << fixed(column_s * static_cast<double>(end)) << " s ("
            << events_in << " events)</title></rect>\n";
        }
        c = end;
      }
    }
  }
  // Legend.
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    const double x = left + 110.0 * static_cast<double>(k % per_row);
    const double y = axis_y + 56 + 18.0 * static_cast<double>(k / per_row);
    o << "<rect x=\"" << x << "\" y=\"" << y - 10 << "\" width=\"12\" height=\"12\" fill=\"" << colour[kinds[k]]
      << "\"/><text x=\"" << x + 17 << "\" y=\"" << y << "\">" << svg_escape(kinds[k]) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace slhmc::analysis
