#pragma once
// The expressions `print` accepts, evaluated against the type model: names (x, main.Counter),
// fields (a.b, also through pointers as Go does), indexing (a[i] on arrays, slices, strings and
// maps with integer or string keys), *p, &x, len(x), cap(x), parentheses and integer literals.
#include <functional>
#include <optional>
#include <string_view>

#include "dwarf/dwarf_memory.hpp"
#include "dwarf/dwarf_value.hpp"

namespace godbg {

struct expr_env {
  // A variable by the name written ("x", "main.Counter"); nullopt when there is none.
  std::function<std::optional<go_value>(std::string_view)> lookup;
  memory_reader read_memory;
  // A type by Go name ("int", "*main.point"), to type literals and &x; may be left empty, then
  // such types are made up.
  std::function<const go_type*(std::string_view)> type_by_name;
};

// Throws godbg::error saying what is wrong ("no variable x", "main.point has no field Z",
// "index 7 out of range [0:5]", "syntax error at 'x'").
go_value evaluate_expression(std::string_view expr, const expr_env& env);

}  // namespace godbg
