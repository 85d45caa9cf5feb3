// The libxtb provider: one persistent libxtb molecule + calculator per
// provider, updated in place each call (set-up costs more than a small SCF),
// with every libxtb call under one process-wide mutex.
#include "slhmc/engines/xtb_provider.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"

#if SLHMC_HAVE_XTB
#include <xtb.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#endif

namespace slhmc {

#if SLHMC_HAVE_XTB

namespace {

enum class Method { gfn0, gfn1, gfn2 };

const char* method_label(Method m) {
  switch (m) {
    case Method::gfn0: return "GFN0-xTB";
    case Method::gfn1: return "GFN1-xTB";
    case Method::gfn2: return "GFN2-xTB";
  }
  return "?";
}

// libxtb keeps global Fortran state (parameters, I/O units): one call at a time
// in the whole process, whichever provider makes it.
std::mutex& libxtb_mutex() {
  static std::mutex m;
  return m;
}

struct Settings {
  Method method = Method::gfn2;
  double charge = 0;
  int unpaired = 0;
  double electronic_temperature = 300;
  double accuracy = 1;
  int max_iterations = 250;
  int threads = 1;
  std::string parameter_file;  // empty: libxtb's built-in parameters
};

// The libxtb handles for one system (species, count and periodicity fixed).
class Session {
 public:
  Session(const Settings& s, const Frame& frame) : numbers_(frame.numbers), pbc_(frame.cell.any_periodic()) {
    try {
      set_up(s, frame);
    } catch (...) {
      release();  // no destructor runs for a constructor that throws
      throw;
    }
  }
  ~Session() { release(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  bool fits(const Frame& frame) const { return frame.numbers == numbers_ && frame.cell.any_periodic() == pbc_; }

 private:
  void set_up(const Settings& s, const Frame& frame) {
    // Loading GFN0 parameters changes later GFN2 energies in the same process
    // (by 4e-7 E_h for water; GFN0 and GFN1 are unaffected): refuse the mix.
    static bool gfn0_loaded = false;  // guarded by libxtb_mutex(), like libxtb itself
    if (s.method == Method::gfn2 && gfn0_loaded)
      throw EngineError("xtb: this process has loaded GFN0-xTB parameters, which changes libxtb 6.5.1's later "
                        "GFN2-xTB results (global state in libxtb); use GFN0 and GFN2 in separate processes");
    if (s.method == Method::gfn0) gfn0_loaded = true;
    env_ = xtb_newEnvironment();
    if (!env_) throw EngineError("libxtb: cannot create an environment");
    xtb_setVerbosity(env_, XTB_VERBOSITY_MUTED);
    const int n = static_cast<int>(frame.size());
    const std::vector<double> pos = bohr_positions(frame);
    const std::vector<double> lat = bohr_lattice(frame);
    const bool periodic[3] = {pbc_, pbc_, pbc_};
    mol_ = xtb_newMolecule(env_, &n, numbers_.data(), pos.data(), &s.charge, &s.unpaired, pbc_ ? lat.data() : nullptr,
                           pbc_ ? periodic : nullptr);
    check("setting up the molecule");
    calc_ = xtb_newCalculator();
    std::string file = s.parameter_file;
    char* file_arg = file.empty() ? nullptr : file.data();
    switch (s.method) {
      case Method::gfn0: xtb_loadGFN0xTB(env_, mol_, calc_, file_arg); break;
      case Method::gfn1: xtb_loadGFN1xTB(env_, mol_, calc_, file_arg); break;
      case Method::gfn2: xtb_loadGFN2xTB(env_, mol_, calc_, file_arg); break;
    }
    check(std::string("loading the ") + method_label(s.method) + " parameters");
    xtb_setAccuracy(env_, calc_, s.accuracy);
    xtb_setElectronicTemp(env_, calc_, s.electronic_temperature);
    xtb_setMaxIter(env_, calc_, s.max_iterations);
    check("setting the accuracy, electronic temperature and iterations");
  }

 public:
  // Energy (Hartree), gradient (Hartree/Bohr, N×3) and libxtb's virial (+∂E/∂ε, Hartree).
  void run(const Frame& frame, double& energy, std::vector<double>& gradient, double virial[9]) {
    const std::vector<double> pos = bohr_positions(frame);
    const std::vector<double> lat = bohr_lattice(frame);
    xtb_updateMolecule(env_, mol_, pos.data(), pbc_ ? lat.data() : nullptr);
    check("updating the positions");
    // A fresh results object each call: libxtb restarts the SCF from the
    // wavefunction kept in it, which would make the energy depend on the
    // previous call at the SCF tolerance (1e-5 eV at accuracy 1), spoiling
    // both detailed balance and finite differences. libxtb's own initial
    // guess makes the energy a function of the positions alone.
    if (res_) xtb_delResults(&res_);
    res_ = xtb_newResults();
    xtb_singlepoint(env_, mol_, calc_, res_);
    check("the single-point calculation");
    xtb_getEnergy(env_, res_, &energy);
    gradient.assign(3 * frame.size(), 0.0);
    xtb_getGradient(env_, res_, gradient.data());
    xtb_getVirial(env_, res_, virial);
    check("reading the results");
  }

 private:
  void release() {
    if (res_) xtb_delResults(&res_);
    if (calc_) xtb_delCalculator(&calc_);
    if (mol_) xtb_delMolecule(&mol_);
    if (env_) xtb_delEnvironment(&env_);
  }
  void check(const std::string& stage) {
    if (xtb_checkEnvironment(env_) == 0) return;
    char buffer[4096] = {0};
    const int size = sizeof buffer;
    xtb_getError(env_, buffer, &size);
    std::string message(buffer);
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
    for (char& c : message)
      if (c == '\n') c = ';';  // libxtb's error stack, one line
    throw EngineError("libxtb failed in " + stage + ": " + (message.empty() ? "no message" : message));
  }
  static std::vector<double> bohr_positions(const Frame& frame) {
    std::vector<double> out(3 * frame.size());
    for (std::size_t i = 0; i < frame.size(); ++i)
      for (int k = 0; k < 3; ++k) out[3 * i + k] = frame.positions[i][k] * units::kAngstromToBohr;
    return out;
  }
  // Lattice vectors as rows, Bohr.
  static std::vector<double> bohr_lattice(const Frame& frame) {
    std::vector<double> out(9);
    for (int a = 0; a < 3; ++a)
      for (int k = 0; k < 3; ++k) out[3 * a + k] = frame.cell.matrix()[a][k] * units::kAngstromToBohr;
    return out;
  }

  std::vector<int> numbers_;
  bool pbc_;
  xtb_TEnvironment env_ = nullptr;
  xtb_TMolecule mol_ = nullptr;
  xtb_TCalculator calc_ = nullptr;
  xtb_TResults res_ = nullptr;
};

// GFN0, GFN1 and GFN2 all have parameters for H to Rn.
constexpr int kMaxElement = 86;

// Refuses what libxtb 6.5.1 cannot do (see xtb_provider.hpp) before calling it.
void check_supported(const Settings& s, const Frame& frame) {
  if (frame.cell.any_periodic() && !frame.cell.fully_periodic())
    throw EngineError("xtb: the frame is periodic in some directions only; libxtb takes a molecule (no pbc) or a "
                      "fully periodic cell");
  if (frame.size() == 0) throw EngineError("xtb: the frame has no atoms");
  for (int z : frame.numbers)
    if (z < 1 || z > kMaxElement)
      throw EngineError("xtb: " + std::string(method_label(s.method)) + " has no parameters for element Z=" +
                        std::to_string(z) + " (supported: Z = 1 to " + std::to_string(kMaxElement) + ")");
  if (!frame.cell.any_periodic()) return;
  if (s.method == Method::gfn2)
    throw EngineError("xtb: GFN2-xTB in libxtb 6.5.1 has no periodic boundary conditions (\"Multipoles not "
                      "available with PBC\"); use method = \"gfn0\" for periodic systems, or a molecule/cluster "
                      "without pbc");
  if (s.method == Method::gfn1)
    throw EngineError("xtb: periodic GFN1-xTB in libxtb 6.5.1 is refused: its energy jumps when an atom crosses a "
                      "cell face (by 0.35 E_h for a water molecule in a 12 A box) and it returns no virial; use "
                      "method = \"gfn0\", or CP2K's GFN1 through the i-PI socket");
}

class XtbProvider final : public ForceProvider {
 public:
  explicit XtbProvider(Settings s) : s_(std::move(s)) {}
  ~XtbProvider() override {
    std::lock_guard lock(libxtb_mutex());
    session_.reset();
  }

  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    check_supported(s_, frame);
    double energy = 0, virial[9] = {0};
    std::vector<double> gradient;
    {
      std::lock_guard lock(libxtb_mutex());
#ifdef _OPENMP
      const int previous_threads = omp_get_max_threads();
      omp_set_num_threads(s_.threads);
#endif
      try {
        if (!session_ || !session_->fits(frame)) {
          session_.reset();
          session_ = std::make_unique<Session>(s_, frame);
        }
        session_->run(frame, energy, gradient, virial);
      } catch (...) {
        // A failed libxtb object is not reused: the next call starts afresh.
        session_.reset();
#ifdef _OPENMP
        omp_set_num_threads(previous_threads);
#endif
        throw;
      }
#ifdef _OPENMP
      omp_set_num_threads(previous_threads);
#endif
    }
    return convert(frame, request, energy, gradient, virial);
  }
  double cutoff() const override { return 0.0; }
  std::string description() const override {
    std::ostringstream o;
    o << "xtb " << method_label(s_.method) << " (libxtb " << SLHMC_XTB_VERSION << ") charge=" << s_.charge
      << " unpaired=" << s_.unpaired << " Tel=" << s_.electronic_temperature << "K accuracy=" << s_.accuracy;
    return o.str();
  }

 private:
  ComputeResult convert(const Frame& frame, const ComputeRequest& request, double energy,
                        const std::vector<double>& gradient, const double virial[9]) const {
    const double ev = units::kHartreeToEv;
    const double ev_per_a = units::kHartreeToEv / units::kBohrToAngstrom;
    ComputeResult r;
    if (!std::isfinite(energy)) throw EngineError(std::string("xtb: ") + method_label(s_.method) + " returned a non-finite energy");
    r.energy = energy * ev;
    if (request.forces) {
      r.forces.resize(frame.size());
      for (std::size_t i = 0; i < frame.size(); ++i)
        for (int k = 0; k < 3; ++k) {
          const double g = gradient[3 * i + k];
          if (!std::isfinite(g))
            throw EngineError("xtb: non-finite gradient on atom " + std::to_string(i) + " from " + method_label(s_.method));
          r.forces[i][k] = -g * ev_per_a;
        }
    }
    if (request.virial && frame.cell.any_periodic()) {
      // libxtb's virial is +∂E/∂ε; slhmc's is W = −∂E/∂ε.
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) {
          const double v = virial[3 * a + b];
          if (!std::isfinite(v)) throw EngineError(std::string("xtb: non-finite virial from ") + method_label(s_.method));
          r.virial[a][b] = -v * ev;
        }
      r.has_virial = true;
    } else if (request.virial) {
      // libxtb's virial of a molecule fails the finite-difference check (by
      // ~0.7 eV for a water dimer); for an isolated system the exact one
      // follows from the forces: W = −∂E/∂ε = Σ_i F_i ⊗ r_i.
      for (std::size_t i = 0; i < frame.size(); ++i)
        for (int a = 0; a < 3; ++a)
          for (int b = 0; b < 3; ++b) r.virial[a][b] += -gradient[3 * i + a] * ev_per_a * frame.positions[i][b];
      r.has_virial = true;
    }
    if (request.atomic_energies)
      throw EngineError("xtb: libxtb gives no per-atom energies; do not request them from an xtb reference");
    return r;
  }

