// Helpers shared by the test suites: locating the shared reference data,
// temporary directories, running external programs, and finite differences.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "slhmc/core/frame.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc::test {

// ../shared beside the checkout, or "" if absent (tests then GTEST_SKIP with a message).
std::string shared_dir();
// Skips the current test unless the shared folder holds `relative`; returns its full path.
#define SLHMC_REQUIRE_SHARED(var, relative)                                                      \
  std::string var = ::slhmc::test::shared_dir().empty() ? "" : ::slhmc::test::shared_dir() + "/" + (relative); \
  if (var.empty() || !std::filesystem::exists(var))                                              \
  GTEST_SKIP() << "shared reference data not found: ../shared/" << (relative)

// The built `slhmc` binary (ctest sets SLHMC_EXE), or "" if it is not there.
std::string slhmc_exe();
// Declares `var` = slhmc_exe(), or skips the test with a message if the binary is missing.
#define SLHMC_REQUIRE_EXE(var)                                                                         \
  const std::string var = ::slhmc::test::slhmc_exe();                                                  \
  if (var.empty())                                                                                     \
  GTEST_SKIP() << "the slhmc binary was not built (SLHMC_EXE unset or missing); build target slhmc_cli " \
                  "and run through ctest"

// Skips unless `program` is on PATH.
bool have_program(const std::string& program);

// A fresh temporary directory, removed when the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Runs a shell command, returns its exit code; stdout+stderr go to `output` if given.
int run_command(const std::string& command, std::string* output = nullptr);
std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

// Largest |analytic − numerical| over all force components, central differences with step h (Å).
double max_force_error(ForceProvider& provider, const Frame& frame, double h = 1e-5);
// Largest |analytic − numerical| over the virial components W_ab = −∂E/∂ε_ab (eV), step h.
double max_virial_error(ForceProvider& provider, const Frame& frame, double h = 1e-6);

// A run directory's trials.csv without the wall-time columns (which differ between runs).
std::string trials_without_timings(const std::string& run_dir);

// Random frame: n atoms of the given species uniformly in the cell, no two closer than min_dist.
Frame random_frame(const Cell& cell, std::size_t n, const std::vector<int>& species, double min_dist,
                   unsigned seed);

}  // namespace slhmc::test
