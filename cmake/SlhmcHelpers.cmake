# Build helpers shared by all slhmc targets.

# Compiler flags for every slhmc target.
add_library(slhmc_flags INTERFACE)
target_compile_options(slhmc_flags INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-Wshadow=local>
  # GCC 12 reports false -Wrestrict/-Wstringop-overflow on std::string concatenation (GCC PR 105329).
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-Wno-restrict -Wno-stringop-overflow>)
if(SLHMC_WERROR)
  target_compile_options(slhmc_flags INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
if(SLHMC_NATIVE)
  target_compile_options(slhmc_flags INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
endif()
if(SLHMC_FUZZ)
  # Coverage instrumentation for libFuzzer on every target (the test binaries of the same build
  # carry it at no other cost than speed), and the sanitizers that turn bugs into crashes.
  if(NOT SLHMC_SANITIZE)
    set(SLHMC_SANITIZE address,undefined)
  endif()
  target_compile_options(slhmc_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(SLHMC_SANITIZE)
  target_compile_options(slhmc_flags INTERFACE -fsanitize=${SLHMC_SANITIZE} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(slhmc_flags INTERFACE -fsanitize=${SLHMC_SANITIZE})
endif()

# slhmc_module(name [DEPENDS targets...]): an object library from src/<name>/**
# with the public headers in include/. Sources are globbed so that adding a file
# to a module needs no edit here. DEPENDS documents (and enforces for usage
# requirements) the one-way dependencies between modules.
set_property(GLOBAL PROPERTY SLHMC_MODULES "")
function(slhmc_module name)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/cuda/")
  if(NOT sources)
    set(sources ${PROJECT_SOURCE_DIR}/cmake/empty.cpp)
  endif()
  add_library(slhmc_${name} OBJECT ${sources})
  target_include_directories(slhmc_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                             PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(slhmc_${name} PUBLIC slhmc_flags Threads::Threads ${ARG_DEPENDS})
  if(OpenMP_CXX_FOUND)
    target_link_libraries(slhmc_${name} PUBLIC OpenMP::OpenMP_CXX)
  endif()
  set_property(GLOBAL APPEND PROPERTY SLHMC_MODULES slhmc_${name})
endfunction()

# slhmc_library(): the static library `slhmc` made of every module's objects.
function(slhmc_library)
  get_property(modules GLOBAL PROPERTY SLHMC_MODULES)
  # Directly linked object libraries put their objects into `slhmc`;
  # consumers of `slhmc` inherit only their usage requirements.
  add_library(slhmc STATIC ${PROJECT_SOURCE_DIR}/cmake/empty.cpp)
  target_link_libraries(slhmc PUBLIC ${modules})
endfunction()

# Links `slhmc` whole, so that every self-registering provider is kept.
function(slhmc_link target)
  target_link_libraries(${target} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,slhmc>")
endfunction()
