// The registry of integrators by name, and the plain MD loop.
#include <map>

#include "slhmc/dynamics/integrator.hpp"

namespace slhmc {

namespace {
struct Entry {
  std::string summary;
  IntegratorFactory factory;
};
std::map<std::string, Entry>& registry() {
  static std::map<std::string, Entry> entries;
  return entries;
}
}  // namespace

IntegratorRegistration::IntegratorRegistration(const std::string& name, const std::string& summary,
                                               IntegratorFactory factory) {
  registry()[name] = Entry{summary, std::move(factory)};
}

std::vector<std::string> integrator_names() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : registry()) names.push_back(name);
  return names;
}

std::unique_ptr<Integrator> make_integrator(const Config& md_section) {
  const std::string name = md_section.get_choice("integrator", integrator_names());
  return registry().at(name).factory(md_section);
}

void run_md(State& state, ForceProvider& provider, const Integrator& integrator, long steps,
            const std::function<void(const State&)>& observer) {
  if (observer) observer(state);
  for (long s = 0; s < steps; ++s) {
    integrator.step(state, provider);
    if (observer) observer(state);
  }
}

}  // namespace slhmc
