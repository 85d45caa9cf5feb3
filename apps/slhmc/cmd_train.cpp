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

  ProgressLine progress(job.options.epochs);
  const int print_every = std::max(1, job.options.epochs / 20);
  job.options.on_epoch = [&](const train::EpochRecord& r) {
    const std::string detail = "loss " + std::to_string(r.train_loss) + " | train " + rmse_text(r.train) +
                               " | validation " + rmse_text(r.validation);
    if (progress.enabled()) {
      progress.update(r.epoch, detail);
    } else if (r.epoch % print_every == 0 || r.epoch == 1) {
      std::printf("epoch %5d  %.1f s  %s\n", r.epoch, r.seconds, detail.c_str());
      std::fflush(stdout);
    }
  };
  train::TrainResult result = warm ? train::train(std::move(*warm), data, job.options)
                                   : train::train(job.spec, data, job.options);
  progress.finish();

  const auto& o = job.output;
  std::filesystem::create_directories(o.directory);
  const std::string model_path = (std::filesystem::path(o.directory) / o.model).string();
  const auto metadata = train::training_metadata(result, job.options, parent);
  train::write_trained_model(model_path, result.model, metadata);
  std::vector<std::string> written{model_path};
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
    const auto& best = result.curve[static_cast<std::size_t>(result.best_epoch - 1)];
    std::printf("best epoch %d: train %s; validation %s\n", result.best_epoch, rmse_text(best.train).c_str(),
                rmse_text(best.validation).c_str());
  }
  std::printf("model version %lld -> %s\n", metadata.model_version, model_path.c_str());
  for (std::size_t i = 1; i < written.size(); ++i) std::printf("  %s\n", written[i].c_str());
  return 0;
}

Runner setup(CLI::App& app) {
  auto options = std::make_shared<ConfigOptions>();
  app.add_option("config", options->path, "TOML file with [data], [model], [loss], [optimizer], [run], [output]")
      ->required();
  options->add_to(app);
  app.footer(
      "Config keys (docs/config.md):\n"
      "  [data]      files = [files or directories], format, bad_frames = \"refuse|skip\", validation_fraction,\n"
      "              weight_key, [data.extxyz_keys] energy/forces/stress/virial = [names]\n"
      "  [model]     init = \"model.nnp\" (warm start) | species, radial_cutoff, radial_order, angular_cutoff,\n"
      "              angular_order, hidden = [5, 5], activation, [model.atomic_energies] Ti = -1604.6\n"
      "  [loss]      energy_weight, force_weight, virial_weight, force_fraction, force_frames\n"
      "  [optimizer] method = \"adamw|adam|lbfgs\", learning_rate, weight_decay, schedule, decay_rate,\n"
      "              min_learning_rate, batch_size, epochs, patience, ema_decay, lbfgs_history\n"
      "  [run]       seed, device = \"cpu|cuda|auto\", threads, max_seconds, target_energy_rmse_meV,\n"
      "              target_force_rmse_meV\n"
      "  [output]    directory, model, export_aenet, learning_curve, plots\n");
  return [options] { return run_train(*options); };
}

const CommandRegistration reg("train", "Train an NNP on energies and forces (CPU or CUDA)", setup);

}  // namespace
}  // namespace slhmc::cli
