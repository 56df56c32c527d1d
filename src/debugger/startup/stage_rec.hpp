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

}  // namespace godbg
