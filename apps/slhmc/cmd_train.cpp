// `slhmc train CONFIG.toml [--set key=value ...]`: trains an NNP (per-element
// networks on Chebyshev descriptors) on energies, forces and optionally
// virials, on the CPU or a CUDA GPU. Writes the native model, aenet ASCII
// exports, the learning curve (CSV + SVG), parity plots and a summary into
// [output].directory. Keys: docs/config.md#slhmc-train.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "command.hpp"
#include "progress.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/train/train_config.hpp"
#include "slhmc/train/training_output.hpp"
#include "train_plots.hpp"

namespace slhmc::cli {
namespace {

std::string rmse_text(const train::ErrorSums& e) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "E %.2f meV/atom, F %.1f meV/A", e.energy_rmse() * 1e3, e.force_rmse() * 1e3);
  return buf;
}

// Writes a trained model's files into out.directory and prints what was reached; returns the model path.
std::string write_outputs(const train::TrainOutputOptions& o, const train::TrainResult& result,
                          const train::TrainOptions& options, std::optional<long long> parent,
                          const train::TrainingSet& data) {
  std::filesystem::create_directories(o.directory);
  const std::string model_path = (std::filesystem::path(o.directory) / o.model).string();
  const auto metadata = train::training_metadata(result, options, parent);
  train::write_trained_model(model_path, result.model, metadata);
  std::vector<std::string> written;
  if (o.export_aenet)
    for (const auto& p : train::export_aenet_networks(o.directory, result.model)) written.push_back(p);
  if (!o.learning_curve.empty()) {
    const std::string csv = (std::filesystem::path(o.directory) / o.learning_curve).string();
    write_file_atomically(csv, train::format_learning_curve_csv(result.curve));
    written.push_back(csv);
  }
  if (o.plots)
    for (const auto& p : write_training_plots(o.directory, result, data)) written.push_back(p);

  const double epochs = static_cast<double>(result.curve.size());
  const double train_seconds = result.curve.empty() ? 0.0 : result.curve.back().seconds - result.feature_seconds;
  std::printf("trained %zu epochs on %s (%s): %.3f s per epoch, features %.1f MB in %.1f s\n", result.curve.size(),
              result.device.c_str(), result.stop_reason.c_str(), epochs > 0 ? train_seconds / epochs : 0.0,
              static_cast<double>(result.feature_bytes) / 1e6, result.feature_seconds);
  if (result.best_epoch > 0) {
    const train::EpochRecord best = result.best();
    std::printf("best epoch %d: train %s; validation %s\n", result.best_epoch, rmse_text(best.train).c_str(),
                rmse_text(best.validation).c_str());
  }
  std::printf("model version %lld -> %s\n", metadata.model_version, model_path.c_str());
  for (const auto& w : written) std::printf("  %s\n", w.c_str());
  return model_path;
}

int run_train(const ConfigOptions& options) {
  Config root = options.load();
  train::TrainJob job = train::read_train_config(root, options.base_dir());
  root.check_all_used();

  std::optional<long long> parent;
  std::optional<train::TrainableModel> warm;
  if (!job.init_model.empty()) {
    warm = train::load_trainable_model(job.init_model, &parent);
    job.data.species = warm->atomic_numbers();
  }
  const train::TrainingSet data = train::load_training_set(job.data);
  std::printf("data: %zu frames, %zu atoms, digest %s\n", data.size(), data.num_atoms(),
              train::training_set_digest(data).c_str());
  if (!data.skipped.empty()) {
    std::printf("  skipped %zu bad frames:\n", data.skipped.size());
    for (std::size_t i = 0; i < data.skipped.size() && i < 10; ++i)
      std::printf("    %s:%zu: %s\n", data.skipped[i].source.c_str(), data.skipped[i].line, data.skipped[i].reason.c_str());
    if (data.skipped.size() > 10) std::printf("    ... (%zu more)\n", data.skipped.size() - 10);
  }

  if (job.committee > 1 && warm) throw ConfigError("run.committee", "a committee is trained from scratch (remove model.init)");
  std::vector<std::string> members;
  for (int k = 0; k < job.committee; ++k) {
    train::TrainOptions options_k = job.options;
    options_k.seed = job.options.seed + static_cast<std::uint64_t>(k);
    train::TrainOutputOptions out = job.output;
    if (job.committee > 1) {
      out.directory = (std::filesystem::path(out.directory) / ("member-" + std::to_string(k))).string();
      std::printf("committee member %d of %d (seed %llu)\n", k + 1, job.committee,
                  static_cast<unsigned long long>(options_k.seed));
    }
    ProgressLine progress(options_k.epochs);
    const int print_every = std::max(1, options_k.epochs / 20);
    options_k.on_epoch = [&](const train::EpochRecord& r) {
      const std::string detail = "loss " + std::to_string(r.train_loss) + " | train " + rmse_text(r.train) +
                                 " | validation " + rmse_text(r.validation);
      if (progress.enabled()) {
        progress.update(r.epoch, detail);
      } else if (r.epoch % print_every == 0 || r.epoch == 1) {
        std::printf("epoch %5d  %.1f s  %s\n", r.epoch, r.seconds, detail.c_str());
        std::fflush(stdout);
      }
    };
    train::TrainResult result = warm ? train::train(std::move(*warm), data, options_k)
                                     : train::train(job.spec, data, options_k);
    progress.finish();
    members.push_back(write_outputs(out, result, options_k, parent, data));
  }
  if (job.committee > 1) {
    std::printf("committee of %d models; use it as a potential with\n  [potential]\n  type = \"committee\"\n  models = [",
                job.committee);
    for (std::size_t k = 0; k < members.size(); ++k) std::printf("%s\"%s\"", k ? ", " : "", members[k].c_str());
    std::printf("]\n");
  }
  return 0;
}

Runner setup(CommandLine& line) {
  auto options = std::make_shared<ConfigOptions>();
  line.option("config", options->path, "TOML file with [data], [model], [loss], [optimizer], [run], [output]")
      .required();
  options->add_to(line);
  line.footer(
      "Config keys (docs/config.md):\n"
      "  [data]      files = [files or directories], format, bad_frames = \"refuse|skip\", validation_fraction,\n"
      "              weight_key, [data.extxyz_keys] energy/forces/stress/virial = [names]\n"
      "  [model]     init = \"model.nnp\" (warm start) | species, radial_cutoff, radial_order, angular_cutoff,\n"
      "              angular_order, hidden = [5, 5], activation, [model.atomic_energies] Ti = -1604.6\n"
      "  [loss]      energy_weight, force_weight, virial_weight, force_fraction, force_frames\n"
      "  [optimizer] method = \"adamw|adam|lbfgs\", learning_rate, weight_decay, schedule, decay_rate,\n"
      "              min_learning_rate, batch_size, epochs, patience, ema_decay, lbfgs_history\n"
      "  [run]       seed, device = \"cpu|cuda|auto\", threads, max_seconds, target_energy_rmse_meV,\n"
      "              target_force_rmse_meV, committee (number of models)\n"
      "  [output]    directory, model, export_aenet, learning_curve, plots\n");
  return [options] { return run_train(*options); };
}

const CommandRegistration reg("train", "Train an NNP on energies and forces (CPU or CUDA)", setup);

}  // namespace
}  // namespace slhmc::cli
