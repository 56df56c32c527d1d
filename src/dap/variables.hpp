#pragma once
// DAP variables: what each variablesReference stands for while the program is stopped (a
// frame's locals, arguments or registers, or a value whose children the editor may open), and
// values turned into DAP variables, children read only when asked for.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "debugger/model.hpp"
#include "dwarf/dwarf_value.hpp"

namespace godbg {
class session;
}

namespace godbg::dap {

struct var_container {
  enum class kind { locals, arguments, registers, value } k = kind::value;
  scope where;                // the frame the variables belong to
  go_value value;             // kind::value
  std::string evaluate_name;  // the value's expression, for its children's evaluateName
};

class variable_store {
 public:
  int add(var_container c) {
    items_.push_back(std::move(c));
    return int(items_.size());
  }
  const var_container* find(std::int64_t ref) const {
    if (ref < 1 || std::uint64_t(ref) > items_.size()) return nullptr;
    return &items_[std::size_t(ref - 1)];
  }
  void clear() { items_.clear(); }

 private:
  std::vector<var_container> items_;
};

// One child of a value: its name, evaluate name and the value.
struct child_value {
  std::string name;
  std::string evaluate_name;
  go_value value;
};

// The value as a DAP variable ({name, value, type, variablesReference, evaluateName, ...}).
nlohmann::json variable_json(session& s, variable_store& store, const scope& where,
                             const std::string& name, const go_value& v,
                             const std::string& evaluate_name);
// The same pieces for evaluate's body: result, type, variablesReference and the counts.
nlohmann::json evaluate_json(session& s, variable_store& store, const scope& where,
                             const go_value& v, const std::string& expr);

// Children of a value: `filter` "indexed" or "named" (or empty for all), from `start`, at
// most `count` (0: no limit).
std::vector<child_value> value_children(session& s, const go_value& v, const std::string& expr,
                                        const std::string& filter, std::size_t start,
                                        std::size_t count);

// Writes `text` (a Go literal: number, bool, nil, a character) into a scalar value in memory.
// Throws godbg::error when the value lives in no memory or the literal does not fit its type.
void assign_scalar(session& s, const go_value& v, const std::string& text);

}  // namespace godbg::dap
