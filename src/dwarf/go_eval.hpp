#pragma once
// Go expressions evaluated with Go's typing over the type model of DWARF: untyped constants,
// typed results that wrap to their type, the compiler's errors ("mismatched types int and
// float64"), conversions, indexing and slicing, type assertions, builtins, selectors through
// embedded structs and pointers. Memory, variables and types come through callbacks (eval_env),
// so this runs as well on a live process, a core file or a test's buffers.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dwarf/dwarf_memory.hpp"
#include "dwarf/dwarf_types.hpp"
#include "dwarf/dwarf_value.hpp"
#include "dwarf/go_constant.hpp"
#include "dwarf/go_expr_ast.hpp"
#include "dwarf/go_shown.hpp"

namespace godbg {

// The result of evaluating an expression or a part of one.
struct eval_value {
  enum class form : std::uint8_t {
    value,     // a Go value (or an untyped constant, or nil)
    type,      // a type: T in T(x), x.(T), T{...}
    package,   // a package name: name holds its path
    builtin,   // len, cap, ...: name
    function,  // a function or method used as a value: name, func_pc
  };
  form f = form::value;
  const go_type* type = nullptr;      // value: its type (nullptr while untyped); type: the type
  untyped ut = untyped::none;         // untyped constants and nil
  std::optional<go_constant> k;       // constants, typed or not
  std::optional<std::uint64_t> addr;  // where the value lives (program or synthetic memory)
  std::vector<std::uint8_t> bytes;    // the value itself when held here; empty: read from addr
  bool held = false;                  // bytes is the value (not read from memory)
  bool addressable = false;           // Go's addressability: &x and set work on it
  bool variable = false;              // a named variable (for "x (variable of type int)")
  bool address_of = false;            // the result of &x: shown as (*T)(0x...)
  std::string name;                   // package path, builtin, function name; register name
  std::uint64_t func_pc = 0;
  bool is_register = false;     // $rax: name is the register
  bool named_constant = false;  // a package constant itself: shown without its own name

  bool is_constant() const { return k.has_value(); }
  // A variable read from the program (held when its bytes were read with it).
  static eval_value of(const go_value& v);
  bool is_untyped() const { return f == form::value && ut != untyped::none; }
};

struct function_ref {
  std::string name;  // "main.double", "main.(*Point).Scale"
  std::uint64_t entry = 0;
  const go_type* type = nullptr;  // its func type, when DWARF names one
  eval_value value() const;       // the function as a value (form::function)
};

struct eval_env {
  memory_reader read_memory;
  // Writes program memory (set); empty for a read-only target (a core file).
  std::function<bool(std::uint64_t, std::span<const std::uint8_t>)> write_memory;
  // A parameter, local or closure capture of the frame, by its Go name (escaped variables already
  // followed); nullopt when the frame has none.
  std::function<std::optional<go_value>(std::string_view)> local;
  // Whether the frame has a variable of that name (cheaper than local: nothing is read).
  std::function<bool(std::string_view)> has_local;
  // A package-level variable by its full name ("main.Counter", "net/http.DefaultClient").
  std::function<std::optional<go_value>(std::string_view)> global;
  std::string package;  // the frame's package, for unqualified package-level names
  // The import path of a package by name or path ("http" -> "net/http"); nullopt: no such.
  std::function<std::optional<std::string>(std::string_view)> package_path;
  // A type by its Go name ("int", "main.Point", "*main.Point", "map[string]int").
  std::function<const go_type*(std::string_view)> type_named;
  // The type whose runtime descriptor is at this address (interfaces' dynamic types).
  std::function<const go_type*(std::uint64_t)> type_of_descriptor;
  std::function<std::optional<function_ref>(std::string_view)> function_named;
  std::function<std::optional<std::string>(std::uint64_t)> function_at;
  std::function<std::vector<closure_capture>(const std::string&)> closure_captures;
  // The constants naming an integer of a named type (printer_env::constant_name).
  std::function<std::string(const go_type&, std::int64_t)> constant_name;
  // A register of the frame by name (without $); nullopt when unknown there.
  std::function<std::optional<std::uint64_t>(std::string_view)> read_register;
  std::function<bool(std::string_view, std::uint64_t)> write_register;
};

// One evaluation context: owns the types and synthetic values (string concatenations, slices
// of arrays, conversions) that results refer to, so it must outlive what it returns.
class evaluator {
 public:
  explicit evaluator(eval_env env);
  ~evaluator();
  evaluator(const evaluator&) = delete;
  evaluator& operator=(const evaluator&) = delete;

  // Throws expr_error (position and reason) or godbg::error (memory that cannot be read).
  eval_value evaluate(const expr_tree& t);
  // The same, but a type or a package is an answer too (whatis main.Point).
  eval_value evaluate_any(const expr_tree& t);
  // Go's assignment lhs = rhs: integers, floats, bools, pointers, fields, elements, registers;
  // strings and slices from values the program holds. Returns the new value of lhs.
  eval_value assign(const expr_tree& lhs, const expr_tree& rhs);

  // The value as print shows it (Delve's format), and the name of its type ("int" for an
  // untyped integer constant, as Go's default type).
  std::string show(const eval_value& v, bool multiline, const print_limits& limits = {});
  std::string type_name(const eval_value& v) const;
  // The scalar of a value: integer, float, bool or string (strings up to max_string bytes).
  using scalar = std::variant<std::int64_t, std::uint64_t, double, bool, std::string>;
  std::optional<scalar> scalar_of(const eval_value& v, std::size_t max_string = 1 << 20);
  // Variables read so far that are partly optimized out (their missing pieces read as zero).
  const std::vector<std::string>& partial_variables() const;
  // A boolean result (conditions): throws expr_error when v is not a bool.
  bool truth(const eval_value& v, const expr_tree& t);

  // Memory with the synthetic values overlaid, and what the printer needs.
  memory_reader memory() const;
  printer_env printer() const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

// Names of Go's predeclared types, builtin functions and constants (for completion).
std::span<const std::string_view> predeclared_names();

}  // namespace godbg
