# Helpers that give every target of the project the same flags and layout.
#   rsolv_library(NAME SOURCES ... DEPS ...)      -> static library rsolv_NAME, include dir ./include
#   rsolv_executable(NAME SOURCES ... DEPS ...)   -> build/bin/NAME
#   rsolv_tool(NAME SOURCES ... DEPS ...)         -> a program users get: rsolv_executable, installed
#   rsolv_test(NAME LABEL L SOURCES ... DEPS ...) -> GoogleTest binary, each TEST is one ctest test
#   rsolv_bench(NAME SOURCES ... DEPS ...)        -> Google Benchmark binary in build/bin

add_library(rsolv_flags INTERFACE)
target_compile_options(rsolv_flags INTERFACE -Wall -Wextra -Wpedantic)
# GCC 12 reports -Wrestrict inside libstdc++ for ordinary std::string concatenation at -O2/-O3
# (GCC bug 105329, fixed in 13); it is a false positive, not a finding in this project's code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(rsolv_flags INTERFACE -Wno-restrict)
endif()
if(RSOLV_WERROR)
  target_compile_options(rsolv_flags INTERFACE -Werror)
endif()
if(RSOLV_SANITIZE)
  target_compile_options(rsolv_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                               -fno-sanitize-recover=undefined)
  target_link_options(rsolv_flags INTERFACE -fsanitize=address,undefined)
endif()
if(RSOLV_FUZZ)
  # Everything the fuzz targets link is instrumented for coverage and checked by ASan and UBSan;
  # only the fuzz executables themselves link libFuzzer's main (fuzz/CMakeLists.txt).
  target_compile_options(rsolv_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                               -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(rsolv_flags INTERFACE -fsanitize=address,undefined)
endif()
if(RSOLV_COVERAGE)
  # Atomic counters: the servers and load generator are multi-threaded, and racing plain counters
  # leave negative branch counts that gcovr refuses to parse.
  target_compile_options(rsolv_flags INTERFACE --coverage -fprofile-update=atomic -O0 -g)
  target_link_options(rsolv_flags INTERFACE --coverage)
endif()

function(rsolv_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(rsolv_${name} STATIC ${ARG_SOURCES})
  target_include_directories(rsolv_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(rsolv_${name} PUBLIC rsolv_flags ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

function(rsolv_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE rsolv_flags ${ARG_DEPS})
  target_compile_definitions(${name} PRIVATE RSOLV_VERSION="${PROJECT_VERSION}")
endfunction()

include(GNUInstallDirs)
function(rsolv_tool name)
  rsolv_executable(${name} ${ARGN})
  # --as-needed: no library a tool does not call into is loaded (glibc's empty libdl/libpthread
  # stubs). libcurl is not on a tool's link line at all (harness/http: rsolv_http_curl).
  target_link_options(${name} PRIVATE -Wl,--as-needed)
  if(RSOLV_STATIC)
    # With RSOLV_STATIC the dependencies are archives (cmake/RsolvStaticDeps.cmake); the C++
    # runtime goes in too.
    target_link_options(${name} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endfunction()

function(rsolv_test name)
  if(NOT RSOLV_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE rsolv_flags ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  # Tests find the tools and the source tree through these, never through the working directory.
  target_compile_definitions(${name} PRIVATE
    RSOLV_BIN_DIR="${CMAKE_RUNTIME_OUTPUT_DIRECTORY}"
    RSOLV_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT 300)
endfunction()

function(rsolv_bench name)
  if(NOT RSOLV_BUILD_BENCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE rsolv_flags ${ARG_DEPS} benchmark::benchmark)
endfunction()
