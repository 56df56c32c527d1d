#pragma once
// One stage of the startup report as the stage machine builds it, and the one line that says
// what it established (made from its values only, so text and JSON agree).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "debugger/stage_value.hpp"

namespace godbg {

struct stage_rec {
  std::string stage;
  std::uint64_t t_us = 0;
  int tid = 0;
  std::optional<std::int64_t> goid;
  std::vector<std::pair<std::string, stage_value>> values;
  std::optional<std::uint64_t> dur_us;
  // Package init stages ("init").
  std::optional<std::string> package;
  std::optional<std::uint64_t> bytes, allocs;

  void put(const std::string& k, stage_value v) {
    for (auto& [key, val] : values)
      if (key == k) {
        val = std::move(v);
        return;
      }
    values.emplace_back(k, std::move(v));
  }
  stage_value get(std::string_view k) const {
    for (auto& [key, val] : values)
      if (key == k) return val;
    return nullptr;
  }
};

std::string summarize(const stage_rec& r, int pid);

// "0.084 ms", "8.7 ms", "20 ms": as the runtime's inittrace prints times.
std::string ms_text(std::uint64_t us);
// An import path shortened for a summary line: "github.com/alecthomas/chroma/v2/lexers" ->
// "chroma/v2/lexers"; the standard library's as it is.
std::string short_package(const std::string& path);
// "init: 478 packages, 24.1 ms; chroma/v2/lexers 8.7 ms, ..." (the heaviest first).
std::string init_summary(const std::vector<const stage_rec*>& inits, std::size_t top);

}  // namespace godbg
