// `slhmc report RUN_DIR`: the pictures a user looks at after an SLHMC run, as
// SVG files plus an index.html that shows them with the run's summary:
// acceptance over trials, the surrogate error δ over time, potential-energy
// and volume traces, the trajectory length (tuning), and g(r) with blocking
// error bars from chain.xyz; for a learning run with telemetry (events.csv),
// the timeline of every walker and the trainer and the busy/stall/staleness
// figures (telemetry.txt).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "command.hpp"
#include "slhmc/analysis/learning_telemetry.hpp"
#include "slhmc/analysis/rdf.hpp"
#include "slhmc/analysis/svg_plot.hpp"
#include "slhmc/analysis/trials_table.hpp"
#include "slhmc/analysis/timeline_svg.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/io/event_log.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::cli {
namespace {

// The comma-separated fields of a CSV line (the run logs quote nothing).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) fields.push_back(field);
  return fields;
}

struct TrialTable {
  std::vector<double> trial, accepted, delta, potential, volume, n_md, model_version;
  std::vector<bool> is_md, production;
};

TrialTable read_trials(const std::string& path) {
  const analysis::TrialsTable table = analysis::TrialsTable::read(path);
  TrialTable t;
  t.trial = table.numbers("trial");
  for (const auto& m : table.texts("move")) t.is_md.push_back(m == "md");
  for (const auto& a : table.texts("accepted")) t.accepted.push_back(a == "1" ? 1.0 : 0.0);
  t.delta = table.numbers("delta_eV");
  t.potential = table.numbers("potential_eV");
  t.volume = table.numbers("volume_A3");
  t.n_md = table.numbers("n_md");
  t.model_version = table.numbers("model_version", 0.0);  // absent in logs of older runs
  for (const auto& p : table.texts("phase")) t.production.push_back(p == "production");
  for (std::size_t i = 0; i < t.trial.size(); ++i)
    for (const double count : {t.trial[i], t.model_version[i]})
      if (!(count >= 0 && count < 1e15 && count == std::floor(count)))
        throw ParseError(path, table.line(i), "trial and model_version must be whole numbers >= 0");
  return t;
}

