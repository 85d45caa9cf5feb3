// `slhmc run CONFIG.toml`: one SLHMC walker. Sections: [system] (as for `md`),
// [reference] and [surrogate] (any registered potential), [sampler] (trial
// parameters, NPT, tuning) and [output]. `--restart` continues a run from its
// checkpoint; `--dry-run` validates the config and prints the plan.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "progress.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/learning/walker/async_walker.hpp"
#include "slhmc/learning/learning_config.hpp"
#include "slhmc/learning/transport_registry.hpp"
#include "slhmc/sampling/slhmc_run.hpp"
#include "system_config.hpp"

namespace slhmc::cli {
namespace {

// The main job: examples/silicon/slhmc.toml, embedded (a test keeps the two identical).
const char* const kDefaultConfig = R"toml(# The embedded default of `slhmc run`: SLHMC of hot crystalline silicon (64 atoms,
# 1200 K). Stillinger-Weber plays the expensive reference; the surrogate that
# proposes the trial trajectories is a neural-network potential learned from
# scratch during the run: a 20-step reference MD seeds the data, the network is
# retrained every 25 trials on every reference evaluation so far, and frozen
# after trial 400 (production). The chain samples the SW ensemble exactly.
[system]
lattice = "diamond"
element = "Si"
a = 5.431
repeat = [2, 2, 2]
rattle_A = 0.05

[reference]
type = "sw"
file = "Si.sw"            # from /usr/share/lammps/potentials (Debian lammps-data)

[training]
retrain_interval = 25     # trials between retrainings
production_after = 400    # the model is frozen afterwards
first_epochs = 200        # the first model, from scratch
epochs = 40               # each retraining, warm-started
bootstrap_md_steps = 20   # reference MD steps that seed the training data

[training.model]
radial_cutoff = 4.5
radial_order = 10
angular_cutoff = 4.0
angular_order = 4
hidden = [10, 10]

[training.loss]
energy_weight = 1.0
force_weight = 0.05

[training.optimizer]
learning_rate = 0.003
batch_size = 8

[sampler]
temperature_K = 1200.0
trials = 800
n_md = 10
dt_fs = 1.0
seed = 7

[sampler.tuning]
target_acceptance = 0.6   # lengthen the trajectories while the acceptance allows
interval = 50
until_trial = 400         # no tuning in production

[output]
directory = "slhmc-run"
chain_interval = 10
)toml";

sampling::RunOptions read_sampler(const Config& s) {
  sampling::RunOptions o;
  // The moves read their own keys ([sampler.moves] or volume_move_fraction; docs/sampling.md).
  o.moves = sampling::read_move_mix(s);
  o.hmc = sampling::read_hmc_options(s);  // for the plan and the learning options
  const long trials = s.get_int("trials");
  if (trials < 1) throw ConfigError(s.key_path("trials"), "must be at least 1");
  o.trials = static_cast<std::uint64_t>(trials);
  const long seed = s.get_int("seed", 1);
  if (seed < 0) throw ConfigError(s.key_path("seed"), "must be non-negative");
  o.seed = static_cast<std::uint64_t>(seed);
  // Name the config key in errors about option values.
  try {
    o.validate();
  } catch (const Error& e) {
    throw ConfigError(s.path(), e.what());
  }
  return o;
}

int run_slhmc(const ConfigOptions& options, bool restart, bool dry_run) {
  Config root = options.load(kDefaultConfig);
  const Config sampler = root.section("sampler");
  sampling::RunOptions run_options = read_sampler(sampler);
  std::string directory = "slhmc-run";
  if (auto out = root.optional_section("output")) {
    directory = out->get_string("directory", directory);
    run_options.chain_interval = static_cast<int>(out->get_int("chain_interval", 1));
    run_options.checkpoint_interval = static_cast<int>(out->get_int("checkpoint_interval", 1));
  }
  const Frame frame = load_system(root.section("system"), options.base_dir(), run_options.seed);
  ProviderContext context{options.base_dir(), &frame};
  const auto reference = make_provider(root.section("reference"), context);
  const std::optional<Config> training = root.optional_section("training");
  std::unique_ptr<ForceProvider> surrogate;
  std::optional<learning::LearningOptions> learning_options;
  std::optional<learning::AsyncWalkerOptions> async_options;
  std::unique_ptr<learning::WalkerTransport> transport;  // async: the doors to the trainer
  if (training) {
    if (root.has("surrogate"))
      throw ConfigError("surrogate", "give either [surrogate] (a fixed one) or [training] (an NNP learned on the fly)");
    learning_options = learning::read_learning_options(*training, options.base_dir(), run_options.hmc.temperature_K,
                                                       run_options.seed);
    async_options = learning::read_async_walker_options(*training, options.base_dir());
    if (async_options) async_options->skin = learning_options->skin;
    if (async_options) {
      learning::WalkerSetup setup{&*training, options.base_dir(), directory, async_options->walker};
      transport = learning::transport_kind(async_options->transport.type).walker(async_options->transport, setup);
    }
    if (!(transport && transport->trains_here()) && training->has("device"))
      throw ConfigError(training->key_path("device"), "only for the in-process trainer (give [trainer] device to `slhmc trainer`)");
    if (async_options && async_options->retrain_interval > 0 && !transport->publishes_bootstrap() &&
        learning_options->initial_model.empty())
      throw ConfigError(training->key_path("mode"),
                        "\"deterministic\" over " + async_options->transport.type +
                            " needs [training.model] init (this transport does not publish a bootstrap model)");
  } else {
    surrogate = make_provider(root.section("surrogate"), context);
  }
  root.check_all_used();

  if (dry_run) {
    std::cout << "slhmc run plan\n"
              << "  system:    " << frame.size() << " atoms, volume " << frame.cell.volume() << " A^3\n"
              << "  reference: " << reference->description() << "\n";
    if (surrogate) {
      std::cout << "  surrogate: " << surrogate->description() << "\n";
    } else {
      const auto& l = *learning_options;
      std::cout << "  surrogate: NNP learned on the fly, "
                << (l.initial_model.empty() ? "from scratch after " + std::to_string(l.bootstrap_md_steps) +
                                                  " reference MD steps"
                                            : "starting from " + l.initial_model)
                << (async_options ? "; trained " + transport->description() + " (walker " +
                                        async_options->walker +
                                        (async_options->retrain_interval > 0
                                             ? ", deterministic: swaps after every " +
                                                   std::to_string(async_options->retrain_interval) + " trials"
                                             : ", polled every " + std::to_string(async_options->poll_interval_trials) +
                                                   " trials") +
                                        ")"
                                  : "; retrained every " + std::to_string(l.retrain_interval) + " trials (" +
                                        std::to_string(l.epochs) + " epochs)")
                << (l.production_after ? ", frozen after trial " + std::to_string(l.production_after) : "")
                << "\n";
    }
    std::cout << "  trials:    " << run_options.trials << " at " << run_options.hmc.temperature_K << " K, n_md "
              << run_options.hmc.n_md << " x " << run_options.hmc.dt_fs << " fs"
              << (run_options.moves.size() == 1 && run_options.moves[0].name == "hmc" ? ", NVT" : ", NPT") << "; moves:";
    for (const auto& m : run_options.moves) std::cout << " " << m.name << " " << m.probability;
    std::cout << "\n"
              << "  output:    " << directory << (restart ? " (restart from its checkpoint)" : "") << "\n";
    return 0;
  }

  // Telemetry: what this walker did when (docs/learning.md#telemetry).
  EventLog events((std::filesystem::path(directory) / "events.csv").string(),
                  async_options ? async_options->walker : "walker");
  std::unique_ptr<learning::LearningSurrogate> learner;
  if (learning_options) {
    if (restart) {
      learner = learning::LearningSurrogate::resume(*learning_options, directory);
    } else {
      if (std::filesystem::exists(directory + "/checkpoint"))
        throw Error("run directory '" + directory + "' already holds a run (checkpoint); restart it or choose another directory");
      std::cerr << "training the first surrogate ...\n";
      EventSpan span(&events, "bootstrap");
      learner = learning::LearningSurrogate::start(*learning_options, directory, frame, *reference);
      std::cerr << learner->last_report() << "\n";
    }
  }
  ForceProvider& first_surrogate = learner ? learner->provider() : *surrogate;
  if (learner) run_options.model_version = learner->version();
  std::unique_ptr<sampling::SlhmcRun> run;
  if (restart) run = sampling::SlhmcRun::restart(*reference, first_surrogate, run_options, directory);
  else run = std::make_unique<sampling::SlhmcRun>(frame, *reference, first_surrogate, run_options, directory);
  run->set_event_log(&events);
  // Async: samples go to the trainer, models come back from it (no training in this process).
  std::unique_ptr<learning::AsyncWalker> walker;
  if (async_options) {
    transport->open([](const std::string& m) { std::cerr << "trainer: " << m << "\n"; });
    walker = std::make_unique<learning::AsyncWalker>(*async_options, directory, std::move(learner), transport->sink(),
                                                     transport->source(), restart ? nullptr : transport->bootstrap_sink(),
                                                     restart ? nullptr : transport->publisher());
    walker->on_message = [](const std::string& m) { std::cerr << "walker: " << m << "\n"; };
    walker->trainer_failure = [t = transport.get()] { return t->trainer_failure(); };
    walker->attach(*run);
  } else if (learner) {
    learner->attach(*run);
  }

  ProgressLine progress(static_cast<long>(run_options.trials));
  run->run([&](const sampling::TrialRecord& rec, const sampling::ChainState& state) {
    if (!progress.enabled()) return;
    std::ostringstream detail;
    detail.precision(3);
    detail << "acc " << static_cast<double>(state.accepted) / std::max<std::uint64_t>(1, state.trials)
           << "  n_md " << run->n_md() << "  model v" << run->model_version();
    progress.update(static_cast<long>(rec.trial), detail.str());
  });
  progress.finish();
  if (transport) {
    transport->close();
    if (!transport->trainer_failure().empty()) std::cerr << transport->trainer_failure() << "\n";
  }
  std::cout << run->write_summary();
  if (walker)
    std::cout << "asynchronous learning: " << walker->samples_sent() << " samples sent, " << walker->swaps()
              << " model swaps, last model v" << walker->version() << "\n";
  if (transport) std::cout << transport->summary();
  if (learner)
    std::cout << "reference evaluations of the bootstrap MD (not in the chain): " << learner->bootstrap_evaluations()
              << "\nsurrogate training in this process: " << learner->rounds() << " rounds, "
              << learner->training_seconds() << " s (models in " << directory << "/models/, log in learning.csv)\n";
  std::cout << "outputs in " << directory << "/ (trials.csv, samples.xyz, chain.xyz, checkpoint, summary.txt)\n";
  return 0;
}

Runner setup(CommandLine& line) {
  auto options = std::make_shared<ConfigOptions>();
  auto restart = std::make_shared<bool>(false);
  auto dry_run = std::make_shared<bool>(false);
  line.option("config", options->path,
                 "Run configuration (TOML); without it the embedded default runs: 64-atom silicon at 1200 K, "
                 "Stillinger-Weber reference, NNP surrogate learned from scratch (examples/silicon/slhmc.toml)")
      .existing_file();
  auto print_default = std::make_shared<bool>(false);
  line.flag("--print-default", *print_default, "Print the embedded default config and exit");
  options->add_to(line);
  line.flag("--restart", *restart, "Continue the run in the output directory from its checkpoint");
  line.flag("--dry-run", *dry_run, "Validate the configuration and print the plan");
  return [=] {
    if (*print_default) {
      std::fputs(kDefaultConfig, stdout);
      return 0;
    }
    return run_slhmc(*options, *restart, *dry_run);
  };
}

const CommandRegistration reg("run", "Sample the reference ensemble with self-learning hybrid Monte Carlo", setup);

}  // namespace
}  // namespace slhmc::cli
