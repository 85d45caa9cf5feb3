// External command as a reference engine: each call writes the frame as
// extended XYZ into a working directory, runs a program there, and reads the
// energy, forces and stress (or virial) back from the extended XYZ file the
// program writes. Registered as type "command". Config keys of its section:
//   command = ["/usr/bin/python3", "{config_dir}/emt.py", "{input}", "{output}"]
//       argv form, no shell (write ["sh", "-c", "..."] for one); in every word
//       {input}, {output} (file names in the working directory), {directory}
//       and {config_dir} (absolute paths) are replaced
//   directory = "calc"        # working directory (created; default: a fresh
//                             # temporary one, removed with the provider)
//   input = "input.xyz"       # file slhmc writes (positions, species, cell)
//   output = "output.xyz"     # file the program writes (removed before each run)
//   timeout_s = 3600          # the program's process group is killed after this
//   energy_keys / forces_keys / stress_keys / virial_keys / atomic_energies_keys
//       label names to look for, first present wins (default: the REF_* keys,
//       then ASE's calculator keys; see ExtxyzKeys)
// A non-zero exit status, a signal, a timeout, an unreadable output, a wrong
// atom count or species, or a missing or non-finite value is an EngineError
// naming the command, its exit status and the tail of its stderr.
#pragma once

#include <memory>

#include "slhmc/forces/registry.hpp"

namespace slhmc {

std::unique_ptr<ForceProvider> make_command_provider(const Config& section, const ProviderContext& context);

}  // namespace slhmc
