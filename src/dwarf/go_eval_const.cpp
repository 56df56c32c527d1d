// Literals, constants and the numbers inside values: parsing every literal form, Go's rule for
// when an untyped constant fits a type ("300 (untyped int constant) overflows int8", "0.5
// (untyped float constant) truncated to int"), and typed scalars taken apart and put together
// (wrapping to their size).
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "dwarf/go_eval_internal.hpp"
#include "dwarf/go_number_text.hpp"

namespace godbg {

namespace {

std::string without_underscores(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_') out += c;
  return out;
}

// An integer literal's value; false on overflow of 127 bits.
bool parse_int(std::string_view text, __int128& out) {
  std::string s = without_underscores(text);
  int base = 10;
  std::size_t i = 0;
  if (s.size() > 1 && s[0] == '0') {
    char p = char(s[1] | 0x20);
    if (p == 'x')
      base = 16, i = 2;
    else if (p == 'o')
      base = 8, i = 2;
    else if (p == 'b')
      base = 2, i = 2;
    else
      base = 8, i = 1;
  }
  unsigned __int128 v = 0;
  const unsigned __int128 limit = ~(unsigned __int128)0 >> 1;
  for (; i < s.size(); ++i) {
    char c = s[i];
    int d = c >= '0' && c <= '9'                     ? c - '0'
            : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                     : 99;
    if (d >= base) return false;
    if (v > (limit - unsigned(d)) / unsigned(base)) return false;
    v = v * unsigned(base) + unsigned(d);
  }
  out = (__int128)v;
  return true;
}

long double parse_float(std::string_view text) {
  std::string s = without_underscores(text);
  // Go's legacy 0-prefixed floats are decimal; strtold agrees. Hex floats (0x1p-2) too.
  return std::strtold(s.c_str(), nullptr);
}

std::uint32_t decode_rune(const std::string& v) {
  if (v.empty()) return 0;
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(v[k]); };
  unsigned char c = b(0);
  if (c < 0x80) return c;
  std::size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
  std::uint32_t r = c & (0xff >> (n + 1));
  for (std::size_t k = 1; k < n && k < v.size(); ++k) r = (r << 6) | (b(k) & 0x3f);
  return r;
}

// Range of an integer type of `bits` bits.
bool int_fits(__int128 v, int bits, bool is_unsigned) {
  if (is_unsigned)
    return v >= 0 && (bits >= 64 ? v <= (__int128)UINT64_MAX : v < ((__int128)1 << bits));
  __int128 lim = (__int128)1 << (bits - 1);
  return v >= -lim && v < lim;
}

}  // namespace

eval_value evaluator::impl::eval_literal(const expr_node& n) {
  switch (n.op) {
    case tok::int_lit: {
      __int128 v = 0;
      if (!parse_int(n.text, v))
        error_at(n, fmt::format("integer constant {} too large (godbg keeps 127 bits)", n.text));
      return untyped_constant(untyped::integer, go_constant::of_int(v));
    }
    case tok::float_lit:
      return untyped_constant(untyped::floating, go_constant::of_float(parse_float(n.text)));
    case tok::imag_lit: {
      std::string_view t = n.text;
      t.remove_suffix(1);
      long double im;
      std::string s = without_underscores(t);
      bool hex_int = s.size() > 1 && s[0] == '0' && (s[1] | 0x20) == 'x' &&
                     s.find_first_of("pP") == std::string::npos;
      bool other_int =
          s.size() > 1 && s[0] == '0' && ((s[1] | 0x20) == 'o' || (s[1] | 0x20) == 'b');
      if (hex_int || other_int) {
        __int128 v = 0;
        if (!parse_int(s, v)) error_at(n, fmt::format("constant {} too large", n.text));
        im = (long double)v;
      } else {
        im = parse_float(s);
      }
      return untyped_constant(untyped::complex, go_constant::of_complex(0, im));
    }
    case tok::rune_lit:
      return untyped_constant(untyped::rune, go_constant::of_int(decode_rune(n.value)));
    case tok::string_lit:
      return untyped_constant(untyped::string, go_constant::of_string(n.value));
    default:
      error_at(n, "unknown literal");
  }
}

// --- numbers in values

