# RSOLV_STATIC: the tools link their libraries in, so a release binary needs nothing but glibc
# (libc, libm and the loader) on the machine that runs it. OpenSSL, SQLite and yaml-cpp come from
# the static archives Debian ships; Boost's archives and fmt header-only are used in every build
# (so compile flags match and a release build after a default one is ccache hits); CLI11 and
# nlohmann/json are header-only; the HTTP transport is the lean one, not libcurl (whose archive
# would drag in a dozen more libraries). Included before the find_package calls.
if(NOT RSOLV_STATIC)
  return()
endif()
set(OPENSSL_USE_STATIC_LIBS TRUE)
# FindSQLite3 (and any other plain find_library) takes the archive.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)

# yaml-cpp's package config declares only its shared library: declare the archive Debian ships
# beside it under the same target name instead of calling find_package(yaml-cpp).
find_library(RSOLV_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a REQUIRED)
find_path(RSOLV_YAML_CPP_INCLUDE_DIR yaml-cpp/yaml.h REQUIRED)
add_library(yaml-cpp STATIC IMPORTED)
set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION ${RSOLV_YAML_CPP_ARCHIVE}
                                          INTERFACE_INCLUDE_DIRECTORIES ${RSOLV_YAML_CPP_INCLUDE_DIR})
