#pragma once
// A startup stage's value as JSON: the only place the core's values meet nlohmann-json.
#include <nlohmann/json.hpp>

#include "debugger/stage_value.hpp"

namespace godbg {

inline nlohmann::json to_json(const stage_value& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, stage_value::list>) {
          nlohmann::json a = nlohmann::json::array();
          for (const auto& e : x) a.push_back(to_json(e));
          return a;
        } else if constexpr (std::is_same_v<T, stage_value::object>) {
          nlohmann::json o = nlohmann::json::object();
          for (const auto& [k, e] : x.fields) o[k] = to_json(e);
          return o;
        } else {
          return x;
        }
      },
      v.raw());
}

}  // namespace godbg
