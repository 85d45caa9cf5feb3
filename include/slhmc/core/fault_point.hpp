// Crash points for the fault-injection tests: with the environment variable
// SLHMC_FAULT=<name>, the process ends at once when it reaches
// fault_point("<name>"): no destructors, no flushing, as after kill -9 at
// exactly that line. Without the variable it costs one cached lookup.
#pragma once

#include <cstdlib>
#include <cstring>

namespace slhmc {

inline void fault_point(const char* name) {
  static const char* const fault = std::getenv("SLHMC_FAULT");
  if (fault && std::strcmp(fault, name) == 0) std::_Exit(86);
}

}  // namespace slhmc
