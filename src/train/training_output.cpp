// Files of a training run (see training_output.hpp).
#include "slhmc/train/training_output.hpp"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/nnp/aenet_writer.hpp"

namespace slhmc::train {

namespace {
std::string number(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}
}  // namespace

nnp::NativeModelMetadata training_metadata(const TrainResult& r, const TrainOptions& o,
                                           std::optional<long long> parent_version) {
  nnp::NativeModelMetadata m;
  m.model_version = parent_version ? *parent_version + 1 : 1;
  m.parent_version = parent_version;
  m.training_data_digest = r.data_digest;
  std::ostringstream d;
  d << "trained by slhmc on " << (r.split.train.size() + r.split.validation.size()) << " frames ("
    << r.split.validation.size() << " for validation), " << r.curve.size() << " epochs on " << r.device;
  if (r.best_epoch > 0 && r.best_epoch <= static_cast<int>(r.curve.size())) {
    const ErrorSums e = r.best_errors();
    d << "; best epoch " << r.best_epoch << ": " << (r.split.validation.empty() ? "train" : "validation")
      << " RMSE " << number(e.energy_rmse() * 1e3) << " meV/atom, " << number(e.force_rmse() * 1e3) << " meV/A";
  }
  m.description = d.str();
  m.extra["trainer.epochs"] = std::to_string(r.curve.size());
  m.extra["trainer.best_epoch"] = std::to_string(r.best_epoch);
  m.extra["trainer.seed"] = std::to_string(o.seed);
  m.extra["trainer.device"] = r.device;
  m.extra["trainer.batch_size"] = std::to_string(o.batch_size);
  m.extra["trainer.learning_rate"] = number(o.optimizer.learning_rate);
  m.extra["trainer.energy_weight"] = number(o.loss.energy);
  m.extra["trainer.force_weight"] = number(o.loss.forces);
  m.extra["trainer.virial_weight"] = number(o.loss.virial);
  m.extra["trainer.stop"] = r.stop_reason;
  for (auto& [k, v] : m.extra)
    for (char& c : v)
      if (c == '\n') c = ' ';
  return m;
}

void write_trained_model(const std::string& path, const TrainableModel& model,
                         const nnp::NativeModelMetadata& metadata) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  nnp::write_native_model(path, model.networks(), metadata);
}

std::vector<std::string> export_aenet_networks(const std::string& directory, const TrainableModel& model) {
  std::filesystem::create_directories(directory);
  std::vector<std::string> paths;
  for (const auto& f : model.networks()) {
    const std::string path = (std::filesystem::path(directory) / (f.atomtype + ".nn.ascii")).string();
    write_file_atomically(path, nnp::format_aenet_nn_ascii(f));
    paths.push_back(path);
  }
  return paths;
}

std::string format_learning_curve_csv(const std::vector<EpochRecord>& curve) {
  std::string out =
      "epoch,learning_rate,train_loss,train_energy_rmse_meV_atom,train_force_rmse_meV_A,validation_loss,"
      "validation_energy_rmse_meV_atom,validation_force_rmse_meV_A,seconds\n";
  for (const auto& r : curve) {
    out += std::to_string(r.epoch) + "," + number(r.learning_rate) + "," + number(r.train_loss) + "," +
           number(r.train.energy_rmse() * 1e3) + "," + number(r.train.force_rmse() * 1e3) + "," +
           number(r.validation_loss) + "," + number(r.validation.energy_rmse() * 1e3) + "," +
           number(r.validation.force_rmse() * 1e3) + "," + number(r.seconds) + "\n";
  }
  return out;
}

TrainableModel load_trainable_model(const std::string& path, std::optional<long long>* model_version) {
  if (nnp::looks_like_native_model(path)) {
    nnp::NativeModel native = nnp::read_native_model(path);
    if (native.metadata.chebyshev_version != 0)
      throw Error(path + ": the model uses the old (version 1) Chebyshev convention; slhmc trains version 0 only");
    if (model_version) *model_version = native.metadata.model_version;
    return TrainableModel::from_networks(std::move(native.species));
  }
  throw Error("'" + path + "' is not a native slhmc model (convert aenet networks with `slhmc convert-model`)");
}

}  // namespace slhmc::train
