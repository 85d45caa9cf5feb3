// The EAM force provider: two passes over a cached half neighbour list
// (densities, then forces), LAMMPS's spline arithmetic, and its registration
// as `type = "eam"`.
#include "slhmc/forces/classical/eam.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"

namespace slhmc {

namespace {

// Closer than this two atoms are taken to coincide (φ = r·φ / r would be infinite).
constexpr double kMinDistance2 = 1e-20;  // Å²

// Pass 2 for one kind of request: kDerivs adds forces, kVirial the virial (MD steps
// mostly need forces only; the virial costs six multiply-adds per pair).
// Returns the pair energy; adds ½φ to both atoms' energies if atomic != nullptr.
// Pairs of atom i are pairs[offsets[i] .. offsets[i+1]), each {j, shift index}.
template <bool kDerivs, bool kVirial, class Pair>
double pair_pass(const EamTables& t, std::size_t n, const std::size_t* offsets, const Pair* pairs, const Vec3* shifts,
                 const Vec3* x, const int* type, const double* dF, Vec3* force, double* atomic, double w[6]) {
  const std::size_t ne = t.num_elements();
  const double cutsq = t.cutoff * t.cutoff;
  const EamKnot* density = t.density.data();
  const EamKnot* rphi = t.rphi.data();
  const int* density_index = t.density_index.data();
  const int* pair_index = t.pair_index.data();
  // Locals, not members: stores through force/atomic could alias t's doubles for the compiler.
  const std::size_t nr = static_cast<std::size_t>(t.nr);
  const int nknots = t.nr;
  const double rdr = t.rdr;
  double energy = 0.0;
  double wxx = 0, wyy = 0, wzz = 0, wxy = 0, wxz = 0, wyz = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Vec3 xi = x[i];
    const int ti = type[i];
    Vec3 fi{0, 0, 0};
    for (std::size_t q = offsets[i]; q < offsets[i + 1]; ++q) {
      const int j = pairs[q].j;
      const Vec3& sh = shifts[pairs[q].shift];
      const double dx = x[j][0] + sh[0] - xi[0];
      const double dy = x[j][1] + sh[1] - xi[1];
      const double dz = x[j][2] + sh[2] - xi[2];
      const double rsq = dx * dx + dy * dy + dz * dz;
      if (!(rsq < cutsq)) continue;
      const int tj = type[j];
      const double r = std::sqrt(rsq);
      int m;
      double p;
      EamTables::locate(r, rdr, nknots, m, p);
      const EamKnot& kz = rphi[pair_index[ti * ne + tj] * nr + m];
      const double z2 = kz.value(p);
      const double recip = 1.0 / r;
      const double phi = z2 * recip;
      energy += phi;
      if (atomic) {
        atomic[i] += 0.5 * phi;
        atomic[j] += 0.5 * phi;
      }
      if constexpr (kDerivs) {
        // d/dr of the density at i due to j, and at j due to i (LAMMPS's rhojp, rhoip).
        // (Like atoms share one function for both directions: look it up once.)
        const std::size_t qi = density_index[ti * ne + tj], qj = density_index[tj * ne + ti];
        const double rho_at_i = density[qi * nr + m].derivative(p);
        const double rho_at_j = qj == qi ? rho_at_i : density[qj * nr + m].derivative(p);
        const double phip = kz.derivative(p) * recip - phi * recip;
        const double dEdr = dF[i] * rho_at_i + dF[j] * rho_at_j + phip;
        // fpair·R is the force on j; −fpair·R that on i; W −= (∂E/∂R) ⊗ R.
        const double fpair = -dEdr * recip;
        const double fx = fpair * dx, fy = fpair * dy, fz = fpair * dz;
        fi[0] -= fx;
        fi[1] -= fy;
        fi[2] -= fz;
        force[j][0] += fx;
        force[j][1] += fy;
        force[j][2] += fz;
        if constexpr (kVirial) {
          wxx += fx * dx;
          wyy += fy * dy;
          wzz += fz * dz;
          wxy += fx * dy;
          wxz += fx * dz;
          wyz += fy * dz;
        }
      }
    }
    if constexpr (kDerivs) force[i] += fi;
  }
  if constexpr (kVirial) {
    w[0] = wxx; w[1] = wyy; w[2] = wzz; w[3] = wxy; w[4] = wxz; w[5] = wyz;
  }
  return energy;
}

}  // namespace

