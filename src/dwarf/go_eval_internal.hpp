#pragma once
// The evaluator's inside, shared by its files: names and selectors (go_eval.cpp), types
// (go_eval_types.cpp), operators (go_eval_ops.cpp), indexing and slicing (go_eval_index.cpp),
// calls, conversions and assertions (go_eval_call.cpp), assignment (go_eval_assign.cpp).
#include <deque>
#include <map>

#include "dwarf/go_eval.hpp"

namespace godbg {

// A typed scalar taken apart for arithmetic.
struct go_number {
  enum class cls : std::uint8_t { sint, uint, flt, cplx, boolean, str } c = cls::sint;
  int bits = 64;         // ints: 8..64; floats: 32/64; complex: 64/128
  std::int64_t i = 0;    // sint
  std::uint64_t u = 0;   // uint
  double f = 0, im = 0;  // flt, cplx
  bool b = false;
  std::string s;  // str (the whole content)
};

// The constant kind of an untyped kind, and whether the kind is a number's.
inline go_constant::kind constant_kind(untyped u) {
  switch (u) {
    case untyped::boolean:
      return go_constant::kind::boolean;
    case untyped::string:
      return go_constant::kind::string;
    case untyped::floating:
      return go_constant::kind::floating;
    case untyped::complex:
      return go_constant::kind::complex;
    default:
      return go_constant::kind::integer;
  }
}
inline bool numeric_untyped(untyped u) {
  return u == untyped::integer || u == untyped::rune || u == untyped::floating ||
         u == untyped::complex;
}

bool is_integer(const go_type* t);
bool is_unsigned(const go_type* t);
bool is_float(const go_type* t);
bool is_complex(const go_type* t);
bool is_numeric(const go_type* t);
bool is_string(const go_type* t);
bool is_boolean(const go_type* t);
// Go's rule for a type's name: declared (main.T, int) rather than a literal ([]int, *T).
bool is_named(const go_type* t);
bool identical(const go_type* a, const go_type* b);
// Same underlying type, as far as the model tells (kind, size and shape).
bool same_underlying(const go_type* a, const go_type* b);
// The kinds nil is a value of.
bool nilable(const go_type* t);
// Go's builtin types that DWARF may lack: bool, int..., string, unsafe.Pointer, error... .
const go_type* builtin_type(std::string_view name);

struct evaluator::impl {
  eval_env env;
  const expr_tree* tree = nullptr;
  int depth = 0;
  std::vector<std::string> partial;  // variables read with optimized-out pieces

  std::deque<go_type> arena;
  std::map<std::string, const go_type*, std::less<>> made;
  struct synth_block {
    std::uint64_t addr;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<synth_block> synth;
  // Synthetic values live at non-canonical addresses no program can use.
  std::uint64_t next_synth = 0xfff0000000000000ull;

  explicit impl(eval_env e) : env(std::move(e)) {}

  bool has_local(std::string_view name) const;

  // --- memory
  bool read(std::uint64_t addr, std::span<std::uint8_t> out) const;
  std::vector<std::uint8_t> read_mem(std::uint64_t addr, std::uint64_t n) const;
  std::uint64_t place(std::vector<std::uint8_t> bytes);
  bool synthetic(std::uint64_t addr) const { return addr >= 0xfff0000000000000ull; }

  // --- types (go_eval_types.cpp)
  const go_type* basic(std::string_view name);
  const go_type* named(std::string_view name);  // DWARF, else builtin, else nullptr
  const go_type* make_type(go_type t);          // interned by name
  const go_type* pointer_to(const go_type* t);
  const go_type* slice_of(const go_type* t);
  const go_type* array_of(const go_type* t, std::uint64_t n);
  const go_type* default_type(untyped u);
  // The type an expression node denotes, or nullptr when it denotes none (a value).
  const go_type* type_of_node(const expr_node& n);
  std::string type_name_of_node(const expr_node& n);  // Go spelling, for lookups and errors

