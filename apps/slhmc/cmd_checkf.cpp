// `slhmc checkf --model PATH STRUCTURE`: checks an NNP model's analytic forces
// and virial against central finite differences of its energy (like n2p2's
// nnp-checkf). Exit code 1 if an error exceeds --tolerance.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "command.hpp"
#include "nnp_model_option.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/finite_differences.hpp"
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
  const FiniteDifferenceReport fd = check_finite_differences(provider, frame, o.step, o.strain_step);
  const ComputeResult& ref = fd.analytic;
  std::printf("# energy %.12f eV, %zu atoms, step %.1e Å\n", ref.energy, frame.size(), o.step);
  std::printf("# %6s %4s %22s %22s %12s\n", "atom", "axis", "analytic/eV/Å", "numeric/eV/Å", "|diff|");
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (int a = 0; a < 3; ++a)
      std::printf("  %6zu %4c %22.12f %22.12f %12.3e\n", i + 1, "xyz"[a], ref.forces[i][a], fd.numeric_forces[i][a],
                  std::abs(fd.numeric_forces[i][a] - ref.forces[i][a]));
  std::printf("# virial W = -dE/d(strain) (eV)\n");
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      std::printf("  W%c%c %22.10f %22.10f %12.3e\n", "xyz"[a], "xyz"[b], ref.virial[a][b], fd.numeric_virial[a][b],
                  std::abs(fd.numeric_virial[a][b] - ref.virial[a][b]));
  const double worst_force = fd.max_force_error, worst_virial = fd.max_virial_error;
  std::printf("max |force error| %.3e eV/Å, max |virial error| %.3e eV (tolerance %.1e)\n", worst_force, worst_virial,
              o.tolerance);
  const bool ok = worst_force <= o.tolerance && worst_virial <= o.tolerance * std::max(1.0, std::abs(trace(ref.virial)));
  std::printf("%s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}

Runner setup(CommandLine& line) {
  auto o = std::make_shared<CheckfOptions>();
  o->model.add_to(line);
  line.option("structure", o->structure, "structure file (first frame is used)").required();
  line.option("--step", o->step, "finite-difference displacement (Å)").show_default();
  line.option("--strain-step", o->strain_step, "finite-difference strain").show_default();
  line.option("--tolerance", o->tolerance, "largest accepted force error (eV/Å); virial: × max(1, |tr W|)")
      .show_default();
  return [o] { return run(*o); };
}

const CommandRegistration reg("checkf", "Check an NNP model's forces and virial by finite differences", setup);

}  // namespace
}  // namespace slhmc::cli
