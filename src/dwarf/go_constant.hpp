#pragma once
// Go constants: the values of literals and constant expressions, exact where Go is exact (integers
// to 127 bits here, Go allows more; floats as long double), with Go's untyped kinds.
#include <cstdint>
#include <optional>
#include <string>

namespace godbg {

// The kind of an untyped constant, in Go's order of "larger" kinds (int < rune < float < complex).
enum class untyped : std::uint8_t { none, boolean, string, nil, integer, rune, floating, complex };

const char* untyped_name(untyped u);  // "untyped int", "untyped float", ...

struct go_constant {
  enum class kind : std::uint8_t { boolean, string, integer, floating, complex };
  kind k = kind::integer;
  bool b = false;
  std::string s;
  __int128 i = 0;
  long double re = 0, im = 0;  // floating: re; complex: re + im i

  static go_constant of_bool(bool v);
  static go_constant of_string(std::string v);
  static go_constant of_int(__int128 v);
  static go_constant of_float(long double v);
  static go_constant of_complex(long double re, long double im);

  bool is_numeric() const {
    return k == kind::integer || k == kind::floating || k == kind::complex;
  }
  // The value as a number of kind `to` (integer -> floating -> complex widen; the other way only
  // when exact). nullopt when it does not fit (1.5 as an integer, 2i as a float).
  std::optional<go_constant> to_kind(kind to) const;
  long double as_float() const { return k == kind::integer ? (long double)i : re; }

  // Go's constant text: 42, 1.5, (1 + 2i), "s", true.
  std::string text() const;
};

// Arithmetic on two constants of the same kind (to_kind first). Integer division truncates.
// Throws godbg::error ("division by zero", "constant overflow") with no position; callers add it.
go_constant constant_binary(char op, const go_constant& a, const go_constant& b);
// op is one of + - * / % & | ^ and 'n' for &^, '<' for <<, '>' for >>.
int constant_compare(const go_constant& a, const go_constant& b);  // -1, 0, 1 (not for complex)
bool constant_equal(const go_constant& a, const go_constant& b);

}  // namespace godbg
