// The figures of a learning run's telemetry (see learning_telemetry.hpp).
#include "slhmc/analysis/learning_telemetry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>
#include <type_traits>

#include "slhmc/core/error.hpp"

namespace slhmc::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::string kTrainer = "trainer";

// The value of `key=` in a detail (space-separated key=value pairs), if present.
std::optional<std::string_view> detail_value(std::string_view detail, std::string_view key) {
  std::size_t pos = 0;
  while (pos < detail.size()) {
    std::size_t end = detail.find(' ', pos);
    if (end == std::string_view::npos) end = detail.size();
    const std::string_view pair = detail.substr(pos, end - pos);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=')
      return pair.substr(key.size() + 1);
    pos = end + 1;
  }
  return std::nullopt;
}

[[noreturn]] void bad_event(const Event& e, const std::string& what) {
  char start[40];
  std::snprintf(start, sizeof start, "%.6f", e.start_s);
  throw Error("event log: " + e.actor + " " + e.kind + " event at " + start + ": " + what + " (detail '" + e.detail +
              "')");
}

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T value{};
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

// `key=N` of an event, required.
template <class T>
T required_number(const Event& e, std::string_view key) {
  const auto v = detail_value(e.detail, key);
  if (!v) bad_event(e, "no " + std::string(key) + "=");
  const auto n = parse_number<T>(*v);
  bool negative = false;
  if constexpr (std::is_signed_v<T>) negative = n && *n < 0;
  if (!n || negative) bad_event(e, std::string(key) + "='" + std::string(*v) + "' is not a count");
  return *n;
}

// through=w:T/w:T of a trainer's train event: the newest trial of each walker in its data.
std::map<std::string, std::uint64_t> parse_through(const Event& e) {
  std::map<std::string, std::uint64_t> through;
  const auto v = detail_value(e.detail, "through");
  if (!v || v->empty()) return through;
  std::size_t pos = 0;
  while (pos <= v->size()) {
    std::size_t end = v->find('/', pos);
    if (end == std::string_view::npos) end = v->size();
    const std::string_view item = v->substr(pos, end - pos);
    const std::size_t colon = item.rfind(':');
    const auto trial =
        colon == std::string_view::npos ? std::nullopt : parse_number<std::uint64_t>(item.substr(colon + 1));
    if (!trial || colon == 0) bad_event(e, "through item '" + std::string(item) + "' is not walker:trial");
    auto& t = through[std::string(item.substr(0, colon))];
    t = std::max(t, *trial);
    pos = end + 1;
  }
  return through;
}

// Measure of the union of intervals, each clipped to [lo, hi].
double union_length(std::vector<std::pair<double, double>> spans, double lo, double hi) {
  for (auto& [a, b] : spans) a = std::max(a, lo), b = std::min(b, hi);
  std::sort(spans.begin(), spans.end());
  double total = 0, cur_a = 0, cur_b = -std::numeric_limits<double>::infinity();
  for (const auto& [a, b] : spans) {
    if (b <= a) continue;
    if (a > cur_b) {
      if (cur_b > cur_a) total += cur_b - cur_a;
      cur_a = a, cur_b = b;
    } else {
      cur_b = std::max(cur_b, b);
    }
  }
  if (cur_b > cur_a) total += cur_b - cur_a;
  return total;
}

double ratio(double a, double b) { return b > 0 ? a / b : kNaN; }

// Categories of a walker's time, in priority order (an instant inside several goes to the first).
enum Category { bootstrap = 0, compute = 1, stall = 2, uncategorised = 3 };

Category category_of(const std::string& kind) {
  if (kind == "bootstrap") return bootstrap;
  if (kind == "trajectory" || kind == "reference") return compute;
  if (kind == "ship" || kind == "poll" || kind == "model_load" || kind == "wait" || kind == "train") return stall;
  return uncategorised;
}