// The telemetry section: events.csv of this run's walker and of its in-process trainer
// (RUN_DIR/trainer/), of the other walkers' run directories and of the trainers named on the
// command line. Writes timeline.svg and telemetry.txt; returns the HTML, "" without logs.
std::string report_telemetry(const std::string& run_dir, const TrialTable& own,
                             const std::vector<std::string>& walker_dirs, const std::vector<std::string>& trainer_paths,
                             const std::string& out_dir) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, TrialTable>> walker_logs;  // events.csv, the walker's trials
  std::vector<std::string> trainer_logs;
  if (fs::exists(run_dir + "/events.csv")) walker_logs.emplace_back(run_dir + "/events.csv", own);
  for (const auto& dir : walker_dirs) {
    if (!fs::exists(dir + "/events.csv")) throw Error("--walker " + dir + ": no events.csv there");
    walker_logs.emplace_back(dir + "/events.csv", read_trials(dir + "/trials.csv"));
  }
  if (fs::exists(run_dir + "/trainer/events.csv")) trainer_logs.push_back(run_dir + "/trainer/events.csv");
  for (const auto& p : trainer_paths) {
    const std::string file = fs::is_directory(p) ? p + "/events.csv" : p;
    if (!fs::exists(file)) throw Error("--trainer " + p + ": no events.csv there");
    trainer_logs.push_back(file);
  }
  if (walker_logs.empty() && trainer_logs.empty()) return "";

  std::set<fs::path> seen;  // a log named twice is read once
  std::vector<Event> events;
  std::vector<analysis::WalkerTrials> walkers;
  std::map<std::string, std::string> log_of;  // walker → its log
  auto take = [&](const std::string& path) {
    if (!seen.insert(fs::canonical(path)).second) return std::vector<Event>{};
    std::vector<Event> e = read_event_log(path);
    for (std::size_t i = 0; i < e.size(); ++i) {  // event i is on line i + 2: read_event_log skips no line
      try {
        analysis::check_telemetry_event(e[i]);
      } catch (const Error& bad) {
        throw ParseError(path, i + 2, bad.what());
      }
    }
    events.insert(events.end(), e.begin(), e.end());
    return e;
  };
  for (const auto& [path, trials] : walker_logs) {
    std::set<std::string> actors;
    for (const Event& e : take(path))
      if (e.actor != "trainer") actors.insert(e.actor);
    if (actors.size() > 1)
      throw Error("'" + path + "' holds the events of walkers " + *actors.begin() + " and " + *actors.rbegin() +
                  ": one run directory holds one walker");
    if (actors.empty()) continue;
    const std::string& walker = *actors.begin();
    if (const auto [it, fresh] = log_of.emplace(walker, path); !fresh)
      throw Error("walker " + walker + " has events in '" + it->second + "' and in '" + path + "'");
    analysis::WalkerTrials w{walker, {}};
    for (std::size_t i = 0; i < trials.trial.size(); ++i)
      w.trials.push_back({static_cast<std::uint64_t>(trials.trial[i]), static_cast<long long>(trials.model_version[i]),
                          trials.production[i]});
    walkers.push_back(std::move(w));
  }
  for (const auto& path : trainer_logs) take(path);

  const analysis::TelemetryReport report = analysis::analyse_telemetry(events, walkers);
  const std::string text = analysis::format_telemetry(report);
  write_file_atomically(out_dir + "/telemetry.txt", text);
  write_file_atomically(out_dir + "/timeline.svg", analysis::render_timeline_svg(events));
  std::cout << text;
  return "<h2>Telemetry</h2>\n<p><img src=\"timeline.svg\" alt=\"timeline.svg\"></p>\n<pre>" +
         analysis::svg_escape(text) + "</pre>\n";
}

void save(const std::string& dir, const std::string& name, const analysis::SvgPlot& plot) {
  write_file_atomically(dir + "/" + name, plot.render());
}

