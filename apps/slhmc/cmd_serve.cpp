// `slhmc serve (--model PATH | --potential-config F.toml) --structure FILE --ipi NAME|HOST:PORT`:
// slhmc's potential as an i-PI client, for i-PI or ASE's SocketIOCalculator.
// The structure file gives the atoms (species, order, periodicity); the
// server sends positions and cells. Runs until EXIT or the server closes.
#include <filesystem>
#include <iostream>

#include "command.hpp"
#include "nnp_model_option.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/engines/ipi_client.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/nnp/nnp_provider.hpp"

namespace slhmc::cli {
namespace {

struct ServeOptions {
  NnpModelOptions model;
  std::string potential_config;
  std::string structure;
  std::string address;
  double connect_timeout_s = 30;
  double bohr_angstrom = 0;
  double hartree_ev = 0;
};

std::unique_ptr<ForceProvider> make_potential(const ServeOptions& o) {
  if (o.model.path.empty() == o.potential_config.empty())
    throw Error("serve: give exactly one of --model PATH and --potential-config FILE.toml");
  if (!o.model.path.empty()) return std::make_unique<nnp::NnpProvider>(nnp::load_model(o.model.spec()), 1.0);
  const Config root = Config::from_file(o.potential_config);
  const Config section = root.section("potential");
  ProviderContext context;
  const auto parent = std::filesystem::path(o.potential_config).parent_path();
  context.base_dir = parent.empty() ? "." : parent.string();
  return make_provider(section, context);
}

int run(const ServeOptions& o) {
  ipi::ClientOptions client;
  client.address = ipi::SocketAddress::parse(o.address);
  client.connect_timeout_s = o.connect_timeout_s;
  if (o.bohr_angstrom > 0) client.units.bohr_angstrom = o.bohr_angstrom;
  if (o.hartree_ev > 0) client.units.hartree_ev = o.hartree_ev;
  const Frame shape = read_structure(o.structure).frame;
  shape.validate();
  const auto provider = make_potential(o);
  std::cerr << "serve: " << provider->description() << " for " << shape.size() << " atoms on "
            << client.address.describe() << "\n";
  const ipi::ClientSummary s = ipi::serve_ipi(*provider, shape, client);
  std::cerr << "serve: " << s.evaluations << " evaluations; "
            << (s.got_exit ? "the server sent EXIT" : "the server closed the connection") << "\n";
  return 0;
}

Runner setup(CommandLine& line) {
  auto o = std::make_shared<ServeOptions>();
  o->model.add_to(line, false);
  line.option("--potential-config", o->potential_config,
                 "serve the [potential] of this TOML file instead of an NNP model");
  line.option("--structure", o->structure, "the atoms served (species, order, periodicity)").required();
  line.option("--ipi", o->address, "server address: NAME (UNIX socket /tmp/ipi_NAME) or HOST:PORT").required();
  line.option("--connect-timeout", o->connect_timeout_s, "keep trying to connect this many seconds")
      .show_default();
  line.option("--bohr-angstrom", o->bohr_angstrom,
                 "Bohr radius in Å used on the wire (default CODATA 2018; ASE 3.22: 0.5291772105638411)");
  line.option("--hartree-ev", o->hartree_ev,
                 "Hartree in eV used on the wire (default CODATA 2018; ASE 3.22: 27.211386024367243)");
  return [o] { return run(*o); };
}

const CommandRegistration reg("serve", "Serve a potential to i-PI or ASE as an i-PI socket client", setup);

}  // namespace
}  // namespace slhmc::cli