WalkerTelemetry walker_figures(const std::string& name, const std::vector<const Event*>& events) {
  WalkerTelemetry w;
  w.walker = name;
  w.events = events.size();
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  struct Edge {
    double t;
    int delta;
    Category c;
  };
  std::vector<Edge> edges;
  for (const Event* e : events) {
    lo = std::min(lo, e->start_s), hi = std::max(hi, e->end_s);
    w.seconds[e->kind] += e->end_s - e->start_s;
    const Category c = category_of(e->kind);
    if (c == uncategorised) continue;
    edges.push_back({e->start_s, +1, c});
    edges.push_back({e->end_s, -1, c});
  }
  w.span_s = hi - lo;
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.t < b.t; });
  int active[3] = {0, 0, 0};
  double in[3] = {0, 0, 0};
  double previous = lo;
  for (const Edge& edge : edges) {
    for (int c = 0; c < 3; ++c)
      if (active[c] > 0) {
        in[c] += edge.t - previous;
        break;
      }
    previous = edge.t;
    active[edge.c] += edge.delta;
  }
  w.bootstrap_s = in[bootstrap], w.compute_s = in[compute], w.stall_s = in[stall];
  w.other_s = std::max(0.0, w.span_s - w.bootstrap_s - w.compute_s - w.stall_s);
  w.bootstrap_fraction = ratio(w.bootstrap_s, w.span_s);
  w.compute_fraction = ratio(w.compute_s, w.span_s);
  w.stall_fraction = ratio(w.stall_s, w.span_s);
  w.other_fraction = ratio(w.other_s, w.span_s);
  return w;
}

TrainerTelemetry trainer_figures(const std::vector<const Event*>& events) {
  TrainerTelemetry t;
  t.present = !events.empty();
  t.events = events.size();
  if (events.empty()) return t;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  double window_lo = std::numeric_limits<double>::infinity(), window_hi = -window_lo;
  std::vector<std::pair<double, double>> train;
  for (const Event* e : events) {
    lo = std::min(lo, e->start_s), hi = std::max(hi, e->end_s);
    t.seconds[e->kind] += e->end_s - e->start_s;
    if (e->kind == "ingest") {
      const auto k = required_number<std::uint64_t>(*e, "samples");
      t.samples_in += k;
      if (k > 0) window_lo = std::min(window_lo, e->start_s), window_hi = std::max(window_hi, e->end_s);
    } else if (e->kind == "train") {
      ++t.rounds;
      train.emplace_back(e->start_s, e->end_s);
    } else if (e->kind == "publish") {
      ++t.published;
    }
  }
  t.span_s = hi - lo;
  if (window_hi > window_lo) {
    t.window_start_s = window_lo;
    t.window_s = window_hi - window_lo;
    t.train_in_window_s = union_length(std::move(train), window_lo, window_hi);
  }
  t.busy_fraction = ratio(t.train_in_window_s, t.window_s);
  t.samples_per_s = ratio(static_cast<double>(t.samples_in), t.window_s);
  t.models_per_hour = ratio(static_cast<double>(t.published) * 3600.0, t.window_s);
  return t;
}

// coverage[version][walker]: the newest trial of the walker that the model of that version was
// trained on. A version trained twice (a trainer restarted mid-round) counts as its last round.
using Coverage = std::map<long long, std::map<std::string, std::uint64_t>>;

Coverage coverage_of(const std::map<std::string, std::vector<const Event*>>& by_actor) {
  Coverage coverage;
  std::map<long long, double> last_end;
  if (const auto it = by_actor.find(kTrainer); it != by_actor.end())
    for (const Event* e : it->second) {
      if (e->kind != "train") continue;
      const auto version = required_number<long long>(*e, "version");
      auto through = parse_through(*e);
      if (const auto end = last_end.find(version); end != last_end.end() && end->second > e->end_s) continue;
      last_end[version] = e->end_s;
      coverage[version] = std::move(through);
    }
  // A walker training itself (synchronous mode) trains on every trial whose reference call
  // ended before the round began.
  for (const auto& [actor, events] : by_actor) {
    if (actor == kTrainer) continue;
    std::vector<std::pair<double, std::uint64_t>> references;  // (end, trial)
    for (const Event* e : events)
      if (e->kind == "reference" && detail_value(e->detail, "trial"))
        references.emplace_back(e->end_s, required_number<std::uint64_t>(*e, "trial"));
    std::sort(references.begin(), references.end());
    std::vector<std::uint64_t> newest(references.size());  // newest trial among references[0..i]
    for (std::size_t i = 0; i < references.size(); ++i)
      newest[i] = std::max(references[i].second, i ? newest[i - 1] : 0);
    for (const Event* e : events) {
      if (e->kind != "train") continue;
      const auto version = required_number<long long>(*e, "version");
      const auto after = std::upper_bound(references.begin(), references.end(),
                                          std::make_pair(e->start_s, std::numeric_limits<std::uint64_t>::max()));
      if (after == references.begin()) continue;
      auto& t = coverage[version][actor];
      t = std::max(t, newest[static_cast<std::size_t>(after - references.begin()) - 1]);
    }
  }
  return coverage;
}

