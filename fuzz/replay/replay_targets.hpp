#pragma once
// The fuzz targets linked into the replay test (the list is generated at configure time).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

struct FuzzTarget {
  std::string name;
  void (*run)(const std::uint8_t*, std::size_t);
};

const std::vector<FuzzTarget>& fuzz_targets();
