// Helpers for the i-PI tests: the Python clients in tests/ipi_clients/,
// unique socket names, ASE's unit constants and JSON results from Python.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/engines/ipi_server.hpp"
#include "test_support.hpp"

namespace slhmc::test {

// Debian's python (python3-ase lives there, not in a pyenv on PATH).
inline const std::string kSystemPython = "/usr/bin/python3";

inline std::string ipi_client_script(const std::string& name) {
  return std::string(SLHMC_SOURCE_DIR) + "/tests/ipi_clients/" + name;
}

inline bool have_python_module(const std::string& module) {
  return run_command(kSystemPython + " -c 'import " + module + "'") == 0;
}

// A socket name no other test (or concurrent ctest process) uses.
inline std::string unique_socket_name(const std::string& tag) {
  static std::atomic<int> counter{0};
  return "slhmc_test_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

// ASE 3.22's conversion constants (CODATA 2014): with these on both sides
// the socket round trip is exact.
inline ipi::AtomicUnits ase_units() { return {0.5291772105638411, 27.211386024367243}; }

struct PythonResult {
  double energy = 0;
  std::vector<Vec3> forces;
  Mat3 virial{};
};

// Runs a Python command that prints a JSON list of {energy, forces, virial};
// stderr goes to a file in `dir` and into the error on failure.
inline std::vector<PythonResult> run_python_json(const std::string& command, const TempDir& dir) {
  std::string out;
  const std::string err = dir.file("python-stderr.txt");
  const int rc = run_command("(" + command + " 2>" + err + ")", &out);
  if (rc != 0) throw std::runtime_error("python failed (" + std::to_string(rc) + "): " + out + read_text(err));
  const auto json = nlohmann::json::parse(out);
  std::vector<PythonResult> results;
  for (const auto& j : json) {
    PythonResult r;
    r.energy = j.at("energy").get<double>();
    for (const auto& f : j.at("forces")) r.forces.push_back(Vec3{f[0].get<double>(), f[1].get<double>(), f[2].get<double>()});
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) r.virial[a][b] = j.at("virial")[a][b].get<double>();
    results.push_back(r);
  }
  return results;
}

// Largest |a − b| over the forces relative to the largest |b| component.
inline double relative_force_difference(const std::vector<Vec3>& a, const std::vector<Vec3>& b) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    for (int k = 0; k < 3; ++k) {
      diff = std::max(diff, std::abs(a[i][k] - b[i][k]));
      scale = std::max(scale, std::abs(b[i][k]));
    }
  return a.size() == b.size() ? diff / scale : 1e300;
}

inline double relative_matrix_difference(const Mat3& a, const Mat3& b) {
  double diff = 0, scale = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      diff = std::max(diff, std::abs(a[i][j] - b[i][j]));
      scale = std::max(scale, std::abs(b[i][j]));
    }
  return diff / scale;
}

}  // namespace slhmc::test
