// LAMMPS (Debian `lammps`, 29Sep2021) as an i-PI client through `fix ipi`:
// Stillinger–Weber silicon in a triclinic cell agrees with our built-in `sw`
// provider — energy, forces and the full virial, which LAMMPS sends as an
// upper triangle only.
#include <gtest/gtest.h>

#include "crystal_frames.hpp"
#include "ipi_test_support.hpp"
#include "lammps_reference.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc {
namespace {

const char* kSiSw = "/usr/share/lammps/potentials/Si.sw";

// LAMMPS's own conversion constants in fix ipi (metal units): Bohr 0.52917721 Å
// and Hartree = k_B / 3.1668152e-6 with k_B = 8.617343e-5 eV/K.
ipi::AtomicUnits lammps_units() { return {0.52917721, 8.617343e-5 / 3.1668152e-06}; }

void check_lammps_sw(const ipi::AtomicUnits& units, double tolerance) {
  if (!test::lammps_available()) GTEST_SKIP() << "lmp not installed (Debian package lammps)";
  if (!std::filesystem::exists(kSiSw)) GTEST_SKIP() << "LAMMPS potentials not installed: " << kSiSw;
  test::TempDir dir;
  // LAMMPS needs a along x and b in the xy plane, and atom ids in our order.
  std::vector<Frame> frames;
  for (unsigned seed : {1u, 2u})
    frames.push_back(to_lammps_orientation(LabelledFrame{
        test::perturbed(test::strained(test::diamond_frame(5.431, 2, 14, 14), test::triclinic_strain()), 0.1, seed),
        {}, {}}).frame);
  // Positions need not be wrapped: move some atoms by lattice vectors.
  Frame unwrapped = frames[1];
  for (std::size_t i = 0; i < unwrapped.size(); i += 3)
    unwrapped.positions[i] += unwrapped.cell.image_shift({static_cast<int>(i % 2) ? 1 : -1, 0, i % 5 == 0 ? 2 : -1});
  frames.push_back(unwrapped);
  write_structures(dir.file("si.data"), {LabelledFrame{frames[0], {}, {}}}, StructureFormat::lammps_data);
  const std::string name = test::unique_socket_name("lammps");
  test::write_text(dir.file("in.lmp"), "units metal\natom_style atomic\natom_modify map array\nboundary p p p\n"
                                       "read_data si.data\npair_style sw\npair_coeff * * " + std::string(kSiSw) +
                                       " Si\nfix 1 all ipi " + name + " 31415 unix\nrun 100000000\n");
  ipi::ServerOptions o;
  o.address.name = name;
  o.units = units;
  o.timeout_s = 60;
  o.connect_timeout_s = 60;
  o.launch = ipi::ClientLaunch{"lmp -in in.lmp -log lammps.log", dir.path().string(), {}, "lammps.out"};
  auto ipi = ipi::make_ipi_providers(o, 1);
  ProviderContext context;
  const auto sw = make_provider(Config::parse("type = \"sw\"\nfile = \"" + std::string(kSiSw) + "\"\n", "sw"), context);
  for (const Frame& f : frames) {
    ComputeRequest request;
    request.virial = true;
    const ComputeResult got = ipi[0]->compute(f, request);
    const ComputeResult want = sw->compute(f, request);
    EXPECT_NEAR(got.energy, want.energy, tolerance * std::abs(want.energy));
    EXPECT_LT(test::relative_force_difference(got.forces, want.forces), tolerance);
    ASSERT_TRUE(got.has_virial);
    EXPECT_LT(test::relative_matrix_difference(got.virial, want.virial), tolerance);
    EXPECT_GT(std::abs(want.virial[2][0]), 1e-2) << "a lower-triangle entry that LAMMPS does not send";
  }
}

TEST(IpiLammps, StillingerWeberSiliconWithDefaultConstantsAgreesToLammpsPrecision) {
  check_lammps_sw(ipi::AtomicUnits::codata2018(), 1e-7);  // measured ≈ 4e-8
}

TEST(IpiLammps, StillingerWeberSiliconWithLammpsConstantsAgreesExactly) { check_lammps_sw(lammps_units(), 1e-12); }  // measured ≈ 3e-14

}  // namespace
}  // namespace slhmc
