// Builds perfect crystals (so that examples and the embedded default need no
// structure file) and rattles them.
#pragma once

#include <array>
#include <string>

#include "slhmc/core/frame.hpp"
#include "slhmc/core/rng.hpp"

namespace slhmc {

// The names build_crystal accepts: "sc", "bcc", "fcc", "diamond".
const std::array<const char*, 4>& crystal_lattice_names();

// A cubic crystal of `element` (symbol, e.g. "Si") with lattice constant a (Å)
// repeated repeat[d] times along each axis: a periodic orthorhombic cell of
// edges repeat[d]·a and basis-size × Π repeat atoms with standard masses.
// Throws Error for an unknown lattice or element, a ≤ 0 or a repeat < 1.
Frame build_crystal(const std::string& lattice, const std::string& element, double a,
                    std::array<int, 3> repeat);

// Displaces every atom by an independent uniform vector in the cube
// [−amplitude, amplitude]³ (Å).
void rattle(Frame& frame, double amplitude, Rng& rng);

}  // namespace slhmc
