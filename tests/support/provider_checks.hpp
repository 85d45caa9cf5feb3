// Checks every force provider must pass, shared by the per-potential tests:
// finite-difference forces and virial, per-atom energies that sum to the
// energy, translation invariance, a neighbour list reused over a skin, and
// agreement with LAMMPS. Header-only, GoogleTest assertions.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "lammps_reference.hpp"
#include "slhmc/forces/force_provider.hpp"
#include "test_support.hpp"

namespace slhmc::test {

// Finite differences, energy decomposition and translation invariance.
// Tolerances are absolute: force_tol in eV/Å, virial_tol in eV.
inline void expect_consistent(ForceProvider& provider, const Frame& frame, double force_tol, double virial_tol,
                              const std::string& what) {
  SCOPED_TRACE(what);
  const ComputeResult all = provider.compute(frame, ComputeRequest::all());
  ASSERT_EQ(all.forces.size(), frame.size());
  ASSERT_EQ(all.atomic_energies.size(), frame.size());
  ASSERT_TRUE(all.has_virial);
  EXPECT_TRUE(std::isfinite(all.energy));
  double sum = 0.0;
  for (double e : all.atomic_energies) sum += e;
  EXPECT_NEAR(sum, all.energy, 1e-10 * std::max(1.0, std::fabs(all.energy)));
  // The same numbers whatever else is requested (providers may specialise
  // their loops per request).
  EXPECT_EQ(provider.compute(frame, ComputeRequest::energy_only()).energy, all.energy);
  for (const ComputeRequest partial : {ComputeRequest{true, false, false}, ComputeRequest{true, true, false},
                                       ComputeRequest{false, true, true}, ComputeRequest{false, false, true}}) {
    const ComputeResult r = provider.compute(frame, partial);
    EXPECT_NEAR(r.energy, all.energy, 1e-12 * std::max(1.0, std::fabs(all.energy)));
    EXPECT_EQ(r.forces.size(), partial.forces ? frame.size() : 0u);
    EXPECT_EQ(r.atomic_energies.size(), partial.atomic_energies ? frame.size() : 0u);
    EXPECT_EQ(r.has_virial, partial.virial);
    for (std::size_t i = 0; i < r.forces.size(); ++i)
      for (int d = 0; d < 3; ++d) EXPECT_NEAR(r.forces[i][d], all.forces[i][d], 1e-12);
    for (std::size_t i = 0; i < r.atomic_energies.size(); ++i) EXPECT_NEAR(r.atomic_energies[i], all.atomic_energies[i], 1e-12);
    if (r.has_virial) {
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) EXPECT_NEAR(r.virial[a][b], all.virial[a][b], 1e-10);
    }
  }
  EXPECT_LT(max_force_error(provider, frame), force_tol);
  EXPECT_LT(max_virial_error(provider, frame), virial_tol);
  // Translation invariance (periodic or not).
  Frame moved = frame;
  for (auto& r : moved.positions) r += Vec3{0.37, -1.91, 2.53};
  const ComputeResult t = provider.compute(moved, ComputeRequest::all());
  EXPECT_NEAR(t.energy, all.energy, 1e-9 * std::max(1.0, std::fabs(all.energy)));
  Vec3 total{0, 0, 0};
  for (std::size_t i = 0; i < frame.size(); ++i) {
    total += all.forces[i];
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(t.forces[i][d], all.forces[i][d], 1e-9);
  }
  for (int d = 0; d < 3; ++d) EXPECT_NEAR(total[d], 0.0, 1e-9 * std::max<double>(1.0, frame.size()));
  // Rotation-invariant potentials have symmetric virials.
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(all.virial[a][b], all.virial[b][a], 1e-10);
}

// A provider whose cached list was built for `frame` and then reused after
// small moves (within the skin) gives what a fresh provider gives.
inline void expect_skin_reuse_exact(ForceProvider& cached, ForceProvider& fresh, const Frame& frame) {
  cached.compute(frame, ComputeRequest::all());
  Frame moved = frame;
  for (std::size_t i = 0; i < moved.size(); ++i) moved.positions[i][i % 3] += 0.1 * ((i % 2) ? 1 : -1);
  const ComputeResult a = cached.compute(moved, ComputeRequest::all());
  const ComputeResult b = fresh.compute(moved, ComputeRequest::all());
  EXPECT_NEAR(a.energy, b.energy, 1e-10 * std::max(1.0, std::fabs(b.energy)));
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(a.forces[i][d], b.forces[i][d], 1e-10);
}

// Energy, forces and virial agree with LAMMPS to `rel` relative to the
// largest magnitude of each quantity (energy: |E| or the atom count).
inline void expect_matches_lammps(ForceProvider& provider, const Frame& frame, const std::vector<std::string>& types,
                                  const std::string& pair_commands, const std::string& what, double rel = 1e-8) {
  SCOPED_TRACE(what);
  TempDir dir;
  const LammpsResult ref = run_lammps(frame, types, pair_commands, dir.path().string());
  const ComputeResult ours = provider.compute(frame, ComputeRequest::all());
  EXPECT_NEAR(ours.energy, ref.energy, rel * std::max(std::fabs(ref.energy), 1.0)) << "energy";
  double fmax = 0.0, wmax = 0.0;
  for (const auto& f : ref.forces)
    for (double v : f) fmax = std::max(fmax, std::fabs(v));
  for (const auto& row : ref.virial)
    for (double v : row) wmax = std::max(wmax, std::fabs(v));
  double ferr = 0.0, werr = 0.0;
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (int d = 0; d < 3; ++d) ferr = std::max(ferr, std::fabs(ours.forces[i][d] - ref.forces[i][d]));
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) werr = std::max(werr, std::fabs(ours.virial[a][b] - ref.virial[a][b]));
  EXPECT_LE(ferr, rel * std::max(fmax, 1e-3)) << "forces: largest |F| " << fmax;
  EXPECT_LE(werr, rel * std::max(wmax, 1e-3)) << "virial: largest |W| " << wmax;
}

}  // namespace slhmc::test
