// Shared by the training and learning tests: the Stillinger-Weber silicon
// reference and frames labelled by it, a tiny trainer config for `slhmc
// trainer`, an asynchronous walker config, and waiting on another process.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <thread>

#include <string>
#include <vector>

#include "slhmc/analysis/trials_table.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"

#define REQUIRE_SW()                                                   \
  if (!std::filesystem::exists("/usr/share/lammps/potentials/Si.sw")) \
  GTEST_SKIP() << "LAMMPS potential file Si.sw not installed (Debian lammps-data)"

namespace slhmc::test {

inline std::unique_ptr<ForceProvider> stillinger_weber() {
  const Config c = Config::parse("[p]\ntype = \"sw\"\nfile = \"Si.sw\"\n", "test.toml");
  return make_provider(c.section("p"), ProviderContext{});
}

// The 8-atom diamond silicon cell (a = 5.431 Å) rattled by ±0.05 Å (seed 5): the learning tests' start.
inline Frame rattled_silicon() {
  Frame f = build_crystal("diamond", "Si", 5.431, {1, 1, 1});
  Rng rng(5);
  rattle(f, 0.05, rng);
  return f;
}

// Diamond silicon cells (8 atoms, lattice constant 5.431 Å × (lo + width·u), u uniform) rattled by
// ±rattle_A, with SW energies, forces and virials.
inline std::vector<LabelledFrame> sw_silicon_frames(int count, unsigned seed, double lo, double width, double rattle_A) {
  auto sw = stillinger_weber();
  Rng rng(seed);
  std::vector<LabelledFrame> frames;
  for (int s = 0; s < count; ++s) {
    Frame f = build_crystal("diamond", "Si", 5.431 * (lo + width * rng.uniform()), {1, 1, 1});
    rattle(f, rattle_A, rng);
    const ComputeResult r = sw->compute(f, {true, true, false});
    LabelledFrame lf;
    lf.frame = f;
    lf.labels.energy = r.energy;
    lf.labels.forces = r.forces;
    lf.labels.virial = r.virial;
    frames.push_back(std::move(lf));
  }
  return frames;
}

// `slhmc run` as an asynchronous walker (8 silicon atoms at 1000 K, SW reference, bootstrap from
// scratch) making `trials` trials, with the given [training.transport] keys.
inline std::string async_walker_toml(int trials, const std::string& transport_keys) {
  return R"([system]
lattice = "diamond"
element = "Si"
a = 5.431
repeat = [1, 1, 1]
rattle_A = 0.05

[reference]
type = "sw"
file = "Si.sw"

[sampler]
temperature_K = 1000.0
trials = )" + std::to_string(trials) + R"(
n_md = 5
dt_fs = 1.0
seed = 3

[output]
directory = "walker"

[training]
mode = "async"
walker = "w1"
poll_interval_trials = 2
first_epochs = 10
bootstrap_md_steps = 6
threads = 1

[training.transport]
)" + transport_keys;
}

// A tiny Si network and `slhmc trainer` settings that train it in a fraction of a second.
inline constexpr const char* kTinySiModelToml = R"(
[training.model]
species = ["Si"]
radial_cutoff = 4.0
radial_order = 6
angular_cutoff = 3.5
angular_order = 3
hidden = [6, 6]

[training.optimizer]
batch_size = 4
)";

inline constexpr const char* kTrainerToml = R"([transport]
type = "directory"
path = "exchange"

[trainer]
poll_interval_s = 0.05

[training]
min_samples = 6
min_new_samples = 3
epochs = 3
first_epochs = 10
publish = "every_round"
validation_fraction = 0.2
threads = 1
)";

// Polls `done` every 20 ms for at most `seconds`; its last answer.
inline bool wait_for(const std::function<bool()>& done, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end && !done()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return done();
}

// One column of a run's trials.csv, by its header name (empty if there is no such column).
inline std::vector<std::string> trials_column(const std::string& trials_csv, const std::string& name) {
  const analysis::TrialsTable table = analysis::TrialsTable::parse(trials_csv, "trials.csv");
  return table.has(name) ? table.texts(name) : std::vector<std::string>{};
}

// The model_version column of trials.csv.
inline std::vector<long long> model_versions(const std::string& trials_csv) {
  std::vector<long long> out;
  for (const auto& v : trials_column(trials_csv, "model_version")) out.push_back(std::stoll(v));
  return out;
}

}  // namespace slhmc::test
