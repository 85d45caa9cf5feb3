// Thermodynamic output of an MD run as CSV: one row per logged step with
// step, time_fs, temperature_K, potential_eV, kinetic_eV, total_eV,
// conserved_eV (total + energy taken out by the thermostat), pressure_GPa and
// volume_A3 (both empty for a cell that is not periodic in all directions).
#pragma once

#include <iosfwd>
#include <string>

#include "slhmc/dynamics/state.hpp"

namespace slhmc {

struct ThermoRow {
  long step = 0;
  double time_fs = 0, temperature_K = 0, potential_eV = 0, kinetic_eV = 0, total_eV = 0, conserved_eV = 0;
  bool periodic = false;  // pressure and volume are meaningful
  double pressure_GPa = 0, volume_A3 = 0;
};

ThermoRow thermo_row(const State& state);

// Writes the header on construction and one row per write(); flushes each row
// so a crashed run keeps its log. The stream must outlive the writer.
class ThermoCsvWriter {
 public:
  explicit ThermoCsvWriter(std::ostream& out);
  void write(const State& state);
  static const char* header();

 private:
  std::ostream& out_;
};

}  // namespace slhmc
