// Reading and checking the plan of `slhmc launch` (see launch_plan.hpp).
#include "slhmc/learning/launch_plan.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/walker/async_walker.hpp"
#include "slhmc/learning/sample_format.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

namespace {

// An absolute, normal path for a path in the launch file (children run elsewhere).
std::string absolute_path(const std::string& base_dir, const std::string& path) {
  return fs::absolute(fs::path(path_relative_to(base_dir, path))).lexically_normal().string();
}

std::string existing_file(const Config& launch, const std::string& key, const std::string& base_dir) {
  const std::string path = absolute_path(base_dir, launch.get_string(key));
  if (!fs::is_regular_file(path)) throw ConfigError(launch.key_path(key), "no such file: " + path);
  return path;
}

std::vector<std::string> overrides(const Config& table, const std::string& key) {
  return table.has(key) ? table.get_string_array(key) : std::vector<std::string>{};
}

// Keys that the launcher sets itself: a `set` entry must not fight it.
void refuse_layout_keys(const Config& table, const std::vector<std::string>& set) {
  for (const auto& s : set) {
    const std::string key = s.substr(0, s.find('='));
    if (key == "training.walker")
      throw ConfigError(table.key_path("set"), "'" + s + "': the launcher names the walkers; give `id` in [launch.walker-I]");
    if (key == "output.directory")
      throw ConfigError(table.key_path("set"), "'" + s + "': the launcher puts walker I in DIRECTORY/<id>");
  }
}

void apply_all(Config& config, const Config& table, const std::string& key, const std::vector<std::string>& set) {
  for (const auto& s : set) {
    try {
      config.apply_override(s);
    } catch (const Error& e) {
      throw ConfigError(table.key_path(key), "'" + s + "': " + e.what());
    }
  }
}

// A TOML basic string (for --set values that are paths).
std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::uint64_t sampler_seed(const Config& walker) {
  const auto s = walker.optional_section("sampler");
  const long seed = s ? s->get_int("seed", 1) : 1;
  if (seed < 0) throw ConfigError("sampler.seed", "must be non-negative");
  return static_cast<std::uint64_t>(seed);
}

// Per-walker tables: "walker-I" with I in 0..count-1 → the table.
std::map<long, Config> walker_tables(const Config& launch, long count) {
  static const std::set<std::string> known = {"walker", "trainer", "walkers", "directory",
                                              "seed_stride", "set", "trainer_set"};
  std::map<long, Config> out;
  for (const auto& key : launch.keys()) {
    if (known.count(key)) continue;
    const std::string prefix = "walker-";
    const std::string digits = key.rfind(prefix, 0) == 0 ? key.substr(prefix.size()) : "";
    if (digits.empty() || digits.size() > 4 || digits.find_first_not_of("0123456789") != std::string::npos)
      throw ConfigError(launch.key_path(key),
                        "unknown key (keys: walker, trainer, walkers, directory, seed_stride, set, trainer_set, "
                        "and tables [launch.walker-I])");
    const long index = std::stol(digits);
    if (index >= count)
      throw ConfigError(launch.key_path(key), "there is no walker " + digits + " (walkers = " + std::to_string(count) +
                                                  ", numbered from 0)");
    out.emplace(index, launch.section(key));
  }
  return out;
}

}  // namespace

