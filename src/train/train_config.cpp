// Reading training settings from a config (see train_config.hpp).
#include "slhmc/train/train_config.hpp"

#include <filesystem>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::train {

namespace {

int element_of(const Config& c, const std::string& key, const std::string& symbol) {
  const int z = atomic_number_or_zero(symbol);
  if (z <= 0) throw ConfigError(c.key_path(key), "unknown element '" + symbol + "'");
  return z;
}

nnp::Activation activation_of(const Config& c, const std::string& key) {
  const std::string name = c.get_choice(key, {"tanh", "sigmoid", "mtanh", "twist", "linear"}, "tanh");
  if (name == "tanh") return nnp::Activation::tanh;
  if (name == "sigmoid") return nnp::Activation::sigmoid;
  if (name == "mtanh") return nnp::Activation::mtanh;
  if (name == "twist") return nnp::Activation::twist;
  return nnp::Activation::linear;
}

long positive_int(const Config& c, const std::string& key, long fallback, long lo = 1) {
  const long v = c.get_int(key, fallback);
  if (v < lo) throw ConfigError(c.key_path(key), "must be >= " + std::to_string(lo) + ", got " + std::to_string(v));
  return v;
}

double non_negative(const Config& c, const std::string& key, double fallback) {
  const double v = c.get_double(key, fallback);
  if (!(v >= 0) || !std::isfinite(v)) throw ConfigError(c.key_path(key), "must be a finite number >= 0");
  return v;
}

}  // namespace

void read_model_section(const Config& m, const std::string& base_dir, TrainJob& job) {
  job.init_model = path_relative_to(base_dir, m.get_string("init", ""));
  ModelSpec& spec = job.spec;
  if (m.has("species"))
    for (const auto& s : m.get_string_array("species")) spec.species.push_back(element_of(m, "species", s));
  m.get_choice("descriptor", {"chebyshev"}, "chebyshev");
  spec.chebyshev.radial_cutoff = m.get_double("radial_cutoff", spec.chebyshev.radial_cutoff);
  spec.chebyshev.radial_order = static_cast<int>(positive_int(m, "radial_order", spec.chebyshev.radial_order, 0));
  spec.chebyshev.angular_cutoff = m.get_double("angular_cutoff", spec.chebyshev.angular_cutoff);
  spec.chebyshev.angular_order = static_cast<int>(positive_int(m, "angular_order", spec.chebyshev.angular_order, 0));
  if (!(spec.chebyshev.radial_cutoff > 0)) throw ConfigError(m.key_path("radial_cutoff"), "must be > 0 (Å)");
  if (!(spec.chebyshev.angular_cutoff > 0)) throw ConfigError(m.key_path("angular_cutoff"), "must be > 0 (Å)");
  if (m.has("hidden")) {
    spec.hidden.clear();
    for (double h : m.get_double_array("hidden")) {
      if (h < 1 || h > 4096 || h != std::floor(h))
        throw ConfigError(m.key_path("hidden"), "layer sizes must be whole numbers in 1..4096");
      spec.hidden.push_back(static_cast<int>(h));
    }
    if (spec.hidden.empty()) throw ConfigError(m.key_path("hidden"), "needs at least one hidden layer");
  }
  spec.activation = activation_of(m, "activation");
  if (const auto e = m.optional_section("atomic_energies"))
    for (const auto& key : e->keys()) spec.atomic_energies[element_of(*e, key, key)] = e->get_double(key);
}

void read_loss_section(const Config& l, TrainOptions& o) {
  o.loss.energy = non_negative(l, "energy_weight", o.loss.energy);
  o.loss.forces = non_negative(l, "force_weight", o.loss.forces);
  o.loss.virial = non_negative(l, "virial_weight", o.loss.virial);
  o.use_virial = o.loss.virial > 0;
  o.force_fraction = l.get_double("force_fraction", o.force_fraction);
  if (!(o.force_fraction >= 0 && o.force_fraction <= 1))
    throw ConfigError(l.key_path("force_fraction"), "must be in [0, 1]");
  o.force_frames = l.get_int("force_frames", o.force_frames);
  if (o.force_frames < -1) throw ConfigError(l.key_path("force_frames"), "must be >= 0 (or -1: use force_fraction)");
  if (o.loss.energy == 0 && o.loss.forces == 0 && o.loss.virial == 0)
    throw ConfigError(l.key_path("energy_weight"), "at least one loss weight must be > 0");
}

