// `slhmc checkf --model PATH STRUCTURE`: checks an NNP model's analytic forces
// and virial against central finite differences of its energy (like n2p2's
// nnp-checkf). Exit code 1 if an error exceeds --tolerance.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "command.hpp"
#include "nnp_model_option.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/nnp/nnp_provider.hpp"

namespace slhmc::cli {
namespace {

struct CheckfOptions {
  NnpModelOptions model;
  std::string structure;
  double step = 1e-5;         // Å
  double strain_step = 1e-6;  // dimensionless
  double tolerance = 1e-5;    // eV/Å and eV
};

int run(const CheckfOptions& o) {
  std::shared_ptr<const nnp::Model> model = nnp::load_model(o.model.spec());
  std::cerr << "model: " << model->description() << "\n";
  const Frame frame = read_structure(o.structure).frame;
  nnp::NnpProvider provider(model, 0.0);
  ComputeRequest request;
  request.virial = true;
  const ComputeResult ref = provider.compute(frame, request);
  std::printf("# energy %.12f eV, %zu atoms, step %.1e Å\n", ref.energy, frame.size(), o.step);
  std::printf("# %6s %4s %22s %22s %12s\n", "atom", "axis", "analytic/eV/Å", "numeric/eV/Å", "|diff|");
  double worst_force = 0.0;
  Frame f = frame;
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (int a = 0; a < 3; ++a) {
      f.positions[i][a] = frame.positions[i][a] + o.step;
      const double ep = provider.compute(f, ComputeRequest::energy_only()).energy;
      f.positions[i][a] = frame.positions[i][a] - o.step;
      const double em = provider.compute(f, ComputeRequest::energy_only()).energy;
      f.positions[i][a] = frame.positions[i][a];
      const double numeric = -(ep - em) / (2 * o.step);
      const double diff = std::abs(numeric - ref.forces[i][a]);
      worst_force = std::max(worst_force, diff);
      std::printf("  %6zu %4c %22.12f %22.12f %12.3e\n", i + 1, "xyz"[a], ref.forces[i][a], numeric, diff);
    }
  double worst_virial = 0.0;
  std::printf("# virial W = -dE/d(strain) (eV)\n");
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      auto energy_at = [&](double eps) {
        Mat3 strain{};
        strain[a][b] = eps;
        Frame g = frame;
        const Mat3 m = identity_mat3() + strain;
        for (auto& r : g.positions) r = m * r;
        if (frame.cell.is_invertible()) g.cell = frame.cell.deformed(strain);
        return provider.compute(g, ComputeRequest::energy_only()).energy;
      };
      const double numeric = -(energy_at(o.strain_step) - energy_at(-o.strain_step)) / (2 * o.strain_step);
      const double diff = std::abs(numeric - ref.virial[a][b]);
      worst_virial = std::max(worst_virial, diff);
      std::printf("  W%c%c %22.10f %22.10f %12.3e\n", "xyz"[a], "xyz"[b], ref.virial[a][b], numeric, diff);
    }
  std::printf("max |force error| %.3e eV/Å, max |virial error| %.3e eV (tolerance %.1e)\n", worst_force, worst_virial,
              o.tolerance);
  const bool ok = worst_force <= o.tolerance && worst_virial <= o.tolerance * std::max(1.0, std::abs(trace(ref.virial)));
  std::printf("%s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}

Runner setup(CLI::App& app) {
  auto o = std::make_shared<CheckfOptions>();
  o->model.add_to(app);
  app.add_option("structure", o->structure, "structure file (first frame is used)")->required();
  app.add_option("--step", o->step, "finite-difference displacement (Å)")->capture_default_str();
  app.add_option("--strain-step", o->strain_step, "finite-difference strain")->capture_default_str();
  app.add_option("--tolerance", o->tolerance, "largest accepted force error (eV/Å); virial: × max(1, |tr W|)")
      ->capture_default_str();
  return [o] { return run(*o); };
}

const CommandRegistration reg("checkf", "Check an NNP model's forces and virial by finite differences", setup);

}  // namespace
}  // namespace slhmc::cli
