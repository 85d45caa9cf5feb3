// CSV thermo rows with full double precision (17 significant digits), so that
// logs can be compared and post-processed without loss.
#include "slhmc/dynamics/thermo_log.hpp"

#include <cstdio>
#include <ostream>

namespace slhmc {

ThermoRow thermo_row(const State& state) {
  ThermoRow row;
  row.step = state.step;
  row.time_fs = state.time_fs;
  row.temperature_K = temperature(state);
  row.potential_eV = state.potential_energy;
  row.kinetic_eV = kinetic_energy(state);
  row.total_eV = row.potential_eV + row.kinetic_eV;
  row.conserved_eV = row.total_eV + state.thermostat_energy;
  row.periodic = has_pressure(state);
  if (row.periodic) {
    row.pressure_GPa = pressure_gpa(state);
    row.volume_A3 = state.frame.cell.volume();
  }
  return row;
}

ThermoCsvWriter::ThermoCsvWriter(std::ostream& out) : out_(out) { out_ << header() << '\n' << std::flush; }

const char* ThermoCsvWriter::header() {
  return "step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,conserved_eV,pressure_GPa,volume_A3";
}

void ThermoCsvWriter::write(const State& state) {
  const ThermoRow r = thermo_row(state);
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, "%ld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g", r.step, r.time_fs,
                        r.temperature_K, r.potential_eV, r.kinetic_eV, r.total_eV, r.conserved_eV);
  out_.write(buf, n);
  if (r.periodic) {
    n = std::snprintf(buf, sizeof buf, ",%.17g,%.17g", r.pressure_GPa, r.volume_A3);
    out_.write(buf, n);
  } else {
    out_ << ",,";
  }
  out_ << '\n' << std::flush;
}

}  // namespace slhmc
