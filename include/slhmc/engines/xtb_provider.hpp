// Extended tight binding through libxtb, in process (Debian libxtb-dev 6.5.1).
// Registered as type "xtb". Config keys of its section:
//   method = "gfn2"            # gfn2 (default), gfn1, gfn0
//   charge = 0                 # total charge, e
//   unpaired_electrons = 0     # spin: number of unpaired electrons (uhf)
//   electronic_temperature_K = 300.0
//   accuracy = 1.0             # libxtb accuracy, 1e-4 … 1e3 (smaller is tighter)
//   max_iterations = 250       # SCF iterations
//   threads = 1                # OpenMP threads inside libxtb (1 is fastest for small systems)
//   parameter_file = "..."     # optional; gfn0 default: $XTBPATH or /usr/share/xtb
// Periodic limits of libxtb 6.5.1: GFN2 and GFN1 are for molecules and
// clusters only (GFN2 refuses a cell; GFN1's periodic energy jumps when an
// atom crosses a cell face and it has no virial); GFN0 runs periodic with a
// virial. Frames periodic in only some directions are refused. Every call holds one process-wide mutex: libxtb keeps global
// Fortran state and is not thread-safe.
// When slhmc is built without libxtb, type "xtb" still exists and its factory
// throws ConfigError saying how to build it in.
#pragma once

#include <memory>

#include "slhmc/forces/registry.hpp"

namespace slhmc {

std::unique_ptr<ForceProvider> make_xtb(const Config& section, const ProviderContext& context);

// "6.5.1"-style version of the linked libxtb ("" when built without it).
std::string xtb_library_version();

}  // namespace slhmc