  // --- the tree
  std::string_view text(const expr_node& n) const { return tree->text_of(n); }
  eval_value eval(const expr_node& n);
  eval_value eval_ident(const expr_node& n);
  eval_value eval_selector(const expr_node& n);
  eval_value eval_literal(const expr_node& n);
  eval_value eval_unary(const expr_node& n);
  eval_value eval_binary(const expr_node& n);
  eval_value eval_index(const expr_node& n);
  std::optional<eval_value> generic(const expr_node& n);
  eval_value eval_slice(const expr_node& n);
  eval_value eval_call(const expr_node& n);
  eval_value eval_assert(const expr_node& n);
  eval_value eval_composite(const expr_node& n, const go_type* type);
  eval_value as_value(eval_value v, const expr_node& n);  // rejects types, packages, builtins

  // --- values
  std::vector<std::uint8_t> bytes_of(const eval_value& v);
  eval_value held_value(const go_type* t, std::vector<std::uint8_t> bytes);
  eval_value at_address(const go_type* t, std::uint64_t addr, bool addressable);
  eval_value untyped_constant(untyped u, go_constant c);
  eval_value typed_constant(const go_type* t, const go_constant& c, const expr_node& n);
  // v (untyped) as a value of type t, with the compiler's complaint when it does not fit.
  eval_value convert_untyped(const eval_value& v, const go_type* t, const expr_node& n);
  eval_value concrete(const eval_value& v, const expr_node& n);   // untyped -> default type
  std::string describe(const expr_node& n, const eval_value& v);  // "x (variable of type int)"
  std::string type_text(const eval_value& v) const;               // "int", "untyped int"
  go_number number(const eval_value& v);
  eval_value from_number(const go_type* t, const go_number& x);
  std::string string_content(const eval_value& v, std::size_t max = std::size_t(1) << 26);
  eval_value make_string(const go_type* t, std::string s);
  eval_value deref(const eval_value& p, const expr_node& n);
  eval_value field_of(const eval_value& v, const go_field& f);
  eval_value dynamic_value(const eval_value& iface, const expr_node& n);  // nil: throws
  const go_type* dynamic_type(const eval_value& iface);                   // nullptr for nil
  bool values_equal(const go_type* t, const eval_value& a, const eval_value& b, const expr_node& n);
  std::uint64_t word(const eval_value& v, std::uint64_t off = 0);  // 8 bytes at off

  // --- operators
  eval_value binary_values(tok op, eval_value x, eval_value y, const expr_node& n);
  eval_value shift(tok op, eval_value x, eval_value y, const expr_node& n);
  eval_value compare(tok op, eval_value x, eval_value y, const expr_node& n);
  eval_value arithmetic(tok op, const eval_value& x, const eval_value& y, const expr_node& n);
  // One untyped operand of binary n takes the other's type; false when its kind cannot.
  bool unify(eval_value& x, eval_value& y, const expr_node& n);

  // --- calls
  eval_value builtin_call(const std::string& name, const expr_node& n);
  eval_value conversion(const go_type* t, const eval_value& x, const expr_node& n,
                        const expr_node& arg);
  std::int64_t length(const eval_value& v, bool cap, const expr_node& n);
  std::optional<std::int64_t> constant_index(const eval_value& v);
  std::int64_t index_value(const eval_value& v, const expr_node& n, const char* what);

  // --- selectors
  std::optional<eval_value> find_field(const eval_value& v, std::string_view name,
                                       const expr_node& n);
  std::optional<eval_value> find_method(const eval_value& v, std::string_view name);
  std::optional<eval_value> package_member(const std::string& path, std::string_view name);
  std::optional<eval_value> qualified_path(const expr_node& n);  // a/b.c without quotes

  [[noreturn]] void error_at(const expr_node& n, const std::string& msg) const {
    throw expr_error(n.pos, msg);
  }
};

}  // namespace godbg