int run_report(const std::string& run_dir, const std::string& out_dir_option,
               const std::vector<std::string>& walker_dirs, const std::vector<std::string>& trainer_paths) {
  const std::string out_dir = out_dir_option.empty() ? run_dir + "/report" : out_dir_option;
  const TrialTable t = read_trials(run_dir + "/trials.csv");
  if (t.trial.empty()) throw Error("'" + run_dir + "/trials.csv' holds no trials yet");
  std::filesystem::create_directories(out_dir);
  std::vector<std::string> pictures;

  // Acceptance of HMC trials in consecutive windows.
  {
    std::vector<double> x, y;
    const std::size_t n_md_trials = static_cast<std::size_t>(std::count(t.is_md.begin(), t.is_md.end(), true));
    const std::size_t window = std::max<std::size_t>(10, n_md_trials / 40);
    double sum = 0, last = 0;
    std::size_t count = 0;
    for (std::size_t i = 0; i < t.trial.size(); ++i) {
      if (!t.is_md[i]) continue;
      sum += t.accepted[i];
      last = t.trial[i];
      if (++count == window) {
        x.push_back(last);
        y.push_back(sum / count);
        sum = 0;
        count = 0;
      }
    }
    if (count > 0) x.push_back(last), y.push_back(sum / count);
    analysis::SvgPlot p("HMC acceptance (windows of " + std::to_string(window) + " trials)", "trial", "acceptance");
    p.add_line(x, y, "acceptance");
    p.set_y_range(0, 1);
    save(out_dir, "acceptance.svg", p);
    pictures.push_back("acceptance.svg");
  }
  // δ over time: per trial, and its distribution in the first, middle and last third.
  {
    std::vector<double> x, y;
    for (std::size_t i = 0; i < t.trial.size(); ++i)
      if (t.is_md[i] && std::isfinite(t.delta[i])) x.push_back(t.trial[i]), y.push_back(t.delta[i]);
    analysis::SvgPlot p("surrogate error on moves, delta = dV_ref - dV_sur", "trial", "delta (eV)");
    p.add_points(x, y, "delta");
    save(out_dir, "delta_trace.svg", p);
    pictures.push_back("delta_trace.svg");
    if (y.size() >= 3) {
      const auto [lo_it, hi_it] = std::minmax_element(y.begin(), y.end());
      const double lo = *lo_it, hi = *hi_it > *lo_it ? *hi_it : *lo_it + 1e-9;
      const int bins = 30;
      std::vector<double> edges(bins + 1);
      for (int b = 0; b <= bins; ++b) edges[b] = lo + (hi - lo) * b / bins;
      analysis::SvgPlot h("distribution of delta over the run", "delta (eV)", "fraction of trials");
      const char* names[] = {"first third", "middle third", "last third"};
      for (int part = 0; part < 3; ++part) {
        const std::size_t a = y.size() * part / 3, b = y.size() * (part + 1) / 3;
        std::vector<double> counts(bins, 0.0);
        for (std::size_t i = a; i < b; ++i)
          counts[std::min(bins - 1, static_cast<int>((y[i] - lo) / (hi - lo) * bins))] += 1.0 / std::max<std::size_t>(1, b - a);
        h.add_histogram(edges, counts, names[part]);
      }
      save(out_dir, "delta_distribution.svg", h);
      pictures.push_back("delta_distribution.svg");
    }
  }
  {
    analysis::SvgPlot p("reference potential energy of the chain", "trial", "V_ref (eV)");
    p.add_line(t.trial, t.potential, "V_ref");
    save(out_dir, "energy.svg", p);
    pictures.push_back("energy.svg");
  }
  if (std::any_of(t.volume.begin(), t.volume.end(), [&](double v) { return v != t.volume.front(); })) {
    analysis::SvgPlot p("volume", "trial", "V (A^3)");
    p.add_line(t.trial, t.volume, "volume");
    save(out_dir, "volume.svg", p);
    pictures.push_back("volume.svg");
  }
  {
    analysis::SvgPlot p("trial trajectory length", "trial", "n_MD");
    p.add_line(t.trial, t.n_md, "n_MD");
    save(out_dir, "n_md.svg", p);
    pictures.push_back("n_md.svg");
  }
  // Learning: acceptance of the trials each model version proposed, and the models' errors.
  bool learned = false;
  if (std::any_of(t.model_version.begin(), t.model_version.end(), [&](double v) { return v != t.model_version.front(); })) {
    std::map<double, std::pair<double, double>> by_version;  // version → (accepted, trials)
    for (std::size_t i = 0; i < t.trial.size(); ++i)
      if (t.is_md[i]) by_version[t.model_version[i]].first += t.accepted[i], by_version[t.model_version[i]].second += 1;
    std::vector<double> x, y;
    for (const auto& [v, c] : by_version) x.push_back(v), y.push_back(c.first / c.second);
    analysis::SvgPlot p("acceptance against the surrogate's model version", "model version", "acceptance");
    p.add_line(x, y, "acceptance");
    p.add_points(x, y, "");
    p.set_y_range(0, 1);
    save(out_dir, "acceptance_by_model.svg", p);
    pictures.push_back("acceptance_by_model.svg");
    learned = true;
  }
  if (std::ifstream in(run_dir + "/learning.csv"); in) {
    std::string line;
    std::getline(in, line);
    std::vector<double> samples, e, f;
    while (std::getline(in, line)) {
      const std::vector<std::string> c = csv_fields(line);
      if (c.size() < 6) continue;
      samples.push_back(std::stod(c[2]));
      e.push_back(std::stod(c[4]) > 0 ? std::log10(std::stod(c[4])) : std::nan(""));
      f.push_back(std::stod(c[5]) > 0 ? std::log10(std::stod(c[5])) : std::nan(""));
    }
    if (!samples.empty()) {
      analysis::SvgPlot p("learning curve of the surrogate (validation split of each round)",
                          "reference samples trained on", "log10 RMSE (meV/atom, meV/A)");
      p.add_line(samples, e, "energy");
      p.add_line(samples, f, "forces");
      save(out_dir, "learning_curve.svg", p);
      pictures.push_back("learning_curve.svg");
      learned = true;
    }
  }
  // g(r) from the chain file, when the system is periodic.
  const std::string chain_path = run_dir + "/chain.xyz";
  if (std::filesystem::exists(chain_path) && std::filesystem::file_size(chain_path) > 0) {
    StructureReader reader(chain_path);
    std::optional<analysis::RadialDistribution> rdf;
    while (auto f = reader.next()) {
      if (!f->frame.cell.fully_periodic()) break;
      if (!rdf) {
        const auto h = f->frame.cell.heights();
        const double r_max = std::min(6.0, 0.5 * std::min({h[0], h[1], h[2]}));
        rdf.emplace(r_max, 60);
      }
      rdf->add(f->frame);
    }
    if (rdf && rdf->frames() >= 2) {
      std::vector<double> r(rdf->bins());
      for (int b = 0; b < rdf->bins(); ++b) r[b] = rdf->bin_center(b);
      analysis::SvgPlot p("radial distribution function (" + std::to_string(rdf->frames()) + " chain frames)", "r (A)",
                          "g(r)");
      p.add_line(r, rdf->mean(), "g(r)");
      p.add_error_bars(r, rdf->mean(), rdf->error(), "blocking error");
      save(out_dir, "rdf.svg", p);
      pictures.push_back("rdf.svg");
    }
  }
  const std::string telemetry = report_telemetry(run_dir, t, walker_dirs, trainer_paths, out_dir);
  std::ostringstream html;
  std::string summary = "(no summary.txt yet: the run has not finished)";
  if (std::ifstream s(run_dir + "/summary.txt"); s) {
    std::stringstream b;
    b << s.rdbuf();
    summary = b.str();
  }
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>slhmc report: " << run_dir
       << "</title></head>\n<body style=\"font-family:sans-serif\">\n<h1>slhmc run " << run_dir << "</h1>\n<pre>"
       << summary << "</pre>\n";
  for (const auto& p : pictures) html << "<p><img src=\"" << p << "\" alt=\"" << p << "\"></p>\n";
  if (!learned) html << "<p>Learning curve: this run did not train its surrogate.</p>\n";
  html << telemetry;
  html << "</body></html>\n";
  write_file_atomically(out_dir + "/index.html", html.str());
  std::cout << "report: " << out_dir << "/index.html (" << pictures.size() + (telemetry.empty() ? 0 : 1)
            << " pictures)\n";
  return 0;
}

Runner setup(CommandLine& line) {
  auto run_dir = std::make_shared<std::string>();
  auto out_dir = std::make_shared<std::string>();
  line.option("run_dir", *run_dir, "Run directory of 'slhmc run'").required().existing_directory();
  line.option("-o,--output", *out_dir, "Where to write the pictures (default RUN_DIR/report)");
  auto walkers = std::make_shared<std::vector<std::string>>();
  auto trainers = std::make_shared<std::vector<std::string>>();
  line.option("--walker", *walkers,
                 "Another walker's run directory whose events.csv joins the telemetry (repeatable)")
      .existing_directory();
  line.option("--trainer", *trainers,
                 "A trainer's state directory or events.csv for the telemetry (repeatable; RUN_DIR/trainer/ is read "
                 "without asking)")
      .existing_path();
  return [=] { return run_report(*run_dir, *out_dir, *walkers, *trainers); };
}

const CommandRegistration reg("report", "Draw the pictures of an SLHMC run (SVG + HTML)", setup);

}  // namespace
}  // namespace slhmc::cli
