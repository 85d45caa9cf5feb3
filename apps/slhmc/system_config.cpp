// The [system] table: a structure file or a crystal from the lattice builder.
#include "system_config.hpp"

#include <cmath>
#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::cli {

Frame load_system(const Config& system, const std::string& base_dir, std::uint64_t seed) {
  Frame frame;
  if (system.has("file")) {
    for (const char* key : {"lattice", "element", "a", "repeat"})
      if (system.has(key))
        throw ConfigError(system.key_path(key), "give either system.file or a crystal (system.lattice, element, a, "
                                                "repeat), not both");
    ReadOptions options;
    if (system.has("format")) {
      const std::string name = system.get_choice("format", {"extxyz", "xsf", "poscar", "n2p2", "lammps-data"});
      options.format = structure_format_from_name(name);
    }
    frame = read_structure(path_relative_to(base_dir, system.get_string("file")), options).frame;
  } else {
    std::vector<std::string> lattices;
    for (const char* name : crystal_lattice_names()) lattices.emplace_back(name);
    if (!system.has("lattice"))
      throw ConfigError(system.key_path("file"), "[system] needs either file = \"structure.xyz\" or lattice = one of "
                                                 "'sc', 'bcc', 'fcc', 'diamond' with element, a and repeat");
    const std::string lattice = system.get_choice("lattice", lattices);
    const std::string element = system.get_string("element");
    const double a = system.get_double("a");
    const std::vector<double> r = system.get_double_array("repeat");
    std::array<int, 3> repeat{};
    if (r.size() != 3) throw ConfigError(system.key_path("repeat"), "must hold three integers, e.g. [3, 3, 3]");
    for (int d = 0; d < 3; ++d) {
      if (r[d] < 1 || r[d] != std::floor(r[d]) || r[d] > 1000)
        throw ConfigError(system.key_path("repeat"), "must hold three integers from 1 to 1000");
      repeat[d] = static_cast<int>(r[d]);
    }
    if (!(a > 0)) throw ConfigError(system.key_path("a"), "lattice constant must be positive (Angstrom)");
    try {
      frame = build_crystal(lattice, element, a, repeat);
    } catch (const ConfigError&) {
      throw;
    } catch (const Error& e) {
      throw ConfigError(system.key_path("element"), e.what());
    }
  }
  const double rattle_amplitude = system.get_double("rattle_A", 0.0);
  if (rattle_amplitude < 0) throw ConfigError(system.key_path("rattle_A"), "must be non-negative (Angstrom)");
  if (rattle_amplitude > 0) {
    Rng rng(seed, 1);  // a stream apart from the dynamics' one
    rattle(frame, rattle_amplitude, rng);
  }
  if (frame.size() == 0) throw ConfigError(system.path(), "the system has no atoms");
  return frame;
}

}  // namespace slhmc::cli
