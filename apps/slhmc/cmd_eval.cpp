// `slhmc eval STRUCTURE (--potential-config FILE.toml | --potential key=value ...)
// [-o out.xyz]`: energy, forces and stress of every frame of a structure file
// with any registered potential; optionally writes them as extxyz labels.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "command.hpp"
#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::cli {
namespace {

struct EvalOptions {
  std::string structure;
  std::string format;
  std::string potential_config;
  std::vector<std::string> potential_pairs;
  std::string output;
  bool quiet_forces = false;
};

// The [potential] table: from a file (its [potential] section, or the whole
// file when it has none) with --potential pairs applied on top.
Config potential_table(const EvalOptions& o) {
  Config root;
  if (!o.potential_config.empty()) {
    root = Config::from_file(o.potential_config);
    if (!root.has("potential")) {
      // A file holding just the potential's keys: wrap it.
      Config wrapped = Config::parse("[potential]\n" + root.to_toml(), o.potential_config);
      root = wrapped;
    }
  } else if (o.potential_pairs.empty()) {
    throw ConfigError("potential", "give the potential with --potential-config FILE.toml or --potential type=NAME "
                                   "--potential key=value ...");
  } else {
    root = Config::parse("[potential]\n", "--potential");
  }
  for (const auto& pair : o.potential_pairs) root.apply_override("potential." + pair);
  return root;
}

void print_frame(std::size_t index, const LabelledFrame& lf, bool print_forces) {
  const Frame& f = lf.frame;
  const Labels& l = lf.labels;
  std::printf("frame %zu: %zu atoms\n", index, f.size());
  std::printf("  energy          %.10f eV (%.10f eV/atom)\n", *l.energy, *l.energy / static_cast<double>(f.size()));
  if (print_forces && l.forces) {
    std::printf("  forces (eV/A)\n");
    for (std::size_t i = 0; i < f.size(); ++i) {
      const Vec3& v = (*l.forces)[i];
      std::printf("  %6zu %-3s %16.10f %16.10f %16.10f\n", i, element_symbol(f.numbers[i]).c_str(), v[0], v[1], v[2]);
    }
  }
  if (l.forces) {
    double largest = 0;
    for (const Vec3& v : *l.forces) largest = std::max(largest, norm(v));
    std::printf("  max |force|     %.10f eV/A\n", largest);
  }
  if (l.virial && f.cell.fully_periodic()) {
    const Mat3 s = stress_gpa(*l.virial, f.cell.volume());
    std::printf("  stress (GPa, sigma = -W/V; xx yy zz yz xz xy)\n");
    std::printf("  %14.8f %14.8f %14.8f %14.8f %14.8f %14.8f\n", s[0][0], s[1][1], s[2][2], s[1][2], s[0][2], s[0][1]);
    std::printf("  pressure        %.8f GPa (virial part, atoms at rest)\n", -trace(s) / 3.0);
  } else if (l.virial) {
    const Mat3& w = *l.virial;
    std::printf("  virial (eV; xx yy zz yz xz xy; no periodic volume, so no stress)\n");
    std::printf("  %14.8f %14.8f %14.8f %14.8f %14.8f %14.8f\n", w[0][0], w[1][1], w[2][2], w[1][2], w[0][2], w[0][1]);
  }
}

int run_eval(const EvalOptions& o) {
  Config root = potential_table(o);
  ReadOptions read_options;
  if (!o.format.empty()) read_options.format = structure_format_from_name(o.format);
  StructureReader reader(o.structure, read_options);
  std::optional<LabelledFrame> first = reader.next();
  if (!first) throw Error("'" + o.structure + "' holds no structure");
  const std::string base_dir = o.potential_config.empty() ? "." : [&] {
    const auto parent = std::filesystem::path(o.potential_config).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
  }();
  const ProviderContext context{base_dir, &first->frame};
  const std::unique_ptr<ForceProvider> provider = make_provider(root.section("potential"), context);
  root.section("potential").check_all_used();

  std::ofstream out;
  const std::string partial = o.output + ".partial";
  if (!o.output.empty()) {
    // Written beside the target and renamed at the end, so a failed run leaves a good old file alone.
    out.open(partial);
    if (!out) throw Error("cannot write '" + partial + "'");
  }
  std::printf("potential: %s\n", provider->description().c_str());
  std::size_t index = 0;
  try {
    for (std::optional<LabelledFrame> lf = std::move(first); lf; lf = reader.next(), ++index) {
      ComputeResult r = provider->compute(lf->frame, ComputeRequest{true, true, false});
      if (r.forces.size() != lf->frame.size())
        throw EngineError("the potential returned " + std::to_string(r.forces.size()) + " forces for " +
                          std::to_string(lf->frame.size()) + " atoms");
      lf->labels = Labels{};
      lf->labels.energy = r.energy;
      lf->labels.forces = std::move(r.forces);
      if (r.has_virial) lf->labels.virial = r.virial;
      print_frame(index, *lf, !o.quiet_forces);
      if (out.is_open()) write_structure(out, *lf, StructureFormat::extxyz);
    }
    if (out.is_open()) {
      out.close();
      if (!out) throw Error("writing '" + partial + "' failed");
      std::filesystem::rename(partial, o.output);
      std::printf("wrote %s\n", o.output.c_str());
    }
  } catch (...) {
    if (out.is_open()) out.close();
    if (!o.output.empty()) std::filesystem::remove(partial);
    throw;
  }
  return 0;
}

Runner setup(CommandLine& line) {
  auto o = std::make_shared<EvalOptions>();
  line.option("structure", o->structure, "Structure file (extxyz, XSF, POSCAR, n2p2 input.data, LAMMPS data)")
      .required();
  line.option("--format", o->format, "Structure format if the file name does not tell: extxyz, xsf, poscar, "
                                        "n2p2, lammps-data");
  line.option("--potential-config", o->potential_config,
                 "TOML file with a [potential] table (or only the potential's keys)");
  line.option("--potential", o->potential_pairs,
                 "A key of the [potential] table, e.g. --potential type=sw --potential file=Si.sw (repeatable; "
                 "applied after --potential-config)");
  line.option("-o,--output", o->output, "Write the frames with energy, forces and stress as extxyz");
  line.flag("--no-forces", o->quiet_forces, "Do not print the per-atom forces (they are still written with -o)");
  return [o] { return run_eval(*o); };
}

const CommandRegistration reg("eval", "Energy, forces and stress of structures with any potential", setup);

}  // namespace
}  // namespace slhmc::cli