EamProvider::EamProvider(EamTables tables, EamOptions options)
    : tables_(std::move(tables)),
      options_(std::move(options)),
      list_(NeighborListOptions{tables_.cutoff, options_.skin, true}),
      element_of_z_(kMaxAtomicNumber + 1, -1) {
  for (std::size_t a = 0; a < tables_.atomic_numbers.size(); ++a) {
    const int z = tables_.atomic_numbers[a];
    if (z >= 1 && z <= kMaxAtomicNumber) element_of_z_[z] = static_cast<int>(a);
  }
}

std::string EamProvider::description() const {
  std::ostringstream s;
  s << "eam (" << eam_format_name(tables_.format) << ", " << options_.source << ": ";
  for (std::size_t a = 0; a < tables_.elements.size(); ++a) s << (a ? " " : "") << tables_.elements[a];
  s << "; cutoff " << tables_.cutoff << " A)";
  return s.str();
}

void EamProvider::assign_types(const Frame& frame) {
  if (frame.numbers == types_numbers_ && types_.size() == frame.size()) return;
  types_.resize(frame.size());
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const int z = frame.numbers[i];
    const int a = (z >= 1 && z <= kMaxAtomicNumber) ? element_of_z_[z] : -1;
    if (a < 0) {
      std::string have;
      for (const auto& el : tables_.elements) have += " " + el;
      throw Error("eam potential " + options_.source + " has no parameters for atom " + std::to_string(i) +
                  " (atomic number " + std::to_string(z) + "); its elements are" + have);
    }
    types_[i] = a;
  }
  types_numbers_ = frame.numbers;
}

ComputeResult EamProvider::compute(const Frame& frame, const ComputeRequest& request) {
  const std::size_t n = frame.size();
  if (frame.numbers.size() != n) throw Error("eam: frame has " + std::to_string(n) + " positions but " +
                                             std::to_string(frame.numbers.size()) + " atomic numbers");
  for (std::size_t i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d)
      if (!std::isfinite(frame.positions[i][d]))
        throw EngineError("eam: position of atom " + std::to_string(i) + " is not finite");
  assign_types(frame);
  list_.update(frame);
  compact_.sync(list_);

  const EamTables& t = tables_;
  const std::size_t ne = t.num_elements();
  const std::size_t nr = static_cast<std::size_t>(t.nr);
  const double cutsq = t.cutoff * t.cutoff;
  const EamKnot* density = t.density.data();
  const int* density_index = t.density_index.data();
  const int nknots = t.nr;
  const double rdr = t.rdr;
  const Vec3* x = frame.positions.data();
  const int* type = types_.data();

  // Pass 1: densities, each pair once (a self-image pair adds to ρ_i twice, once per direction).
  rho_.assign(n, 0.0);
  dF_.resize(n);
  double* rho = rho_.data();
  const std::size_t* offsets = compact_.offsets().data();
  const CompactNeighbors::Pair* pairs = compact_.all_pairs().data();
  const Vec3* shifts = compact_.shifts().data();
  for (std::size_t i = 0; i < n; ++i) {
    const Vec3 xi = x[i];
    const int ti = type[i];
    double rho_i = 0.0;
    for (std::size_t q = offsets[i]; q < offsets[i + 1]; ++q) {
      const int j = pairs[q].j;
      const Vec3& sh = shifts[pairs[q].shift];
      const double dx = x[j][0] + sh[0] - xi[0];
      const double dy = x[j][1] + sh[1] - xi[1];
      const double dz = x[j][2] + sh[2] - xi[2];
      const double rsq = dx * dx + dy * dy + dz * dz;
      if (!(rsq < cutsq)) continue;
      if (rsq < kMinDistance2)
        throw EngineError("eam: atoms " + std::to_string(i) + " and " + std::to_string(j) +
                          " coincide (distance " + std::to_string(std::sqrt(rsq)) + " A)");
      const int tj = type[j];
      int m;
      double p;
      EamTables::locate(std::sqrt(rsq), rdr, nknots, m, p);
      const std::size_t qi = density_index[ti * ne + tj], qj = density_index[tj * ne + ti];
      const double from_j = density[qi * nr + m].value(p);
      rho_i += from_j;
      rho[j] += qj == qi ? from_j : density[qj * nr + m].value(p);
    }
    rho[i] += rho_i;
  }

  ComputeResult result;
  double* atomic = nullptr;
  if (request.atomic_energies) {
    result.atomic_energies.assign(n, 0.0);
    atomic = result.atomic_energies.data();
  }
  // Embedding energies and F'(ρ_i) for pass 2.
  double energy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double F = t.embed(type[i], rho_[i], dF_[i]);
    energy += F;
    if (atomic) atomic[i] += F;
  }

  // Pass 2: pair energies, and forces and virial if asked for.
  const bool derivs = request.forces || request.virial;
  double w[6] = {0, 0, 0, 0, 0, 0};
  if (derivs) {
    result.forces.assign(n, Vec3{0, 0, 0});
    using Pair = CompactNeighbors::Pair;
    auto pass = request.virial ? &pair_pass<true, true, Pair> : &pair_pass<true, false, Pair>;
    energy += pass(t, n, offsets, pairs, shifts, x, type, dF_.data(),
                              result.forces.data(), atomic, w);
    if (!request.forces) result.forces.clear();
  } else {
    energy += pair_pass<false, false>(t, n, offsets, pairs, shifts, x, type, dF_.data(),
                               nullptr, atomic, w);
  }
  result.energy = energy;
  if (request.virial) {
    result.virial = Mat3{Vec3{w[0], w[3], w[4]}, Vec3{w[3], w[1], w[5]}, Vec3{w[4], w[5], w[2]}};
    result.has_virial = true;
  }
  return result;
}