go_number evaluator::impl::number(const eval_value& v) {
  go_number x;
  const go_type* t = v.type;
  if (!t) fail("untyped value has no number");
  std::size_t sz = std::size_t(std::min<std::uint64_t>(t->size, 8));
  x.bits = int(t->size * 8);
  if (v.k && v.k->is_numeric()) {  // a typed constant: exact
    const go_constant& c = *v.k;
    switch (t->kind) {
      case go_kind::int_:
        x.c = go_number::cls::sint;
        x.i = std::int64_t(c.i);
        return x;
      case go_kind::uint_:
        x.c = go_number::cls::uint;
        x.u = std::uint64_t(c.i);
        return x;
      case go_kind::float_:
        x.c = go_number::cls::flt;
        x.f = double(c.as_float());
        return x;
      case go_kind::complex_:
        x.c = go_number::cls::cplx;
        x.f = double(c.re);
        x.im = double(c.k == go_constant::kind::complex ? c.im : 0);
        if (c.k == go_constant::kind::integer) x.f = double(c.i);
        return x;
      default:
        break;
    }
  }
  auto b = bytes_of(v);
  switch (t->kind) {
    case go_kind::boolean:
      x.c = go_number::cls::boolean;
      x.b = load_le(b, 0, 1) != 0;
      return x;
    case go_kind::int_:
      x.c = go_number::cls::sint;
      x.i = load_le_signed(b, 0, sz);
      return x;
    case go_kind::uint_:
      x.c = go_number::cls::uint;
      x.u = load_le(b, 0, sz);
      return x;
    case go_kind::float_:
      x.c = go_number::cls::flt;
      x.f = load_le_float(b, 0, t->size == 4 ? 4 : 8);
      return x;
    case go_kind::complex_: {
      x.c = go_number::cls::cplx;
      std::size_t half = t->size == 8 ? 4 : 8;
      x.f = load_le_float(b, 0, half);
      x.im = load_le_float(b, half, half);
      return x;
    }
    default:
      fail("{} is not a number", t->name);
  }
}

eval_value evaluator::impl::from_number(const go_type* t, const go_number& x) {
  std::vector<std::uint8_t> b(std::size_t(t->size), 0);
  auto put = [&](std::uint64_t v, std::size_t off, std::size_t n) {
    std::memcpy(b.data() + off, &v, std::min<std::size_t>(n, 8));
  };
  switch (t->kind) {
    case go_kind::boolean:
      b[0] = x.b ? 1 : 0;
      break;
    case go_kind::int_:
    case go_kind::uint_:
      put(x.c == go_number::cls::sint ? std::uint64_t(x.i) : x.u, 0, b.size());
      break;
    case go_kind::float_:
      if (t->size == 4) {
        float f = float(x.f);
        std::memcpy(b.data(), &f, 4);
      } else {
        std::memcpy(b.data(), &x.f, 8);
      }
      break;
    case go_kind::complex_:
      if (t->size == 8) {
        float re = float(x.f), im = float(x.im);
        std::memcpy(b.data(), &re, 4);
        std::memcpy(b.data() + 4, &im, 4);
      } else {
        std::memcpy(b.data(), &x.f, 8);
        std::memcpy(b.data() + 8, &x.im, 8);
      }
      break;
    default:
      fail("{} is not a number", t->name);
  }
  return held_value(t, std::move(b));
}

// --- constants and types

eval_value evaluator::impl::typed_constant(const go_type* t, const go_constant& c,
                                           const expr_node& n) {
  using kind = go_constant::kind;
  auto overflow = [&] { error_at(n, fmt::format("constant {} overflows {}", c.text(), t->name)); };
  auto truncated = [&] {
    error_at(n, fmt::format("cannot convert {} to type {} (truncated)", text(n), t->name));
  };
  eval_value v;
  switch (t->kind) {
    case go_kind::boolean: {
      if (c.k != kind::boolean)
        error_at(n, fmt::format("cannot use {} as {} value", text(n), t->name));
      go_number x;
      x.c = go_number::cls::boolean;
      x.b = c.b;
      v = from_number(t, x);
      break;
    }
    case go_kind::string:
      if (c.k != kind::string)
        error_at(n, fmt::format("cannot use {} as {} value", text(n), t->name));
      v = make_string(t, c.s);
      break;
    case go_kind::int_:
    case go_kind::uint_: {
      auto i = c.to_kind(kind::integer);
      if (!i) truncated();
      if (!int_fits(i->i, int(t->size * 8), t->kind == go_kind::uint_)) overflow();
      go_number x;
      x.c = t->kind == go_kind::int_ ? go_number::cls::sint : go_number::cls::uint;
      x.i = std::int64_t(i->i);
      x.u = std::uint64_t(i->i);
      v = from_number(t, x);
      v.k = *i;
      return v;
    }
    case go_kind::float_: {
      auto f = c.to_kind(kind::floating);
      if (!f) truncated();
      long double lim = t->size == 4 ? 3.40282346638528859811704183484516925440e+38L
                                     : 1.797693134862315708145274237317043567981e+308L;
      if (std::isfinite(f->re) && std::fabs(f->re) > lim) overflow();
      go_number x;
      x.c = go_number::cls::flt;
      x.f = double(f->re);
      v = from_number(t, x);
      v.k = *f;
      return v;
    }
    case go_kind::complex_: {
      auto z = c.to_kind(kind::complex);
      if (!z) error_at(n, fmt::format("cannot use {} as {} value", text(n), t->name));
      go_number x;
      x.c = go_number::cls::cplx;
      x.f = double(z->re);
      x.im = double(z->im);
      v = from_number(t, x);
      v.k = *z;
      return v;
    }
    default:
      error_at(n, fmt::format("cannot use {} as {} value",
                              describe(n, untyped_constant(untyped::integer, c)), t->name));
  }
  v.k = c;
  return v;
}

