// The [system] table shared by the commands that start from a structure
// (`md`, `run`): either a structure file or a perfect crystal, optionally
// rattled.
#pragma once

#include <cstdint>
#include <string>

#include "slhmc/core/frame.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc::cli {

// [system]: `file` (+ optional `format`) relative to base_dir, or `lattice`, `element`, `a`,
// `repeat`; optional `rattle_A` (Å) displaces atoms with a stream derived from `seed`.
Frame load_system(const Config& system, const std::string& base_dir, std::uint64_t seed);

}  // namespace slhmc::cli
