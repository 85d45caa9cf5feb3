// Training pictures (see train_plots.hpp).
#include "train_plots.hpp"

#include <cmath>
#include <filesystem>

#include "slhmc/analysis/svg_plot.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/nnp/aenet_model.hpp"

namespace slhmc::cli {

namespace {

std::vector<double> log10_of(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v) out.push_back(x > 0 ? std::log10(x) : std::nan(""));
  return out;
}

struct Parity {
  std::vector<double> ref_e, pred_e, ref_f, pred_f;
};

// Energies per atom and force components of `frames` with the trained networks.
Parity evaluate(const nnp::AenetModel& model, const train::TrainingSet& data, const std::vector<std::size_t>& frames,
                std::size_t max_force_components) {
  Parity p;
  NeighborList list({model.cutoff(), 0.0, false});
  for (std::size_t s : frames) {
    const LabelledFrame& lf = data.frames[s];
    list.build(lf.frame);
    const bool forces = lf.labels.forces && p.ref_f.size() < max_force_components;
    const ComputeResult r = model.compute(lf.frame, list, {forces, false, false});
    const auto n = static_cast<double>(lf.frame.size());
    p.ref_e.push_back(*lf.labels.energy / n);
    p.pred_e.push_back(r.energy / n);
    if (forces)
      for (std::size_t i = 0; i < lf.frame.size(); ++i)
        for (int c = 0; c < 3; ++c) {
          p.ref_f.push_back((*lf.labels.forces)[i][c]);
          p.pred_f.push_back(r.forces[i][c]);
        }
  }
  return p;
}

void add_diagonal(analysis::SvgPlot& plot, const std::vector<double>& a, const std::vector<double>& b) {
  double lo = 1e300, hi = -1e300;
  for (const auto* v : {&a, &b})
    for (double x : *v) lo = std::min(lo, x), hi = std::max(hi, x);
  if (lo < hi) plot.add_line({lo, hi}, {lo, hi}, "y = x", "#888888");
}

}  // namespace

std::vector<std::string> write_training_plots(const std::string& directory, const train::TrainResult& result,
                                              const train::TrainingSet& data) {
  std::vector<std::string> written;
  auto save = [&](const std::string& name, const analysis::SvgPlot& plot) {
    const std::string path = (std::filesystem::path(directory) / name).string();
    write_file_atomically(path, plot.render());
    written.push_back(path);
  };

  std::vector<double> epoch, te, ve, tf, vf;
  for (const auto& r : result.curve) {
    epoch.push_back(r.epoch);
    te.push_back(r.train.energy_rmse() * 1e3);
    ve.push_back(r.validation.energy_rmse() * 1e3);
    tf.push_back(r.train.force_rmse() * 1e3);
    vf.push_back(r.validation.force_rmse() * 1e3);
  }
  analysis::SvgPlot curve("Learning curve", "epoch", "log10 RMSE (meV/atom, meV/A)");
  curve.add_line(epoch, log10_of(te), "energy, train");
  if (!result.split.validation.empty()) curve.add_line(epoch, log10_of(ve), "energy, validation");
  if (result.curve.size() && result.curve.back().train.force_components) curve.add_line(epoch, log10_of(tf), "forces, train");
  if (result.curve.size() && result.curve.back().validation.force_components)
    curve.add_line(epoch, log10_of(vf), "forces, validation");
  save("learning_curve.svg", curve);

  const nnp::AenetModel model(result.model.networks(), {});
  constexpr std::size_t kMaxForceComponents = 20000;  // enough points for a picture
  const Parity train_p = evaluate(model, data, result.split.train, kMaxForceComponents);
  const Parity val_p = evaluate(model, data, result.split.validation, kMaxForceComponents);
  analysis::SvgPlot energy("Energy parity", "reference energy (eV/atom)", "predicted energy (eV/atom)");
  add_diagonal(energy, train_p.ref_e, val_p.ref_e);
  energy.add_points(train_p.ref_e, train_p.pred_e, "train");
  if (!val_p.ref_e.empty()) energy.add_points(val_p.ref_e, val_p.pred_e, "validation");
  save("parity_energy.svg", energy);
  if (!train_p.ref_f.empty() || !val_p.ref_f.empty()) {
    analysis::SvgPlot forces("Force parity", "reference force component (eV/A)", "predicted (eV/A)");
    add_diagonal(forces, train_p.ref_f, val_p.ref_f);
    if (!train_p.ref_f.empty()) forces.add_points(train_p.ref_f, train_p.pred_f, "train");
    if (!val_p.ref_f.empty()) forces.add_points(val_p.ref_f, val_p.pred_f, "validation");
    save("parity_forces.svg", forces);
  }
  return written;
}

}  // namespace slhmc::cli
