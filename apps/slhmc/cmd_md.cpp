// `slhmc md [CONFIG.toml] [--set key=value ...]`: molecular dynamics with any
// registered potential. Sections: [system] (a structure file, or a crystal
// built from lattice/element/a/repeat), [potential] (make_provider),
// [md] (integrator and its settings), [output] (thermo CSV and extxyz
// trajectory). Without a config file it runs the embedded default: a hot
// Stillinger–Weber silicon crystal under CSVR.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "command.hpp"
#include "progress.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/dynamics/integrator.hpp"
#include "slhmc/dynamics/thermo_log.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/structure_io.hpp"
#include "system_config.hpp"

namespace slhmc::cli {
namespace {

// 216 silicon atoms at 1000 K for 5 ps: a few seconds on one core.
const char* const kDefaultConfig = R"toml(
# slhmc md embedded default: a hot diamond-silicon crystal (3x3x3 cubic cells,
# 216 atoms) with Stillinger-Weber forces under stochastic velocity rescaling.
[system]
lattice = "diamond"
element = "Si"
a = 5.431
repeat = [3, 3, 3]

[potential]
type = "sw"
file = "Si.sw"  # found in /usr/share/lammps/potentials

[md]
integrator = "csvr"
dt_fs = 1.0
steps = 5000
temperature_K = 1000.0
tau_fs = 100.0
initial_temperature_K = 1000.0
seed = 1

[output]
directory = "."
thermo = "thermo.csv"
thermo_interval = 10
trajectory = "trajectory.xyz"
trajectory_interval = 100
)toml";

struct OutputSettings {
  std::string thermo_path, trajectory_path;
  long thermo_interval = 10, trajectory_interval = 100;
};

OutputSettings read_output(const Config& root) {
  OutputSettings out;
  std::string dir = ".", thermo = "thermo.csv", traj = "trajectory.xyz";
  if (const std::optional<Config> output = root.optional_section("output")) {
    dir = output->get_string("directory", dir);
    thermo = output->get_string("thermo", thermo);
    traj = output->get_string("trajectory", traj);
    out.thermo_interval = output->get_int("thermo_interval", out.thermo_interval);
    out.trajectory_interval = output->get_int("trajectory_interval", out.trajectory_interval);
  }
  if (out.thermo_interval < 0)
    throw ConfigError("output.thermo_interval", "must be a non-negative number of steps (0: no thermo file)");
  if (out.trajectory_interval < 0)
    throw ConfigError("output.trajectory_interval", "must be a non-negative number of steps (0: no trajectory)");
  if (out.thermo_interval > 0) out.thermo_path = path_relative_to(dir, thermo);
  if (out.trajectory_interval > 0) out.trajectory_path = path_relative_to(dir, traj);
  return out;
}

LabelledFrame trajectory_frame(const State& state) {
  LabelledFrame lf;
  lf.frame = state.frame;
  lf.labels.energy = state.potential_energy;
  lf.labels.forces = state.forces;
  if (state.has_virial) lf.labels.virial = state.virial;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", state.time_fs);
  lf.info["time_fs"] = buf;
  lf.info["step"] = std::to_string(state.step);
  return lf;
}

int run_md_command(const ConfigOptions& options) {
  Config root = options.load(kDefaultConfig);
  const Config md = root.section("md");
  const long seed = md.get_int("seed", 1);
  if (seed < 0) throw ConfigError("md.seed", "must be a non-negative integer");
  Frame frame = load_system(root.section("system"), options.base_dir(), static_cast<std::uint64_t>(seed));
  const auto integrator = make_integrator(md);
  const long steps = md.get_int("steps");
  if (steps < 0) throw ConfigError("md.steps", "must be a non-negative number of steps");
  const double t0 = md.get_double("initial_temperature_K", integrator->temperature());
  if (!(t0 >= 0)) throw ConfigError("md.initial_temperature_K", "must be a non-negative temperature (K)");
  const OutputSettings output = read_output(root);
  const ProviderContext context{options.base_dir(), &frame};
  const std::unique_ptr<ForceProvider> provider = make_provider(root.section("potential"), context);
  // Everything is read: an unknown or misspelt key is an error before any output is written.
  root.check_all_used();

  State state = make_state(frame, *provider, static_cast<std::uint64_t>(seed));
  draw_maxwell_boltzmann(state, t0, true);
  set_dof_for(state, integrator->conserves_momentum());

  std::ofstream thermo_file, trajectory_file;
  auto open = [](std::ofstream& file, const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    file.open(path);
    if (!file) throw Error("cannot write '" + path + "'");
  };
  std::optional<ThermoCsvWriter> thermo;
  if (!output.thermo_path.empty()) {
    open(thermo_file, output.thermo_path);
    thermo.emplace(thermo_file);
  }
  if (!output.trajectory_path.empty()) open(trajectory_file, output.trajectory_path);

  ProgressLine progress(steps);
  double sum_t = 0;
  long counted = 0;
  const double conserved0 = thermo_row(state).conserved_eV;
  run_md(state, *provider, *integrator, steps, [&](const State& s) {
    const bool last = s.step == steps;
    if (thermo && (s.step % output.thermo_interval == 0 || last)) thermo->write(s);
    if (trajectory_file.is_open() && (s.step % output.trajectory_interval == 0 || last)) {
      write_structure(trajectory_file, trajectory_frame(s), StructureFormat::extxyz);
      trajectory_file.flush();
    }
    const double t = temperature(s);
    if (s.step > 0) sum_t += t, ++counted;
    if (progress.enabled()) {
      char detail[96];
      std::snprintf(detail, sizeof detail, "T = %.0f K  E_pot = %.4f eV", t, s.potential_energy);
      progress.update(s.step, detail);
    }
  });
  progress.finish();
  if (thermo_file.is_open() && !thermo_file) throw Error("writing '" + output.thermo_path + "' failed");
  if (trajectory_file.is_open() && !trajectory_file) throw Error("writing '" + output.trajectory_path + "' failed");

  const double seconds = progress.elapsed_s();
  const ThermoRow last = thermo_row(state);
  const double n = static_cast<double>(state.frame.size());
  std::printf("slhmc md: %s\n", integrator->description().c_str());
  std::printf("  %ld steps, %zu atoms, %.4g s (%.3g us/atom-step)\n", steps, state.frame.size(), seconds,
              steps > 0 ? seconds * 1e6 / (static_cast<double>(steps) * n) : 0.0);
  std::printf("  mean T = %.2f K, final E_pot = %.6f eV, conserved-energy change = %.3g eV/atom\n",
              counted ? sum_t / counted : temperature(state), last.potential_eV,
              (last.conserved_eV - conserved0) / n);
  if (!output.thermo_path.empty()) std::printf("  thermo: %s\n", output.thermo_path.c_str());
  if (!output.trajectory_path.empty()) std::printf("  trajectory: %s\n", output.trajectory_path.c_str());
  return 0;
}

Runner setup(CommandLine& line) {
  auto options = std::make_shared<ConfigOptions>();
  line.option("config", options->path,
                 "TOML file with [system], [potential], [md] and [output]; without it the embedded default "
                 "(Stillinger-Weber silicon, 216 atoms, 1000 K, CSVR) runs");
  options->add_to(line);
  auto print_default = std::make_shared<bool>(false);
  line.flag("--print-default", *print_default, "Print the embedded default config and exit");
  line.footer(
      "Config keys:\n"
      "  [system]  file = \"x.xyz\" (+ format) | lattice = \"sc|bcc|fcc|diamond\", element, a (A), repeat = [i,j,k];"
      " rattle_A\n"
      "  [potential] type = any of `slhmc providers`, plus that provider's keys\n"
      "  [md]      integrator = \"verlet|langevin|csvr\", dt_fs, steps, seed, initial_temperature_K,\n"
      "            temperature_K (langevin, csvr), friction_per_fs (langevin), tau_fs (csvr)\n"
      "  [output]  directory, thermo, thermo_interval, trajectory, trajectory_interval (0 = off)\n");
  return [options, print_default] {
    if (*print_default) {
      std::fputs(kDefaultConfig, stdout);
      return 0;
    }
    return run_md_command(*options);
  };
}

const CommandRegistration reg("md", "Run molecular dynamics (NVE or NVT) with any potential", setup);

}  // namespace
}  // namespace slhmc::cli