void read_optimizer_section(const Config& c, TrainOptions& o) {
  OptimizerOptions& opt = o.optimizer;
  opt.method = optimizer_method_from_name(c.get_choice("method", {"adam", "adamw", "lbfgs"}, "adamw"));
  opt.learning_rate = c.get_double("learning_rate", opt.learning_rate);
  if (!(opt.learning_rate > 0)) throw ConfigError(c.key_path("learning_rate"), "must be > 0");
  opt.weight_decay = non_negative(c, "weight_decay", opt.weight_decay);
  opt.schedule = schedule_from_name(c.get_choice("schedule", {"constant", "exponential", "cosine"}, "constant"));
  opt.decay_rate = c.get_double("decay_rate", opt.decay_rate);
  if (!(opt.decay_rate > 0 && opt.decay_rate <= 1)) throw ConfigError(c.key_path("decay_rate"), "must be in (0, 1]");
  opt.min_learning_rate = non_negative(c, "min_learning_rate", opt.min_learning_rate);
  opt.lbfgs_history = static_cast<int>(positive_int(c, "lbfgs_history", opt.lbfgs_history));
  o.batch_size = static_cast<int>(positive_int(c, "batch_size", o.batch_size));
  o.epochs = static_cast<int>(positive_int(c, "epochs", o.epochs, 0));
  o.patience = static_cast<int>(positive_int(c, "patience", o.patience, 0));
  o.ema_decay = c.get_double("ema_decay", o.ema_decay);
  if (!(o.ema_decay >= 0 && o.ema_decay < 1)) throw ConfigError(c.key_path("ema_decay"), "must be in [0, 1)");
}

TrainJob read_train_config(const Config& root, const std::string& base_dir) {
  TrainJob job;
  const Config data = root.section("data");
  for (const auto& f : data.get_string_array("files")) job.data.paths.push_back(path_relative_to(base_dir, f));
  if (job.data.paths.empty()) throw ConfigError(data.key_path("files"), "needs at least one file or directory");
  if (data.has("format"))
    job.data.read.format = structure_format_from_name(
        data.get_choice("format", {"extxyz", "xsf", "poscar", "n2p2", "lammps-data"}));
  job.data.bad_frames = data.get_choice("bad_frames", {"refuse", "skip"}, "refuse") == "skip" ? BadFramePolicy::skip
                                                                                              : BadFramePolicy::refuse;
  job.data.weight_key = data.get_string("weight_key", job.data.weight_key);
  if (const auto keys = data.optional_section("extxyz_keys")) {
    ExtxyzKeys& k = job.data.read.extxyz_keys;
    if (keys->has("energy")) k.energy = keys->get_string_array("energy");
    if (keys->has("forces")) k.forces = keys->get_string_array("forces");
    if (keys->has("stress")) k.stress = keys->get_string_array("stress");
    if (keys->has("virial")) k.virial = keys->get_string_array("virial");
  }
  job.options.validation_fraction = data.get_double("validation_fraction", job.options.validation_fraction);
  if (!(job.options.validation_fraction >= 0 && job.options.validation_fraction < 1))
    throw ConfigError(data.key_path("validation_fraction"), "must be in [0, 1)");

  if (const auto m = root.optional_section("model")) read_model_section(*m, base_dir, job);
  if (const auto l = root.optional_section("loss")) read_loss_section(*l, job.options);
  if (const auto o = root.optional_section("optimizer")) read_optimizer_section(*o, job.options);
  if (const auto r = root.optional_section("run")) {
    const long seed = r->get_int("seed", 1);
    if (seed < 0) throw ConfigError(r->key_path("seed"), "must be >= 0");
    job.options.seed = static_cast<std::uint64_t>(seed);
    job.options.device = r->get_choice("device", {"cpu", "cuda", "auto"}, "cpu");
    job.options.threads = static_cast<int>(r->get_int("threads", 0));
    job.options.max_seconds = non_negative(*r, "max_seconds", 0.0);
    job.options.target_energy_rmse = non_negative(*r, "target_energy_rmse_meV", 0.0) * 1e-3;
    job.options.target_force_rmse = non_negative(*r, "target_force_rmse_meV", 0.0) * 1e-3;
    job.committee = static_cast<int>(positive_int(*r, "committee", 1));
    if (job.committee > 64) throw ConfigError(r->key_path("committee"), "at most 64 members");
  }
  if (const auto out = root.optional_section("output")) {
    TrainOutputOptions& o = job.output;
    o.directory = path_relative_to(base_dir, out->get_string("directory", o.directory));
    o.model = out->get_string("model", o.model);
    o.export_aenet = out->get_bool("export_aenet", o.export_aenet);
    o.learning_curve = out->get_string("learning_curve", o.learning_curve);
    o.plots = out->get_bool("plots", o.plots);
  } else {
    job.output.directory = path_relative_to(base_dir, job.output.directory);
  }
  if (!job.spec.species.empty()) job.data.species = job.spec.species;
  return job;
}

}  // namespace slhmc::train
