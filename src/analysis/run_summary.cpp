// summary.txt of a walker run, from its trials.csv.
#include "slhmc/analysis/run_summary.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include "slhmc/analysis/chain_statistics.hpp"
#include "slhmc/analysis/trials_table.hpp"
#include "slhmc/io/durable_file.hpp"

namespace slhmc::analysis {

namespace {
std::string fmt(double x) { return format_number(x); }
}  // namespace

std::string run_summary(const std::string& run_dir, long long model_version) {
  const TrialsTable t = TrialsTable::read(run_dir + "/trials.csv");
  std::vector<double> potential, volume, delta;
  std::uint64_t md = 0, md_acc = 0, vol = 0, vol_acc = 0;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> other;     // move → (trials, accepted)
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> by_phase;  // phase → (HMC trials, accepted)
  for (std::size_t r = 0; r < t.size(); ++r) {
    const std::string& move = t.text(r, "move");
    const bool acc = t.text(r, "accepted") == "1";
    if (move == "md") {
      ++md;
      md_acc += acc;
      const double d = t.number(r, "delta_eV");
      if (std::isfinite(d)) delta.push_back(d);
      if (t.has("phase")) {
        auto& [n, a] = by_phase[t.text(r, "phase")];
        ++n;
        a += acc;
      }
    } else if (move == "volume") {
      ++vol;
      vol_acc += acc;
    } else {
      auto& [n, a] = other[move];
      ++n;
      a += acc;
    }
    potential.push_back(t.number(r, "potential_eV"));
    volume.push_back(t.number(r, "volume_A3"));
  }
  std::ostringstream s;
  s << "slhmc run summary (" << run_dir << ")\n";
  s << "trials: " << potential.size() << " (" << md << " HMC, " << vol << " volume";
  for (const auto& [move, c] : other) s << ", " << c.first << " " << move;
  s << ")\n";
  s << "reference evaluations: " << potential.size() + 1 << "\n";
  if (md) s << "HMC acceptance: " << fmt(static_cast<double>(md_acc) / md) << "\n";
  if (by_phase.size() > 1 || (by_phase.size() == 1 && by_phase.begin()->first != "fixed"))
    for (const auto& [phase, c] : by_phase)
      s << "  in the " << phase << " phase: " << fmt(static_cast<double>(c.second) / c.first) << " of " << c.first
        << " trials\n";
  if (model_version > 0) s << "surrogate model version at the end: " << model_version << "\n";
  if (vol) s << "volume-move acceptance: " << fmt(static_cast<double>(vol_acc) / vol) << "\n";
  for (const auto& [move, c] : other)
    s << move << "-move acceptance: " << fmt(static_cast<double>(c.second) / c.first) << "\n";
  if (!delta.empty()) {
    double m = 0, m2 = 0;
    for (double d : delta) {
      m += d;
      m2 += d * d;
    }
    m /= delta.size();
    s << "surrogate error on moves: mean delta " << fmt(m) << " eV, rms " << fmt(std::sqrt(m2 / delta.size()))
      << " eV\n";
  }
  if (potential.size() >= 4) {
    const auto mv = blocking_mean(potential);
    const auto tau = integrated_autocorrelation_time(potential);
    s << "potential energy: " << fmt(mv.mean) << " +- " << fmt(mv.error) << " eV (tau_int " << fmt(tau.tau)
      << " trials, ESS " << fmt(potential.size() / tau.tau)
      << (tau.reliable ? "" : ", chain too short for a reliable tau") << ")\n";
    if (vol || !other.empty()) {
      const auto vv = blocking_mean(volume);
      s << "volume: " << fmt(vv.mean) << " +- " << fmt(vv.error) << " A^3\n";
    }
  }
  return s.str();
}

std::string write_run_summary(const std::string& run_dir, long long model_version) {
  const std::string text = run_summary(run_dir, model_version);
  write_file_atomically(run_dir + "/summary.txt", text);
  return text;
}

}  // namespace slhmc::analysis
