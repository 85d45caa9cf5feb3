// The command engine: frame → extxyz → program → extxyz → ComputeResult,
// with every way the program can fail turned into an EngineError.
#include "slhmc/engines/command_provider.hpp"

#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "child_process.hpp"
#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kStderrTailBytes = 2000;
constexpr double kPositionTolerance = 1e-4;  // Å

struct CommandSettings {
  std::vector<std::string> command;  // with placeholders
  std::string directory;             // absolute
  bool remove_directory = false;     // a temporary one we created
  std::string config_dir;
  std::string input = "input.xyz";
  std::string output = "output.xyz";
  double timeout_s = 3600;
  ExtxyzKeys keys;
};

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

class CommandProvider final : public ForceProvider {
 public:
  explicit CommandProvider(CommandSettings s) : s_(std::move(s)) {
    for (const auto& word : s_.command) {
      std::string w = replace_all(word, "{input}", s_.input);
      w = replace_all(w, "{output}", s_.output);
      w = replace_all(w, "{directory}", s_.directory);
      argv_.push_back(replace_all(w, "{config_dir}", s_.config_dir));
    }
  }
  ~CommandProvider() override {
    if (s_.remove_directory) {
      std::error_code ignored;
      fs::remove_all(s_.directory, ignored);
    }
  }

  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    std::lock_guard lock(mutex_);  // one working directory: one call at a time
    const fs::path dir(s_.directory);
    const std::string input = (dir / s_.input).string();
    const std::string output = (dir / s_.output).string();
    const std::string err = (dir / "stderr.txt").string();
    write_input(frame, input);
    std::error_code ignored;
    fs::remove(output, ignored);  // never read a previous call's answer
    const detail::ChildOutcome outcome =
        detail::run_child_process(argv_, s_.directory, (dir / "stdout.txt").string(), err, s_.timeout_s);
    if (!outcome.success()) fail(outcome.describe(s_.timeout_s), err);
    if (!fs::exists(output)) fail("exited with status 0 but wrote no " + output, err);
    LabelledFrame got;
    try {
      ReadOptions options;
      options.format = StructureFormat::extxyz;
      options.extxyz_keys = s_.keys;
      got = read_structure(output, options);
    } catch (const Error& e) {
      fail(std::string("wrote an output that cannot be read: ") + e.what(), err);
    }
    return to_result(frame, request, got, output, err);
  }
  double cutoff() const override { return 0.0; }
  std::string description() const override { return "command `" + joined(argv_) + "` in " + s_.directory; }

 private:
  void write_input(const Frame& frame, const std::string& path) const {
    std::ofstream out(path);
    LabelledFrame lf;
    lf.frame = frame;
    write_structure(out, lf, StructureFormat::extxyz);
    out.flush();
    if (!out) throw EngineError("command engine: cannot write " + path);
  }

  [[noreturn]] void fail(const std::string& what, const std::string& stderr_path) const {
    std::string message = "reference command `" + joined(argv_) + "` (in " + s_.directory + ") " + what;
    const std::string tail = detail::file_tail(stderr_path, kStderrTailBytes);
    message += tail.empty() ? "; its stderr is empty" : "; the end of its stderr:\n" + tail;
    throw EngineError(message);
  }

  ComputeResult to_result(const Frame& frame, const ComputeRequest& request, const LabelledFrame& got,
                          const std::string& output, const std::string& err) const {
    const Frame& f = got.frame;
    if (f.size() != frame.size())
      fail("wrote " + std::to_string(f.size()) + " atoms to " + output + ", expected " + std::to_string(frame.size()), err);
    for (std::size_t i = 0; i < f.size(); ++i)
      if (f.numbers[i] != frame.numbers[i])
        fail("wrote " + element_symbol(f.numbers[i]) + " for atom " + std::to_string(i) + " in " + output + ", expected " +
                 element_symbol(frame.numbers[i]),
             err);
    // The same atoms in the same order: positions back up to a lattice
    // translation (a program may wrap them) and the 8 decimals ASE writes.
    for (std::size_t i = 0; i < f.size(); ++i) {
      const Vec3 d = f.positions[i] - frame.positions[i];
      const double off = norm(frame.cell.any_periodic() && frame.cell.is_invertible() ? frame.cell.minimum_image(d) : d);
      if (!(off < kPositionTolerance))
        fail("wrote atom " + std::to_string(i) + " at a position " + std::to_string(off) + " A away from the one it was "
                 "given in " + output + " (atoms reordered or moved?)",
             err);
    }
    const Labels& l = got.labels;
    ComputeResult r;
    if (!l.energy) fail("wrote no energy to " + output + " (looked for " + joined(s_.keys.energy) + ")", err);
    if (!std::isfinite(*l.energy)) fail("wrote a non-finite energy to " + output, err);
    r.energy = *l.energy;
    if (request.forces) {
      if (!l.forces) fail("wrote no forces to " + output + " (looked for " + joined(s_.keys.forces) + ")", err);
      for (std::size_t i = 0; i < f.size(); ++i)
        for (int k = 0; k < 3; ++k)
          if (!std::isfinite((*l.forces)[i][k]))
            fail("wrote a non-finite force on atom " + std::to_string(i) + " to " + output, err);
      r.forces = *l.forces;
    }
    if (request.virial) {
      if (l.virial) {
        r.virial = *l.virial;
      } else if (!frame.cell.any_periodic() && l.forces) {
        // An isolated system: W = −∂E/∂ε = Σ_i F_i ⊗ r_i follows from the forces.
        for (std::size_t i = 0; i < frame.size(); ++i)
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) r.virial[a][b] += (*l.forces)[i][a] * frame.positions[i][b];
      } else {
        fail("wrote no stress or virial to " + output + " (looked for " + joined(s_.keys.virial) + ", " +
                 joined(s_.keys.stress) + ")",
             err);
      }
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b)
          if (!std::isfinite(r.virial[a][b])) fail("wrote a non-finite stress or virial to " + output, err);
      r.has_virial = true;
    }
    if (request.atomic_energies) {
      if (!l.atomic_energies)
        fail("wrote no per-atom energies to " + output + " (looked for " + joined(s_.keys.atomic_energies) + ")", err);
      for (double e : *l.atomic_energies)
        if (!std::isfinite(e)) fail("wrote a non-finite per-atom energy to " + output, err);
      r.atomic_energies = *l.atomic_energies;
    }
    return r;
  }

  CommandSettings s_;
  std::vector<std::string> argv_;
  std::mutex mutex_;
};

