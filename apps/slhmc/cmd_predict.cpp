// `slhmc predict --model PATH STRUCTURES... [-o OUT.xyz]`: energies, forces and
// stress of structures with an NNP model (aenet, n2p2 or native). Prints one
// line per frame (eV, eV/atom, GPa); -o writes extended XYZ with the results.
// With an aenet predict.in and no structures, its FILES list is used.
#include <cstdio>
#include <iostream>

#include "command.hpp"
#include "nnp_model_option.hpp"
#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/nnp/aenet_predict_in.hpp"
#include "slhmc/nnp/nnp_provider.hpp"

namespace slhmc::cli {
namespace {

struct PredictOptions {
  NnpModelOptions model;
  std::vector<std::string> structures;
  std::string output;
  bool print_forces = false;
};

int run(const PredictOptions& o) {
  const nnp::ModelSpec spec = o.model.spec();
  std::shared_ptr<const nnp::Model> model = nnp::load_model(spec);
  std::cerr << "model: " << model->description() << "\n";
  for (const auto& [key, value] : model->metadata())
    if (key.rfind("warning.", 0) == 0) std::cerr << "warning: " << value << "\n";
  std::vector<std::string> files = o.structures;
  if (files.empty() && nnp::looks_like_aenet_predict_in(o.model.path)) files = nnp::read_aenet_predict_in(o.model.path).files;
  if (files.empty()) throw Error("no structure files given");
  nnp::NnpProvider provider(model, 0.0);
  std::vector<LabelledFrame> out;
  std::printf("# %-38s %6s %8s %22s %20s %s\n", "file", "frame", "atoms", "energy/eV", "energy/atom/eV",
              "stress/GPa (xx yy zz yz xz xy)");
  for (const auto& file : files) {
    StructureReader reader(file);
    int index = 0;
    while (auto lf = reader.next()) {
      const Frame& frame = lf->frame;
      ComputeRequest request;
      request.forces = true;
      request.virial = frame.cell.fully_periodic();
      request.atomic_energies = true;
      const ComputeResult r = provider.compute(frame, request);
      std::printf("  %-38s %6d %8zu %22.10f %20.12f", file.c_str(), index, frame.size(), r.energy,
                  r.energy / static_cast<double>(frame.size()));
      if (r.has_virial) {
        const Mat3 s = stress_gpa(r.virial, frame.cell.volume());
        std::printf("  %.6f %.6f %.6f %.6f %.6f %.6f", s[0][0], s[1][1], s[2][2], s[1][2], s[0][2], s[0][1]);
      }
      std::printf("\n");
      if (o.print_forces)
        for (std::size_t i = 0; i < frame.size(); ++i)
          std::printf("    %5zu %-2s %20.12f %20.12f %20.12f\n", i + 1, element_symbol(frame.numbers[i]).c_str(),
                      r.forces[i][0], r.forces[i][1], r.forces[i][2]);
      if (!o.output.empty()) {
        LabelledFrame result;
        result.frame = frame;
        result.labels.energy = r.energy;
        result.labels.forces = r.forces;
        result.labels.atomic_energies = r.atomic_energies;
        if (r.has_virial) result.labels.virial = r.virial;
        result.info["source"] = file;
        out.push_back(std::move(result));
      }
      ++index;
    }
  }
  if (!o.output.empty()) write_structures(o.output, out, StructureFormat::extxyz);
  return 0;
}

Runner setup(CommandLine& line) {
  auto o = std::make_shared<PredictOptions>();
  o->model.add_to(line);
  line.option("structures", o->structures, "structure files (extxyz, XSF, POSCAR, n2p2 input.data, ...)");
  line.option("-o,--output", o->output, "write the frames with energies, forces and virials as extended XYZ");
  line.flag("--forces", o->print_forces, "also print the forces (eV/Å)");
  return [o] { return run(*o); };
}

const CommandRegistration reg("predict", "Energies, forces and stress of structures with an NNP model", setup);

}  // namespace
}  // namespace slhmc::cli
