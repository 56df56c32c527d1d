#include "dwarf/go_constant.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "dwarf/go_number_text.hpp"

namespace godbg {

const char* untyped_name(untyped u) {
  switch (u) {
    case untyped::boolean:
      return "untyped bool";
    case untyped::string:
      return "untyped string";
    case untyped::nil:
      return "untyped nil";
    case untyped::integer:
      return "untyped int";
    case untyped::rune:
      return "untyped rune";
    case untyped::floating:
      return "untyped float";
    case untyped::complex:
      return "untyped complex";
    case untyped::none:
      break;
  }
  return "typed";
}

go_constant go_constant::of_bool(bool v) {
  go_constant c;
  c.k = kind::boolean;
  c.b = v;
  return c;
}
go_constant go_constant::of_string(std::string v) {
  go_constant c;
  c.k = kind::string;
  c.s = std::move(v);
  return c;
}
go_constant go_constant::of_int(__int128 v) {
  go_constant c;
  c.k = kind::integer;
  c.i = v;
  return c;
}
go_constant go_constant::of_float(long double v) {
  go_constant c;
  c.k = kind::floating;
  c.re = v;
  return c;
}
go_constant go_constant::of_complex(long double re, long double im) {
  go_constant c;
  c.k = kind::complex;
  c.re = re;
  c.im = im;
  return c;
}

namespace {

constexpr __int128 int128_max = (__int128)(~(unsigned __int128)0 >> 1);
constexpr __int128 int128_min = -int128_max - 1;

bool fits_int128(long double v) {
  return std::isfinite(v) && v >= -1.7e38L && v <= 1.7e38L;
}

}  // namespace

std::optional<go_constant> go_constant::to_kind(kind to) const {
  if (k == to) return *this;
  if (!is_numeric()) return std::nullopt;
  switch (to) {
    case kind::integer: {
      long double v = k == kind::integer ? (long double)i : re;
      if (k == kind::complex && im != 0) return std::nullopt;
      if (!fits_int128(v) || std::trunc(v) != v) return std::nullopt;
      return of_int((__int128)v);
    }
    case kind::floating:
      if (k == kind::complex && im != 0) return std::nullopt;
      return of_float(as_float());
    case kind::complex:
      return of_complex(as_float(), k == kind::complex ? im : 0);
    default:
      return std::nullopt;
  }
}

std::string go_constant::text() const {
  switch (k) {
    case kind::boolean:
      return b ? "true" : "false";
    case kind::string:
      return go_quote_text(s);
    case kind::integer:
      return int128_text(i);
    case kind::floating:
      return float_text((double)re, 64);
    case kind::complex:
      return fmt::format("({} + {}i)", float_text((double)re, 64), float_text((double)im, 64));
  }
  return "?";
}

go_constant constant_binary(char op, const go_constant& a, const go_constant& b) {
  using kind = go_constant::kind;
  if (a.k == kind::string) {
    if (op != '+') fail("operator {} not defined on strings", op);
    return go_constant::of_string(a.s + b.s);
  }
  if (a.k == kind::boolean) fail("operator {} not defined on bools", op);
  if (a.k == kind::integer) {
    __int128 x = a.i, y = b.i, r = 0;
    auto overflow = [] { fail("constant overflow (godbg keeps 127 bits)"); };
    switch (op) {
      case '+':
        if (__builtin_add_overflow(x, y, &r)) overflow();
        return go_constant::of_int(r);
      case '-':
        if (__builtin_sub_overflow(x, y, &r)) overflow();
        return go_constant::of_int(r);
      case '*':
        if (__builtin_mul_overflow(x, y, &r)) overflow();
        return go_constant::of_int(r);
      case '/':
      case '%':
        if (y == 0) fail("division by zero");
        if (x == int128_min && y == -1) {
          if (op == '/') overflow();
          return go_constant::of_int(0);
        }
        return go_constant::of_int(op == '/' ? x / y : x % y);
      case '&':
        return go_constant::of_int(x & y);
      case '|':
        return go_constant::of_int(x | y);
      case '^':
        return go_constant::of_int(x ^ y);
      case 'n':
        return go_constant::of_int(x & ~y);
      case '<':
      case '>': {
        if (y < 0) fail("negative shift count");
        if (op == '>') return go_constant::of_int(y >= 127 ? (x < 0 ? -1 : 0) : x >> int(y));
        if (x == 0) return go_constant::of_int(0);
        if (y >= 127) overflow();
        __int128 shifted = (__int128)((unsigned __int128)x << int(y));
        if ((shifted >> int(y)) != x) overflow();
        return go_constant::of_int(shifted);
      }
      default:
        fail("operator {} not defined on integers", op);
    }
  }
  if (a.k == kind::floating) {
    long double x = a.re, y = b.re;
    switch (op) {
      case '+':
        return go_constant::of_float(x + y);
      case '-':
        return go_constant::of_float(x - y);
      case '*':
        return go_constant::of_float(x * y);
      case '/':
        if (y == 0) fail("division by zero");
        return go_constant::of_float(x / y);
      default:
        fail("operator {} not defined on floats", op);
    }
  }
  // complex
  long double ar = a.re, ai = a.im, br = b.re, bi = b.im;
  switch (op) {
    case '+':
      return go_constant::of_complex(ar + br, ai + bi);
    case '-':
      return go_constant::of_complex(ar - br, ai - bi);
    case '*':
      return go_constant::of_complex(ar * br - ai * bi, ar * bi + ai * br);
    case '/': {
      long double d = br * br + bi * bi;
      if (d == 0) fail("division by zero");
      return go_constant::of_complex((ar * br + ai * bi) / d, (ai * br - ar * bi) / d);
    }
    default:
      fail("operator {} not defined on complex numbers", op);
  }
}

int constant_compare(const go_constant& a, const go_constant& b) {
  using kind = go_constant::kind;
  if (a.k == kind::string) return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  if (a.k == kind::integer && b.k == kind::integer) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  long double x = a.as_float(), y = b.as_float();
  return x < y ? -1 : x > y ? 1 : 0;
}

bool constant_equal(const go_constant& a, const go_constant& b) {
  using kind = go_constant::kind;
  if (a.k == kind::boolean) return a.b == b.b;
  if (a.k == kind::complex || b.k == kind::complex) {
    auto x = a.to_kind(kind::complex), y = b.to_kind(kind::complex);
    return x && y && x->re == y->re && x->im == y->im;
  }
  return constant_compare(a, b) == 0;
}

}  // namespace godbg
