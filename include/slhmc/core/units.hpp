// Units and physical constants, in one place.
//
// slhmc's internal and user-facing units: energy eV, length Å, time fs,
// mass amu, temperature K, charge e, pressure/stress GPa. Conversions happen
// only at the boundaries (file readers/writers, the i-PI socket in atomic
// units, libxtb, n2p2 models in their own units), always through these names.
// Values: CODATA 2018.
#pragma once

namespace slhmc::units {

// Boltzmann constant in eV/K.
inline constexpr double kBoltzmann = 8.617333262e-5;
// Reduced Planck constant ħ in eV·fs (= 6.582119569e-16 eV·s).
inline constexpr double kHbar = 0.6582119569;
// 1 amu·Å²/fs² expressed in eV (kinetic energy of m [amu] at v [Å/fs] is
// 0.5·m·v²·kMvvToEv eV; a force of F eV/Å acting for h fs changes a momentum
// by h·F/kMvvToEv amu·Å/fs). = 1.66053906660e-27 kg · 1e10 m²/s² / 1.602176634e-19 J/eV.
inline constexpr double kMvvToEv = 1.66053906660e-17 / 1.602176634e-19;  // ≈ 103.6426965
// eV/Å³ in GPa: e (C, exact in SI 2019) · 1e30 Å³/m³ / 1e9 Pa/GPa.
inline constexpr double kEvPerA3ToGPa = 160.2176634;
// Atomic units.
inline constexpr double kHartreeToEv = 27.211386245988;
inline constexpr double kBohrToAngstrom = 0.529177210903;
inline constexpr double kAngstromToBohr = 1.0 / kBohrToAngstrom;

}  // namespace slhmc::units
