// Chemical elements: symbols, atomic numbers and standard atomic masses.
#pragma once

#include <string>
#include <string_view>

namespace slhmc {

inline constexpr int kMaxAtomicNumber = 94;

// Atomic number for a symbol ("Ti" → 22); throws Error for an unknown symbol.
int atomic_number(std::string_view symbol);
// Returns 0 for an unknown symbol instead of throwing.
int atomic_number_or_zero(std::string_view symbol);
// Symbol for an atomic number (22 → "Ti"); throws Error outside 1..kMaxAtomicNumber.
const std::string& element_symbol(int z);
// Standard atomic mass in amu (IUPAC conventional values).
double standard_mass(int z);

}  // namespace slhmc