LaunchPlan read_launch_plan(const Config& root, const std::string& base_dir, const std::string& exe, bool restart) {
  const Config launch = root.section("launch");
  LaunchPlan plan;
  plan.restart = restart;
  const std::string walker_file = existing_file(launch, "walker", base_dir);
  const std::string trainer_file = existing_file(launch, "trainer", base_dir);
  const long count = launch.get_int("walkers");
  if (count < 1 || count > kMaxLaunchWalkers)
    throw ConfigError(launch.key_path("walkers"), "must be 1 to " + std::to_string(kMaxLaunchWalkers));
  plan.directory = absolute_path(base_dir, launch.get_string("directory", "launch-run"));
  const long stride = launch.get_int("seed_stride", 1);
  if (stride < 1) throw ConfigError(launch.key_path("seed_stride"), "must be >= 1 (walkers need different seeds)");
  const std::vector<std::string> common = overrides(launch, "set");
  const std::vector<std::string> trainer_set = overrides(launch, "trainer_set");
  refuse_layout_keys(launch, common);
  const std::map<long, Config> own = walker_tables(launch, count);

  // The trainer: its config complete, its transport and stop file as it will see them.
  std::uint64_t schedule = 0;             // the trainer's retrain_interval in deterministic mode
  std::vector<std::string> schedule_walkers;
  {
    Config tc = Config::from_file(trainer_file);
    apply_all(tc, launch, "trainer_set", trainer_set);
    try {
      const TrainerConfig t = read_trainer_config(tc, fs::path(trainer_file).parent_path().string());
      tc.check_all_used();
      plan.transport = t.transport;
      plan.stop_file = t.daemon.stop_file;
      schedule = t.daemon.retrain_interval;
      schedule_walkers = t.daemon.walkers;
    } catch (const Error& e) {
      throw ConfigError(launch.key_path("trainer"), trainer_file + ": " + e.what());
    }
    LaunchProcess& p = plan.trainer;
    p.name = "trainer";
    p.argv = {exe, "trainer", trainer_file};
    for (const auto& s : trainer_set) p.argv.insert(p.argv.end(), {"--set", s});
    p.directory = plan.directory;
    p.log = (fs::path(plan.directory) / "trainer.log").string();
  }

  std::set<std::string> ids;
  std::map<std::uint64_t, std::string> seeds;
  const std::string walker_base = fs::path(walker_file).parent_path().string();
  for (long i = 0; i < count; ++i) {
    LaunchProcess p;
    p.name = "walker-" + std::to_string(i);
    std::vector<std::string> mine;
    const auto table = own.find(i);
    if (table != own.end()) {
      p.name = table->second.get_string("id", p.name);
      mine = overrides(table->second, "set");
      refuse_layout_keys(table->second, mine);
    }
    const std::string where = table != own.end() ? table->second.path() : launch.key_path("walker");
    if (!is_valid_walker_id(p.name) || p.name.size() > 54 || p.name == "trainer")
      throw ConfigError(where, "'" + p.name + "' is not a walker id (1 to 54 letters, digits, '-', '_'; not \"trainer\")");
    if (!ids.insert(p.name).second) throw ConfigError(where, "walker id '" + p.name + "' is given twice");
    p.directory = (fs::path(plan.directory) / p.name).string();
    p.log = p.directory + ".log";

    // Common overrides, then the launcher's (the seed counts from the result), then the walker's own.
    Config wc = Config::from_file(walker_file);
    apply_all(wc, launch, "set", common);
    std::vector<std::string> set = common;
    try {
      p.seed = sampler_seed(wc) + static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(stride);
    } catch (const Error& e) {
      throw ConfigError(launch.key_path("walker"), walker_file + ": " + e.what());
    }
    for (const std::string& s : {"training.walker=" + toml_string(p.name),
                                 "output.directory=" + toml_string(p.directory), "sampler.seed=" + std::to_string(p.seed)}) {
      wc.apply_override(s);
      set.push_back(s);
    }
    if (table != own.end()) apply_all(wc, table->second, "set", mine);
    set.insert(set.end(), mine.begin(), mine.end());

    try {
      p.seed = sampler_seed(wc);
      const auto training = wc.optional_section("training");
      const std::string mode = training ? training->get_string("mode", "sync") : "sync";
      if (mode != "async" && mode != "deterministic")
        throw Error("[training] mode must be \"async\" or \"deterministic\" (a walker that a `slhmc trainer` feeds)");
      const auto async = read_async_walker_options(*training, walker_base);
      if (!same_transport(async->transport, plan.transport))
        throw Error("its transport (" + describe_transport(async->transport) + ") is not the trainer's (" +
                    describe_transport(plan.transport) + ")");
      if (async->retrain_interval > 0 && count > 1 && !(training->has("model") && training->section("model").has("init")))
        throw Error("several walkers in mode = \"deterministic\" need one shared [training.model] init model (each "
                    "walker's own bootstrap model would race to be version 1)");
      if (async->retrain_interval != schedule)
        throw Error(schedule == 0 ? std::string("mode = \"deterministic\" needs a trainer in mode = \"deterministic\"")
                                  : "its retrain_interval (" + std::to_string(async->retrain_interval) +
                                        ") is not the deterministic trainer's (" + std::to_string(schedule) + ")");
    } catch (const Error& e) {
      throw ConfigError(where, p.name + " (" + walker_file + " with its overrides): " + e.what());
    }
    if (const auto [it, fresh] = seeds.emplace(p.seed, p.name); !fresh)
      throw ConfigError(where, p.name + " and " + it->second + " have the same sampler.seed " + std::to_string(p.seed) +
                                   ": their chains would be identical");

    const bool has_checkpoint = fs::exists(fs::path(p.directory) / "checkpoint");
    if (restart && !has_checkpoint)
      throw ConfigError(where, p.name + ": --restart, but " + p.directory + " holds no checkpoint");
    if (!restart && has_checkpoint)
      throw ConfigError(where, p.name + ": " + p.directory + " already holds a run; use --restart or another directory");

    p.argv = {exe, "run", walker_file};
    for (const auto& s : set) p.argv.insert(p.argv.end(), {"--set", s});
    if (restart) p.argv.push_back("--restart");
    plan.walkers.push_back(std::move(p));
  }
  // A deterministic trainer waits for exactly the walkers it names.
  if (schedule > 0 && std::set<std::string>(schedule_walkers.begin(), schedule_walkers.end()) != ids) {
    std::string names;
    for (const auto& id : ids) names += (names.empty() ? "\"" : ", \"") + id + "\"";
    throw ConfigError(launch.key_path("trainer"), trainer_file + ": [training] walkers must name the launched walkers: [" +
                                                      names + "]");
  }
  return plan;
}

std::vector<std::string> dry_run_argv(const LaunchProcess& walker) {
  std::vector<std::string> argv = walker.argv;
  argv.push_back("--dry-run");
  return argv;
}

std::string shell_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                "0123456789-_./=:,+@%") == std::string::npos;
    if (plain) {
      out += word;
      continue;
    }
    out += '\'';
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

}  // namespace slhmc::learning
