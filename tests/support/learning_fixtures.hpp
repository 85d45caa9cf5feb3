// Shared by the learning tests: the Stillinger-Weber silicon reference, a
// tiny trainer config for `slhmc trainer` and waiting on another process.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include "slhmc/forces/registry.hpp"
#include "slhmc/io/config.hpp"

#define REQUIRE_SW()                                                   \
  if (!std::filesystem::exists("/usr/share/lammps/potentials/Si.sw")) \
  GTEST_SKIP() << "LAMMPS potential file Si.sw not installed (Debian lammps-data)"

namespace slhmc::test {

inline std::unique_ptr<ForceProvider> stillinger_weber() {
  const Config c = Config::parse("[p]\ntype = \"sw\"\nfile = \"Si.sw\"\n", "test.toml");
  return make_provider(c.section("p"), ProviderContext{});
}

// A tiny Si network and `slhmc trainer` settings that train it in a fraction of a second.
inline constexpr const char* kTinySiModelToml = R"(
[training.model]
species = ["Si"]
radial_cutoff = 4.0
radial_order = 6
angular_cutoff = 3.5
angular_order = 3
hidden = [6, 6]

[training.optimizer]
batch_size = 4
)";

inline constexpr const char* kTrainerToml = R"([transport]
type = "directory"
path = "exchange"

[trainer]
poll_interval_s = 0.05

[training]
min_samples = 6
min_new_samples = 3
epochs = 3
first_epochs = 10
publish = "every_round"
validation_fraction = 0.2
threads = 1
)";

// Polls `done` every 20 ms for at most `seconds`; its last answer.
inline bool wait_for(const std::function<bool()>& done, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end && !done()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return done();
}

}  // namespace slhmc::test