std::string find_eam_file(const std::string& file, const std::string& base_dir) {
  namespace fs = std::filesystem;
  if (file.empty()) throw Error("empty EAM file name");
  const bool absolute = file[0] == '/';
  const std::string path = (absolute || base_dir.empty()) ? file : base_dir + "/" + file;
  std::vector<std::string> tried{path};
  if (fs::is_regular_file(path)) return path;
  if (file.find('/') == std::string::npos) {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("LAMMPS_POTENTIALS"); env && *env) dirs.emplace_back(env);
    dirs.emplace_back("/usr/share/lammps/potentials");
    for (const auto& dir : dirs) {
      const std::string candidate = dir + "/" + file;
      tried.push_back(candidate);
      if (fs::is_regular_file(candidate)) return candidate;
    }
  }
  std::string list;
  for (const auto& p : tried) list += (list.empty() ? "" : ", ") + p;
  throw Error("EAM potential file '" + file + "' not found (tried " + list + ")");
}

namespace {

std::unique_ptr<ForceProvider> make_eam(const Config& config, const ProviderContext& context) {
  const std::string file = config.get_string("file");
  std::string path;
  try {
    path = find_eam_file(file, context.base_dir);
  } catch (const Error& e) {
    throw ConfigError(config.key_path("file"), e.what());
  }
  EamFormat format;
  if (config.has("format")) {
    format = eam_format_from_name(config.get_choice("format", {"funcfl", "setfl", "fs"}));
  } else {
    try {
      format = guess_eam_format(file);
    } catch (const Error& e) {
      throw ConfigError(config.key_path("format"), e.what());
    }
  }
  const double skin = config.get_double("skin", 1.0);
  if (!(skin >= 0) || !std::isfinite(skin))
    throw ConfigError(config.key_path("skin"), "must be a non-negative length in Angstrom");
  config.check_all_used();

  EamTables tables = make_eam_tables(read_eam_file(path, format), path);
  if (context.system) {
    for (int z : context.system->numbers) {
      bool found = false;
      for (int have : tables.atomic_numbers) found = found || have == z;
      if (!found)
        throw ConfigError(config.key_path("file"), "'" + path + "' has no parameters for element " +
                                                       (z >= 1 && z <= kMaxAtomicNumber ? element_symbol(z)
                                                                                        : std::to_string(z)) +
                                                       " of the system");
    }
  }
  return std::make_unique<EamProvider>(std::move(tables), EamOptions{skin, path});
}

const ProviderRegistration registration("eam", "embedded-atom method, LAMMPS funcfl/setfl/fs files", &make_eam);

}  // namespace

}  // namespace slhmc
