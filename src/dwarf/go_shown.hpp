#pragma once
// Go values shown as Delve's print shows them. A value is first loaded into a small tree (what
// Delve's api.Variable holds: kind, type, scalar text, children, len/cap, address), within limits
// (64 string bytes, 64 elements, one level of nesting below the value, pointers followed), then
// written on one line or, as print does, on several.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dwarf/dwarf_memory.hpp"
#include "dwarf/dwarf_types.hpp"

namespace godbg {

struct print_limits {
  std::size_t max_string = 64;  // bytes of a string shown; the rest as ...+N more
  std::size_t max_array = 64;   // elements of an array, slice or map
  int max_recurse = 1;          // nesting levels below the value that are loaded
  // gdb's print/FMT for integers: 'x' hex, 'o' octal, 't' binary, 'd' signed, 'u' unsigned,
  // 'c' the character too; 0 for decimal.
  char int_format = 0;
};

// A captured variable of a closure: read at the funcval's address + offset.
struct closure_capture {
  std::string name;
  const go_type* type = nullptr;
  std::uint64_t offset = 0;
  bool by_reference = false;  // DWARF's &x: the closure holds a pointer to it
};

// What the printer needs from the program besides memory.
struct printer_env {
  memory_reader mem;
  // The type whose runtime descriptor (runtime._type) is at this address; nullptr if unknown.
  std::function<const go_type*(std::uint64_t)> type_of_descriptor;
  // The function containing pc ("main.double", "main.main.func1"); nullopt if none.
  std::function<std::optional<std::string>(std::uint64_t)> function_at;
  // The variables a closure function captures, for printing func values (may be empty).
  std::function<std::vector<closure_capture>(const std::string& function)> closure_captures;
  // The package constants that name value v of integer type t, as Delve shows them: the one
  // equal to v, else single-bit ones or'ed together ("FlagA|FlagC"); "" when none (may be
  // empty: no names).
  std::function<std::string(const go_type& t, std::int64_t v)> constant_name;
};

struct shown_value {
  go_kind kind = go_kind::invalid;
  bool unsafe_pointer = false;
  std::string name;   // a struct field, a closure capture
  std::string type;   // the Go type name shown
  std::string value;  // scalar text; a string's (loaded) bytes; a func's name; a time's date
  bool has_value = false;
  std::uint64_t addr = 0;  // where the value lives; 0 for nil (or nowhere)
  std::uint64_t base = 0;  // slice/string data, map/chan header, func entry
  std::int64_t len = 0, cap = 0;
  bool only_addr = false;  // not loaded: shown by address
  bool is_nil = false;     // what a nil pointer points at, the data of a nil interface
  std::string unreadable;
  std::vector<shown_value> children;  // pointer: pointee; interface: data; map: key, value, ...
};

// Loads a value of type t that lives at addr (bytes empty) or whose bytes are given (a value in
// registers or computed). Never throws: unreadable parts are marked in the tree.
shown_value load_shown(const printer_env& env, const go_type& t, std::optional<std::uint64_t> addr,
                       std::span<const std::uint8_t> bytes, const print_limits& limits = {});

// Delve's MultilineString (what print shows) or SinglelineString.
std::string write_shown(const shown_value& v, bool multiline);

// A pointer's value printed as Delve prints &x: (*T)(0xc000012345).
std::string pointer_text(const std::string& type, std::uint64_t addr);

// time.Time's wall and ext words and its zone offset (seconds east of UTC, as found in its
// *time.Location) as Delve shows it: 2024-02-29T13:14:15Z, 2023-07-01T00:00:00+02:00; with a
// monotonic reading, ", +N" follows.
std::string time_text(std::uint64_t wall, std::int64_t ext, std::optional<int> zone_offset);

}  // namespace godbg
