// Comparisons with Go's rules: == and != on comparable types (a slice, map or func only
// against nil; an interface against a value of a type it may hold), < <= > >= on ordered ones,
// NaN unequal to everything, results an untyped bool; and equality of whole values (structs
// field by field, arrays element by element, strings by content, interfaces by dynamic type
// and value).
#include <fmt/format.h>

#include <cmath>

#include "dwarf/go_eval_internal.hpp"

namespace godbg {

namespace {

bool comparable_kind(const go_type* t) {
  switch (t->kind) {
    case go_kind::slice:
    case go_kind::map:
    case go_kind::func:
      return false;
    case go_kind::struct_:
      for (const auto& f : t->fields)
        if (f.type && !comparable_kind(f.type)) return false;
      return true;
    case go_kind::array:
      return !t->elem || comparable_kind(t->elem);
    default:
      return true;
  }
}

bool ordered(const go_type* t) {
  return is_integer(t) || is_float(t) || is_string(t);
}

}  // namespace

eval_value evaluator::impl::compare(tok op, eval_value x, eval_value y, const expr_node& n) {
  auto result = [](bool b) { return go_constant::of_bool(b); };
  auto mismatched = [&] {
    error_at(n, fmt::format("invalid operation: {} (mismatched types {} and {})", text(n),
                            type_text(x), type_text(y)));
  };
  auto from_order = [&](int c) {
    switch (op) {
      case tok::eql:
        return c == 0;
      case tok::neq:
        return c != 0;
      case tok::lss:
        return c < 0;
      case tok::leq:
        return c <= 0;
      case tok::gtr:
        return c > 0;
      default:
        return c >= 0;
    }
  };
  if (x.ut == untyped::nil && y.ut == untyped::nil)
    error_at(n, fmt::format("invalid operation: {} (operator {} not defined on untyped nil)",
                            text(n), tok_spelling(op)));
  // nil against a pointer, slice, map, chan, func or interface.
  if (x.ut == untyped::nil || y.ut == untyped::nil) {
    const eval_value& v = x.ut == untyped::nil ? y : x;
    if (v.ut != untyped::none || !nilable(v.type)) mismatched();
    if (op != tok::eql && op != tok::neq)
      error_at(n, fmt::format("invalid operation: {} (operator {} not defined on nil)", text(n),
                              tok_spelling(op)));
    bool is_nil = word(v, 0) == 0;
    return untyped_constant(untyped::boolean, result(op == tok::eql ? is_nil : !is_nil));
  }
  if (x.ut != untyped::none && y.ut != untyped::none) {
    bool xn = numeric_untyped(x.ut), yn = numeric_untyped(y.ut);
    if (xn != yn || (!xn && x.ut != y.ut)) mismatched();
    untyped u = std::max(x.ut, y.ut);
    go_constant a = x.k->to_kind(constant_kind(u)).value(),
                b = y.k->to_kind(constant_kind(u)).value();
    if ((u == untyped::boolean || u == untyped::complex) && op != tok::eql && op != tok::neq)
      error_at(n, fmt::format("invalid operation: {} (operator {} not defined on {})", text(n),
                              tok_spelling(op), untyped_name(u)));
    bool eq = constant_equal(a, b);
    if (op == tok::eql || op == tok::neq)
      return untyped_constant(untyped::boolean, result(op == tok::eql ? eq : !eq));
    return untyped_constant(untyped::boolean, result(from_order(constant_compare(a, b))));
  }
  if (!unify(x, y, n)) mismatched();
  // An interface compares with a value of a type that may be in it.
  bool iface_mix = (x.type->kind == go_kind::interface) != (y.type->kind == go_kind::interface);
  if (!identical(x.type, y.type) && !iface_mix) mismatched();
  const go_type* t = x.type;
  if (op == tok::eql || op == tok::neq) {
    if (!comparable_kind(x.type) || !comparable_kind(y.type)) {
      const char* what = t->kind == go_kind::slice  ? "slice"
                         : t->kind == go_kind::map  ? "map"
                         : t->kind == go_kind::func ? "func"
                                                    : nullptr;
      if (what)
        error_at(n, fmt::format("invalid operation: {} ({} can only be compared to nil)", text(n),
                                what));
      error_at(n, fmt::format("invalid operation: {} ({} cannot be compared)", text(n), t->name));
    }
    bool eq;
    if (iface_mix) {
      const eval_value& iv = x.type->kind == go_kind::interface ? x : y;
      const eval_value& cv = x.type->kind == go_kind::interface ? y : x;
      const go_type* dyn = dynamic_type(iv);
      eq = dyn && identical(dyn, cv.type) && values_equal(dyn, dynamic_value(iv, n), cv, n);
    } else {
      eq = values_equal(t, x, y, n);
    }
    return untyped_constant(untyped::boolean, result(op == tok::eql ? eq : !eq));
  }
  if (!ordered(t)) {
    std::string k = t->kind == go_kind::struct_     ? "struct"
                    : t->kind == go_kind::pointer   ? "pointer"
                    : t->kind == go_kind::interface ? "interface"
                    : t->kind == go_kind::complex_  ? t->name
                    : t->kind == go_kind::boolean   ? t->name
                                                    : t->name;
    error_at(n, fmt::format("invalid operation: {} (operator {} not defined on {})", text(n),
                            tok_spelling(op), k));
  }
  if (is_string(t)) {
    std::string a = string_content(x), b = string_content(y);
    int c = a < b ? -1 : a > b ? 1 : 0;
    return untyped_constant(untyped::boolean, result(from_order(c)));
  }
  go_number a = number(x), b = number(y);
  int c = 0;
  if (a.c == go_number::cls::sint)
    c = a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  else if (a.c == go_number::cls::uint)
    c = a.u < b.u ? -1 : a.u > b.u ? 1 : 0;
  else {
    // NaN: every ordered comparison is false, != true.
    if (std::isnan(a.f) || std::isnan(b.f))
      return untyped_constant(untyped::boolean, result(false));
    c = a.f < b.f ? -1 : a.f > b.f ? 1 : 0;
  }
  return untyped_constant(untyped::boolean, result(from_order(c)));
}

bool evaluator::impl::values_equal(const go_type* t, const eval_value& a, const eval_value& b,
                                   const expr_node& n) {
  switch (t->kind) {
    case go_kind::float_:
    case go_kind::complex_: {
      go_number x = number(a), y = number(b);
      return x.f == y.f && x.im == y.im;
    }
    case go_kind::string: {
      auto ha = bytes_of(a), hb = bytes_of(b);
      if (load_le(ha, 8, 8) != load_le(hb, 8, 8)) return false;
      return string_content(a) == string_content(b);
    }
    case go_kind::interface: {
      const go_type* da = dynamic_type(a);
      const go_type* db = dynamic_type(b);
      if (!da || !db) return !da && !db;
      if (!identical(da, db)) return false;
      if (!comparable_kind(da))
        error_at(n, fmt::format("runtime error: comparing uncomparable type {}", da->name));
      return values_equal(da, dynamic_value(a, n), dynamic_value(b, n), n);
    }
    case go_kind::struct_:
      for (const auto& f : t->fields) {
        if (!f.type || f.name == "_") continue;
        if (!values_equal(f.type, field_of(a, f), field_of(b, f), n)) return false;
      }
      return true;
    case go_kind::array: {
      if (!t->elem) return bytes_of(a) == bytes_of(b);
      std::uint64_t count = std::min<std::uint64_t>(t->length, 1u << 16);
      auto ba = bytes_of(a), bb = bytes_of(b);
      for (std::uint64_t i = 0; i < count; ++i) {
        std::uint64_t off = i * t->elem->size;
        eval_value ea = held_value(t->elem, {ba.begin() + off, ba.begin() + off + t->elem->size});
        eval_value eb = held_value(t->elem, {bb.begin() + off, bb.begin() + off + t->elem->size});
        if (!values_equal(t->elem, ea, eb, n)) return false;
      }
      return true;
    }
    default: {
      auto ba = bytes_of(a), bb = bytes_of(b);
      std::size_t sz = std::size_t(std::min<std::uint64_t>(t->size, 8));
      return load_le(ba, 0, sz) == load_le(bb, 0, sz);
    }
  }
}

}  // namespace godbg