// A plain file name inside the working directory.
std::string file_name_key(const Config& section, const std::string& key, const std::string& fallback) {
  const std::string name = section.get_string(key, fallback);
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == ".." || name == "stderr.txt" ||
      name == "stdout.txt")
    throw ConfigError(section.key_path(key), "must be a plain file name in the working directory (not '" + name +
                                                 "', and not stdout.txt or stderr.txt, which slhmc writes)");
  return name;
}

void read_key_list(const Config& section, const std::string& key, std::vector<std::string>& names) {
  if (!section.has(key)) return;
  names = section.get_string_array(key);
  if (names.empty()) throw ConfigError(section.key_path(key), "must name at least one key");
}

}  // namespace

std::unique_ptr<ForceProvider> make_command_provider(const Config& section, const ProviderContext& context) {
  CommandSettings s;
  if (!section.has("command"))
    throw ConfigError(section.key_path("command"), "missing: the program and its arguments, e.g. "
                                                   "[\"/usr/bin/python3\", \"{config_dir}/calc.py\", \"{input}\", \"{output}\"]");
  s.command = section.get_string_array("command");
  if (s.command.empty() || s.command[0].empty())
    throw ConfigError(section.key_path("command"), "must name a program (argv form: [\"program\", \"arg\", ...])");
  s.config_dir = fs::absolute(context.base_dir.empty() ? fs::path(".") : fs::path(context.base_dir)).lexically_normal().string();
  s.input = file_name_key(section, "input", "input.xyz");
  s.output = file_name_key(section, "output", "output.xyz");
  if (s.input == s.output) throw ConfigError(section.key_path("output"), "must differ from input");
  s.timeout_s = section.get_double("timeout_s", 3600.0);
  if (!(s.timeout_s > 0 && s.timeout_s <= 1e7)) throw ConfigError(section.key_path("timeout_s"), "must be in (0, 1e7] s");
  read_key_list(section, "energy_keys", s.keys.energy);
  read_key_list(section, "forces_keys", s.keys.forces);
  read_key_list(section, "stress_keys", s.keys.stress);
  read_key_list(section, "virial_keys", s.keys.virial);
  read_key_list(section, "atomic_energies_keys", s.keys.atomic_energies);
  if (section.has("directory")) {
    s.directory = fs::absolute(resolve_path(context, section.get_string("directory"))).lexically_normal().string();
    section.check_all_used();
    std::error_code ec;
    fs::create_directories(s.directory, ec);
    if (ec || !fs::is_directory(s.directory))
      throw ConfigError(section.key_path("directory"), "cannot create the directory " + s.directory + ": " + ec.message());
  } else {
    section.check_all_used();
    std::string pattern = (fs::temp_directory_path() / "slhmc-command-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw EngineError("command engine: cannot create a temporary directory in " +
                                                    fs::temp_directory_path().string());
    s.directory = pattern;
    s.remove_directory = true;
  }
  return std::make_unique<CommandProvider>(std::move(s));
}

namespace {
const ProviderRegistration registration("command",
                                        "external program: writes extxyz, runs it with a time limit, reads extxyz back",
                                        &make_command_provider);
}  // namespace

}  // namespace slhmc
