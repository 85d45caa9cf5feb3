#include "test_support.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "slhmc/analysis/trials_table.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/finite_differences.hpp"

namespace slhmc::test {

std::string shared_dir() {
  if (const char* env = std::getenv("SLHMC_SHARED_DIR")) return env;
  const std::string dir = SLHMC_SHARED_DIR;
  return std::filesystem::exists(dir) ? dir : "";
}

std::string slhmc_exe() {
  const char* exe = std::getenv("SLHMC_EXE");
  return exe && std::filesystem::exists(exe) ? exe : "";
}

bool have_program(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto p = std::filesystem::temp_directory_path() / ("slhmc-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw Error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!std::getenv("SLHMC_KEEP_TEMP")) std::filesystem::remove_all(path_, ec);
}

int run_command(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buf;
  std::string out;
  std::size_t got;
  while ((got = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), got);
  const int status = pclose(pipe);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trials_without_timings(const std::string& run_dir) {
  return analysis::TrialsTable::read(run_dir + "/trials.csv").csv_without(analysis::trials_timing_columns());
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw Error("cannot write " + path);
}

double max_force_error(ForceProvider& provider, const Frame& frame, double h) {
  return check_finite_differences(provider, frame, h, 0.0).max_force_error;
}

double max_virial_error(ForceProvider& provider, const Frame& frame, double h) {
  return check_finite_differences(provider, frame, 0.0, h).max_virial_error;
}

Frame random_frame(const Cell& cell, std::size_t n, const std::vector<int>& species, double min_dist,
                   unsigned seed) {
  Rng rng(seed);
  Frame frame;
  frame.cell = cell;
  std::size_t attempts = 0;
  while (frame.size() < n) {
    if (++attempts > 100000 * (n + 1)) throw Error("random_frame: cannot place atoms");
    const Vec3 s{rng.uniform(), rng.uniform(), rng.uniform()};
    const Vec3 r = cell.to_cartesian(s);
    bool ok = true;
    for (const auto& q : frame.positions)
      if (norm(cell.minimum_image(r - q)) < min_dist) {
        ok = false;
        break;
      }
    if (ok) frame.add_atom(species[frame.size() % species.size()], r);
  }
  return frame;
}

}  // namespace slhmc::test