Staleness statistics(std::vector<std::uint64_t> values, std::size_t never) {
  Staleness s;
  s.samples = values.size();
  s.never = never;
  if (values.empty()) {
    s.mean = s.median = s.p90 = s.max = kNaN;
    return s;
  }
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (const auto v : values) sum += static_cast<double>(v);
  const std::size_t n = values.size();
  s.mean = sum / static_cast<double>(n);
  s.median = n % 2 ? static_cast<double>(values[n / 2])
                   : 0.5 * (static_cast<double>(values[n / 2 - 1]) + static_cast<double>(values[n / 2]));
  // Nearest rank: the smallest value with at least 90% of the samples at or below it.
  const std::size_t rank = (9 * n + 9) / 10;  // ceil(0.9 n)
  s.p90 = static_cast<double>(values[rank - 1]);
  s.max = static_cast<double>(values.back());
  return s;
}

// Staleness values of one walker's samples (appended to `values`); returns the count never covered.
std::size_t walker_staleness(const WalkerTrials& w, const Coverage& coverage, std::vector<std::uint64_t>& values) {
  std::map<std::uint64_t, const TrialModel*> by_trial;  // a trial logged twice counts as its last row
  for (const TrialModel& t : w.trials)
    if (t.trial >= 1) by_trial[t.trial] = &t;
  // Samples waiting for a model, oldest first. A trial t' covers the waiting samples t < t' with
  // t ≤ through, which is always a prefix of the queue, so each sample is touched once.
  std::deque<std::uint64_t> waiting;
  for (const auto& [trial, row] : by_trial) {
    const auto version = coverage.find(row->model_version);
    if (version != coverage.end()) {
      if (const auto through = version->second.find(w.walker); through != version->second.end())
        while (!waiting.empty() && waiting.front() <= through->second) {
          values.push_back(trial - waiting.front());
          waiting.pop_front();
        }
    }
    if (!row->production) waiting.push_back(trial);
  }
  return waiting.size();
}

// Three significant digits, but whole numbers from 100 up (1080 trials, not 1.08e+03).
std::string number(double v, const char* format = nullptr) {
  if (!std::isfinite(v)) return "n/a";
  char buf[48];
  if (!format) format = std::fabs(v) >= 100 && std::fabs(v) < 1e9 ? "%.0f" : "%.3g";
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string percent(double fraction) { return std::isfinite(fraction) ? number(100 * fraction, "%.1f") + "%" : "n/a"; }

// Columns padded to their widest cell; the first column left-aligned, the others right-aligned.
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], row[c].size());
    }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      line += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += "  " + line + "\n";
  }
  return out;
}

std::string seconds_of(const std::map<std::string, double>& seconds, const std::string& kind) {
  const auto it = seconds.find(kind);
  return it == seconds.end() ? "0" : number(it->second, "%.1f");
}

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t i2 = i, j2 = j;
      while (i2 < a.size() && a[i2] == '0') ++i2;  // leading zeros do not make a number bigger
      while (j2 < b.size() && b[j2] == '0') ++j2;
      std::size_t ie = i2, je = j2;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      if (ie - i2 != je - j2) return ie - i2 < je - j2;
      const int c = a.compare(i2, ie - i2, b, j2, je - j2);
      if (c != 0) return c < 0;
      i = ie, j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // equal up to leading zeros: any fixed order
}

void check_telemetry_event(const Event& e) {
  if (!std::isfinite(e.start_s) || !std::isfinite(e.end_s)) bad_event(e, "a time is not a finite number");
  if (e.end_s < e.start_s) bad_event(e, "it ends before it starts");
  if (e.actor == kTrainer && e.kind == "ingest") (void)required_number<std::uint64_t>(e, "samples");
  if (e.kind == "train") (void)required_number<long long>(e, "version");
  if (e.actor == kTrainer && e.kind == "train") (void)parse_through(e);
  if (e.actor != kTrainer && e.kind == "reference" && detail_value(e.detail, "trial"))
    (void)required_number<std::uint64_t>(e, "trial");
}

