// The [system] table shared by the commands that start from a structure
// (`md`, `run`): either a structure file or a perfect crystal, optionally
// rattled. Also the helper that resolves file names relative to a config.
#pragma once

#include <cstdint>
#include <string>

#include "slhmc/core/frame.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc::cli {

// `file` relative to `dir` (unchanged if absolute, or if dir is empty or ".").
std::string join_path(const std::string& dir, const std::string& file);

// [system]: `file` (+ optional `format`) relative to base_dir, or `lattice`, `element`, `a`,
// `repeat`; optional `rattle_A` (Å) displaces atoms with a stream derived from `seed`.
Frame load_system(const Config& system, const std::string& base_dir, std::uint64_t seed);

}  // namespace slhmc::cli
