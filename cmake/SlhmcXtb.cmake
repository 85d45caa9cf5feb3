# libxtb (Debian libxtb-dev, found with pkg-config) for the in-process "xtb"
# reference engine. Optional: without it the provider is a stub whose factory
# says how to build it in; scripts/setup.sh installs it, so CI always has it.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(XTB QUIET IMPORTED_TARGET xtb)
endif()
if(XTB_FOUND)
  target_link_libraries(slhmc_engines PUBLIC PkgConfig::XTB)
  target_compile_definitions(slhmc_engines PRIVATE SLHMC_HAVE_XTB=1 SLHMC_XTB_VERSION="${XTB_VERSION}")
  message(STATUS "slhmc: libxtb ${XTB_VERSION} found: the xtb reference engine is built")
else()
  message(STATUS "slhmc: libxtb not found (install Debian's libxtb-dev, or run scripts/setup.sh): "
                 "the xtb reference engine is left out and type = \"xtb\" reports how to add it")
endif()