TelemetryReport analyse_telemetry(const std::vector<Event>& events, const std::vector<WalkerTrials>& walkers) {
  TelemetryReport r;
  r.events = events.size();
  std::map<std::string, std::vector<const Event*>> by_actor;
  r.start_s = std::numeric_limits<double>::infinity();
  r.end_s = -r.start_s;
  for (const Event& e : events) {
    check_telemetry_event(e);
    r.start_s = std::min(r.start_s, e.start_s), r.end_s = std::max(r.end_s, e.end_s);
    by_actor[e.actor].push_back(&e);
  }
  if (events.empty()) r.start_s = r.end_s = 0;
  if (!std::isfinite(r.end_s - r.start_s)) throw Error("telemetry: the events span more time than a double holds");

  const Coverage coverage = coverage_of(by_actor);
  std::map<std::string, const WalkerTrials*> trials;
  for (const WalkerTrials& w : walkers) {
    if (w.walker == kTrainer || !by_actor.count(w.walker))
      throw Error("telemetry: trials of walker '" + w.walker + "' but no events of it");
    if (!trials.emplace(w.walker, &w).second) throw Error("telemetry: two trials tables of walker '" + w.walker + "'");
  }
  std::vector<std::uint64_t> all;
  std::size_t never = 0;
  for (const auto& [actor, list] : by_actor) {
    if (actor == kTrainer) {
      r.trainer = trainer_figures(list);
      continue;
    }
    WalkerTelemetry w = walker_figures(actor, list);
    if (const auto it = trials.find(actor); it != trials.end()) {
      std::vector<std::uint64_t> mine;
      const std::size_t uncovered = walker_staleness(*it->second, coverage, mine);
      w.staleness = statistics(mine, uncovered);
      all.insert(all.end(), mine.begin(), mine.end());
      never += uncovered;
    } else {
      w.staleness = statistics({}, 0);
    }
    r.walkers.push_back(std::move(w));
  }
  std::sort(r.walkers.begin(), r.walkers.end(),
            [](const WalkerTelemetry& a, const WalkerTelemetry& b) { return natural_less(a.walker, b.walker); });
  r.staleness = statistics(std::move(all), never);
  return r;
}

std::string format_telemetry(const TelemetryReport& r) {
  std::ostringstream o;
  o << "telemetry: " << r.events << " events of " << r.walkers.size() << " walker(s)"
    << (r.trainer.present ? " and the trainer" : "") << " over " << number(r.end_s - r.start_s, "%.1f") << " s\n";
  if (!r.walkers.empty()) {
    o << "\nwalkers (fractions of each walker's wall span; stall = ship + poll + model_load + wait + train)\n";
    std::vector<std::vector<std::string>> rows = {{"walker", "span_s", "compute", "stall", "bootstrap", "other",
                                                   "ship_s", "poll_s", "model_load_s", "wait_s", "train_s",
                                                   "stale_mean", "stale_p90", "never"}};
    for (const WalkerTelemetry& w : r.walkers)
      rows.push_back({w.walker, number(w.span_s, "%.1f"), percent(w.compute_fraction), percent(w.stall_fraction),
                      percent(w.bootstrap_fraction), percent(w.other_fraction), seconds_of(w.seconds, "ship"),
                      seconds_of(w.seconds, "poll"), seconds_of(w.seconds, "model_load"), seconds_of(w.seconds, "wait"),
                      seconds_of(w.seconds, "train"), number(w.staleness.mean), number(w.staleness.p90),
                      std::to_string(w.staleness.never)});
    o << table(rows);
  }
  const TrainerTelemetry& t = r.trainer;
  if (t.present) {
    o << "\ntrainer (while samples arrived: " << number(t.window_s, "%.1f") << " s from the first to the last ingest"
      << " that took samples)\n";
    o << table({{"busy", "samples_in", "samples_per_s", "rounds", "published", "models_per_h", "ingest_s", "train_s",
                 "publish_s"},
                {percent(t.busy_fraction), std::to_string(t.samples_in), number(t.samples_per_s),
                 std::to_string(t.rounds), std::to_string(t.published), number(t.models_per_hour),
                 seconds_of(t.seconds, "ingest"), seconds_of(t.seconds, "train"), seconds_of(t.seconds, "publish")}});
  }
  const Staleness& s = r.staleness;
  o << "\nmodel staleness (trials from a sample to the first trial whose model was trained on it)\n";
  o << table({{"samples", "mean", "median", "p90", "max", "never"},
              {std::to_string(s.samples), number(s.mean), number(s.median), number(s.p90), number(s.max),
               std::to_string(s.never)}});
  return o.str();
}

}  // namespace slhmc::analysis
