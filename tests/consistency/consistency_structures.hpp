// The structures every consistency test body runs on: random periodic cells of
// several shapes (cubic, triclinic, strongly skewed, smaller than the cutoff,
// slab, cluster) and, when ../shared is present, the real TiO2 structures of
// the aenet reference set. Species are Ti and O throughout so that the same
// frames serve the aenet descriptors, the trainer and the neighbour list.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/io/structure_io.hpp"
#include "test_support.hpp"

namespace slhmc::test::consistency {

constexpr int kTi = 22, kO = 8;

struct NamedFrame {
  std::string name;
  Frame frame;
};

// Random TiO2-like frames in cells of several shapes (min. distance 1.5 Å, fixed seeds).
inline std::vector<NamedFrame> random_structures() {
  const std::vector<int> tio2{kTi, kO, kO};
  const Mat3 cubic{Vec3{7.5, 0.0, 0.0}, Vec3{0.0, 7.5, 0.0}, Vec3{0.0, 0.0, 7.5}};
  const Mat3 triclinic{Vec3{8.1, 0.0, 0.0}, Vec3{1.7, 7.6, 0.0}, Vec3{-1.1, 0.8, 8.4}};
  const Mat3 skewed{Vec3{4.6, 0.0, 0.0}, Vec3{3.9, 2.3, 0.0}, Vec3{-1.7, 1.1, 3.4}};
  const Mat3 small{Vec3{4.1, 0.0, 0.0}, Vec3{0.0, 4.4, 0.0}, Vec3{0.0, 0.0, 3.9}};
  std::vector<NamedFrame> out;
  out.push_back({"random cubic", random_frame(Cell(cubic, {true, true, true}), 36, tio2, 1.5, 501)});
  out.push_back({"random triclinic", random_frame(Cell(triclinic, {true, true, true}), 45, tio2, 1.5, 502)});
  out.push_back({"random skewed", random_frame(Cell(skewed, {true, true, true}), 6, tio2, 1.6, 503)});
  out.push_back({"random small cell", random_frame(Cell(small, {true, true, true}), 6, tio2, 1.6, 504)});
  out.push_back({"random slab", random_frame(Cell(triclinic, {true, true, false}), 30, tio2, 1.5, 505)});
  out.push_back({"random cluster", random_frame(Cell(cubic, {false, false, false}), 15, tio2, 1.6, 506)});
  return out;
}

// Real structures of ../shared/reference/aenet/structures (empty when the folder is absent);
// the largest ones are left out to keep the suite fast.
inline std::vector<NamedFrame> real_structures() {
  std::vector<NamedFrame> out;
  if (shared_dir().empty()) return out;
  const std::filesystem::path dir = std::filesystem::path(shared_dir()) / "reference/aenet/structures";
  if (!std::filesystem::is_directory(dir)) return out;
  for (const char* name : {"rutile_2x2x3_triclinic.xsf", "anatase_2x2x1_compressed.xsf", "rutile_2x2x3_Ovac.xsf",
                           "rutile_cluster.xsf", "dft_s0655.xsf"}) {
    const std::filesystem::path p = dir / name;
    if (std::filesystem::exists(p)) out.push_back({name, read_structure(p.string()).frame});
  }
  return out;
}

// Why a test found no real structures (for GTEST_SKIP / a recorded property).
inline std::string missing_real_structures() {
  return "no real structures: ../shared/reference/aenet/structures is absent (set SLHMC_SHARED_DIR)";
}

}  // namespace slhmc::test::consistency
