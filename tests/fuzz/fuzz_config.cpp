// Fuzz target: the TOML config reader and its typed getters must either
// succeed or throw slhmc::Error — never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/io/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    slhmc::Config config = slhmc::Config::parse(text, "fuzz.toml");
    for (const auto& key : config.keys()) {
      try {
        if (auto s = config.optional_section(key)) {
          for (const auto& inner : s->keys()) {
            try { s->get_double(inner); } catch (const slhmc::Error&) {}
            try { s->get_string(inner); } catch (const slhmc::Error&) {}
          }
        }
      } catch (const slhmc::Error&) {
      }
      try { config.get_int(key); } catch (const slhmc::Error&) {}
      try { config.get_double_array(key); } catch (const slhmc::Error&) {}
    }
    try { config.check_all_used(); } catch (const slhmc::Error&) {}
    config.apply_override("md.steps=3");
  } catch (const slhmc::Error&) {
  }
  return 0;
}
