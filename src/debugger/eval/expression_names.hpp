#pragma once
// The names `print` can resolve, for completing what a user types after `print `.
#include <string>
#include <string_view>
#include <vector>

namespace godbg {

class session;

// The package of a Go function name: "main" of "main.checkpoint", "net/http" of
// "net/http.(*Server).Serve"; "" when there is none.
std::string package_of_function(std::string_view function);

// Names starting with `prefix` that print resolves now, sorted and unique: the parameters and
// locals of the selected frame and its package's globals by their short names (these need
// DWARF, which this opens), then package-level variables by full name from the ELF symbol table
// (cheap; only once something is typed, there are thousands).
std::vector<std::string> expression_names(session& s, std::string_view prefix);

}  // namespace godbg