eval_value evaluator::impl::convert_untyped(const eval_value& v, const go_type* t,
                                            const expr_node& n) {
  if (v.ut == untyped::none) return v;
  if (!t) error_at(n, fmt::format("cannot use {} here", describe(n, v)));
  if (v.ut == untyped::nil) {
    if (!nilable(t)) error_at(n, fmt::format("cannot use nil as {} value", t->name));
    return held_value(t, std::vector<std::uint8_t>(std::size_t(t->size), 0));
  }
  if (t->kind == go_kind::interface)
    error_at(n, fmt::format("cannot use {} as {} value: godbg cannot make interface values",
                            describe(n, v), t->name));
  const go_constant& c = *v.k;
  using kind = go_constant::kind;
  std::string what = describe(n, v);
  bool numeric_target = is_numeric(t);
  if ((c.k == kind::string) != is_string(t) || (c.k == kind::boolean) != is_boolean(t) ||
      (c.is_numeric() && !numeric_target))
    error_at(n, fmt::format("cannot use {} as {} value", what, t->name));
  if (is_integer(t)) {
    auto i = c.to_kind(kind::integer);
    if (!i) error_at(n, fmt::format("{} truncated to {}", what, t->name));
    if (!int_fits(i->i, int(t->size * 8), is_unsigned(t)))
      error_at(n, fmt::format("{} overflows {}", what, t->name));
  } else if (is_float(t)) {
    auto f = c.to_kind(kind::floating);
    if (!f) error_at(n, fmt::format("{} truncated to {}", what, t->name));
    long double lim = t->size == 4 ? 3.40282346638528859811704183484516925440e+38L
                                   : 1.797693134862315708145274237317043567981e+308L;
    if (std::fabs(f->re) > lim) error_at(n, fmt::format("{} overflows {}", what, t->name));
  }
  return typed_constant(t, c, n);
}

std::optional<std::int64_t> evaluator::impl::constant_index(const eval_value& v) {
  if (!v.k) return std::nullopt;
  auto i = v.k->to_kind(go_constant::kind::integer);
  if (!i || i->i > INT64_MAX || i->i < INT64_MIN) return std::nullopt;
  return std::int64_t(i->i);
}

// An index or length operand: an integer (or an untyped constant that is one).
std::int64_t evaluator::impl::index_value(const eval_value& v, const expr_node& n,
                                          const char* what) {
  if (v.ut != untyped::none) {
    if (v.ut == untyped::nil || !v.k || !v.k->is_numeric())
      error_at(n, fmt::format("invalid argument: {} {} must be integer", what, describe(n, v)));
    auto i = v.k->to_kind(go_constant::kind::integer);
    if (!i) error_at(n, fmt::format("{} truncated to int", describe(n, v)));
    if (i->i < 0)
      error_at(n,
               fmt::format("invalid argument: {} {} must not be negative", what, describe(n, v)));
    if (i->i > INT64_MAX) error_at(n, fmt::format("{} overflows int", describe(n, v)));
    return std::int64_t(i->i);
  }
  if (!is_integer(v.type))
    error_at(n, fmt::format("invalid argument: {} {} must be integer", what, describe(n, v)));
  go_number x = number(v);
  if (x.c == go_number::cls::uint) {
    if (x.u > std::uint64_t(INT64_MAX))
      error_at(n, fmt::format("runtime error: {} out of range", what));
    return std::int64_t(x.u);
  }
  return x.i;
}

}  // namespace godbg