  Settings s_;
  std::unique_ptr<Session> session_;
};

Method parse_method(const Config& section) {
  const std::string m = section.get_choice("method", {"gfn2", "gfn1", "gfn0"}, "gfn2");
  return m == "gfn0" ? Method::gfn0 : m == "gfn1" ? Method::gfn1 : Method::gfn2;
}

// GFN0's parameter file is not built into libxtb 6.5.1: libxtb looks in
// $XTBPATH, so give it the file directly when the user did not.
std::string default_parameter_file(Method m) {
  if (m != Method::gfn0) return "";
  std::vector<std::string> dirs;
  if (const char* p = std::getenv("XTBPATH")) {
    std::stringstream ss(p);
    for (std::string d; std::getline(ss, d, ':');)
      if (!d.empty()) dirs.push_back(d);
  }
  dirs.push_back("/usr/share/xtb");
  for (const auto& d : dirs)
    if (std::filesystem::exists(d + "/param_gfn0-xtb.txt")) return d + "/param_gfn0-xtb.txt";
  return "";
}

}  // namespace

std::unique_ptr<ForceProvider> make_xtb(const Config& section, const ProviderContext& context) {
  Settings s;
  s.method = parse_method(section);
  s.charge = section.get_double("charge", 0.0);
  if (!std::isfinite(s.charge)) throw ConfigError(section.key_path("charge"), "must be a finite number of e");
  const long unpaired = section.get_int("unpaired_electrons", 0);
  if (unpaired < 0 || unpaired > 1000)
    throw ConfigError(section.key_path("unpaired_electrons"), "must be between 0 and 1000");
  s.unpaired = static_cast<int>(unpaired);
  s.electronic_temperature = section.get_double("electronic_temperature_K", 300.0);
  if (!(s.electronic_temperature > 0 && s.electronic_temperature < 1e5))
    throw ConfigError(section.key_path("electronic_temperature_K"), "must be in (0, 100000) K");
  s.accuracy = section.get_double("accuracy", 1.0);
  if (!(s.accuracy >= 1e-4 && s.accuracy <= 1e3))
    throw ConfigError(section.key_path("accuracy"), "must be in [0.0001, 1000] (libxtb's range; smaller is tighter)");
  const long iterations = section.get_int("max_iterations", 250);
  if (iterations < 1 || iterations > 100000)
    throw ConfigError(section.key_path("max_iterations"), "must be between 1 and 100000");
  s.max_iterations = static_cast<int>(iterations);
  const long threads = section.get_int("threads", 1);
  if (threads < 1 || threads > 1024) throw ConfigError(section.key_path("threads"), "must be between 1 and 1024");
  s.threads = static_cast<int>(threads);
  if (section.has("parameter_file")) {
    s.parameter_file = resolve_path(context, section.get_string("parameter_file"));
    if (!std::filesystem::exists(s.parameter_file))
      throw ConfigError(section.key_path("parameter_file"), "file not found: " + s.parameter_file);
  } else {
    s.parameter_file = default_parameter_file(s.method);
    if (s.method == Method::gfn0 && s.parameter_file.empty())
      throw ConfigError(section.key_path("parameter_file"),
                        "GFN0-xTB needs param_gfn0-xtb.txt: not found in $XTBPATH or /usr/share/xtb (Debian "
                        "package xtb); give its path");
  }
  section.check_all_used();
  if (context.system) check_supported(s, *context.system);
  return std::make_unique<XtbProvider>(std::move(s));
}

std::string xtb_library_version() { return SLHMC_XTB_VERSION; }

#else  // built without libxtb

std::unique_ptr<ForceProvider> make_xtb(const Config& section, const ProviderContext&) {
  throw ConfigError(section.key_path("type"),
                    "slhmc was built without libxtb: install Debian's libxtb-dev (scripts/setup.sh does) and "
                    "re-run cmake, which finds it with pkg-config");
}

std::string xtb_library_version() { return ""; }

#endif

namespace {
const ProviderRegistration registration("xtb", "GFN2/GFN1/GFN0 extended tight binding through libxtb (in process)",
                                        &make_xtb);
}  // namespace

}  // namespace slhmc
