// Operators with Go's rules: untyped constants take the other operand's type, typed operands
// must have identical types, results wrap to their type, && and || short-circuit, comparisons
// give an untyped bool, and the errors read as the compiler's ("invalid operation: i + f
// (mismatched types int and float64)").
#include <fmt/format.h>

#include <cmath>
#include <complex>
#include <cstring>

#include "dwarf/go_eval_internal.hpp"

namespace godbg {

namespace {

bool is_comparison(tok t) {
  return t == tok::eql || t == tok::neq || t == tok::lss || t == tok::leq || t == tok::gtr ||
         t == tok::geq;
}

char constant_op(tok t) {
  switch (t) {
    case tok::add:
      return '+';
    case tok::sub:
      return '-';
    case tok::mul:
      return '*';
    case tok::quo:
      return '/';
    case tok::rem:
      return '%';
    case tok::and_:
      return '&';
    case tok::or_:
      return '|';
    case tok::xor_:
      return '^';
    case tok::and_not:
      return 'n';
    case tok::shl:
      return '<';
    case tok::shr:
      return '>';
    default:
      return 0;
  }
}

// Wraps v to a signed integer of `bits` bits.
std::int64_t wrap_signed(std::uint64_t v, int bits) {
  if (bits >= 64) return std::int64_t(v);
  unsigned shift = unsigned(64 - bits);
  return std::int64_t(v << shift) >> shift;
}

std::uint64_t wrap_unsigned(std::uint64_t v, int bits) {
  return bits >= 64 ? v : v & ((std::uint64_t(1) << bits) - 1);
}

// The operand kinds an operator accepts, for the compiler's "operator + not defined on ...".
bool defined_on(tok op, const go_type* t) {
  switch (op) {
    case tok::add:
      return is_numeric(t) || is_string(t);
    case tok::sub:
    case tok::mul:
    case tok::quo:
      return is_numeric(t);
    case tok::rem:
    case tok::and_:
    case tok::or_:
    case tok::xor_:
    case tok::and_not:
      return is_integer(t);
    case tok::land:
    case tok::lor:
      return is_boolean(t);
    default:
      return false;
  }
}

}  // namespace

eval_value evaluator::impl::eval_unary(const expr_node& n) {
  const expr_node& operand = *n.kids[0];
  if (n.op == tok::mul) {
    eval_value x = eval(operand);
    if (x.f == eval_value::form::type) {  // *T in (*T)(p)
      eval_value t;
      t.f = eval_value::form::type;
      t.type = pointer_to(x.type);
      return t;
    }
    x = as_value(std::move(x), operand);
    if (x.ut == untyped::nil) error_at(n, "invalid operation: cannot indirect nil");
    if (x.ut != untyped::none)
      error_at(n, fmt::format("invalid operation: cannot indirect {}", describe(operand, x)));
    return deref(x, operand);
  }
  if (n.op == tok::and_) {
    eval_value x = as_value(eval(operand), operand);
    if (x.is_register)
      error_at(n,
               fmt::format("invalid operation: cannot take address of register {}", text(operand)));
    bool literal = operand.kind == node_kind::composite;
    if (!x.addr || (!x.addressable && !literal)) {
      if (x.ut != untyped::none || !x.type)
        error_at(n,
                 fmt::format("invalid operation: cannot take address of {}", describe(operand, x)));
      if (!literal)
        error_at(n,
                 fmt::format("invalid operation: cannot take address of {}", describe(operand, x)));
    }
    std::uint64_t a = x.addr ? *x.addr : place(bytes_of(x));
    std::vector<std::uint8_t> b(8);
    std::memcpy(b.data(), &a, 8);
    eval_value p = held_value(pointer_to(x.type), std::move(b));
    p.address_of = true;
    return p;
  }
  if (n.op == tok::arrow)
    error_at(n,
             fmt::format("invalid operation: cannot receive from {}: the program would have to run",
                         text(operand)));
  eval_value x = as_value(eval(operand), operand);
  if (x.ut == untyped::nil)
    error_at(n,
             fmt::format("invalid operation: operator {} not defined on nil", tok_spelling(n.op)));
  if (x.ut != untyped::none) {  // constant folding
    const go_constant& c = *x.k;
    switch (n.op) {
      case tok::add:
        if (!c.is_numeric()) break;
        return x;
      case tok::sub:
        if (!c.is_numeric()) break;
        return untyped_constant(
            x.ut, constant_binary('-', go_constant::of_int(0).to_kind(c.k).value(), c));
      case tok::not_:
        if (c.k != go_constant::kind::boolean) break;
        return untyped_constant(x.ut, go_constant::of_bool(!c.b));
      case tok::xor_:
        if (c.k != go_constant::kind::integer) break;
        return untyped_constant(x.ut, go_constant::of_int(-c.i - 1));
      default:
        break;
    }
    error_at(n, fmt::format("invalid operation: operator {} not defined on {}", tok_spelling(n.op),
                            describe(operand, x)));
  }
  const go_type* t = x.type;
  bool ok = (n.op == tok::add || n.op == tok::sub) ? is_numeric(t)
            : n.op == tok::not_                    ? is_boolean(t)
                                                   : is_integer(t);
  if (!ok)
    error_at(n, fmt::format("invalid operation: operator {} not defined on {}", tok_spelling(n.op),
                            describe(operand, x)));
  if (n.op == tok::add) return x;
  go_number v = number(x);
  switch (v.c) {
    case go_number::cls::boolean:
      v.b = !v.b;
      break;
    case go_number::cls::sint:
      v.i = wrap_signed(n.op == tok::sub ? 0 - std::uint64_t(v.i) : ~std::uint64_t(v.i), v.bits);
      break;
    case go_number::cls::uint:
      v.u = wrap_unsigned(n.op == tok::sub ? 0 - v.u : ~v.u, v.bits);
      break;
    case go_number::cls::flt:
      v.f = -v.f;
      break;
    case go_number::cls::cplx:
      v.f = -v.f;
      v.im = -v.im;
      break;
    default:
      break;
  }
  eval_value r = from_number(t, v);
  if (x.k) {  // a typed constant stays one
    if (auto c = x.k) {
      if (n.op == tok::sub && c->is_numeric())
        r.k = constant_binary('-', go_constant::of_int(0).to_kind(c->k).value(), *c);
      else if (n.op == tok::not_)
        r.k = go_constant::of_bool(v.b);
      else if (v.c == go_number::cls::sint)
        r.k = go_constant::of_int(v.i);
      else if (v.c == go_number::cls::uint)
        r.k = go_constant::of_int(v.u);
    }
  }
  return r;
}

eval_value evaluator::impl::eval_binary(const expr_node& n) {
  const expr_node& l = *n.kids[0];
  const expr_node& r = *n.kids[1];
  if (n.op == tok::land || n.op == tok::lor) {
    eval_value x = as_value(eval(l), l);
    auto truth_of = [&](const eval_value& v, const expr_node& at) -> bool {
      if (v.ut == untyped::boolean) return v.k->b;
      if (v.ut == untyped::none && is_boolean(v.type)) return number(v).b;
      error_at(at, fmt::format("invalid operation: operator {} not defined on {}",
                               tok_spelling(n.op), describe(at, v)));
    };
    bool a = truth_of(x, l);
    // Short-circuit, as Go does: p != nil && p.X > 0 must not read through a nil p.
    if (n.op == tok::land && !a)
      return untyped_constant(untyped::boolean, go_constant::of_bool(false));
    if (n.op == tok::lor && a)
      return untyped_constant(untyped::boolean, go_constant::of_bool(true));
    eval_value y = as_value(eval(r), r);
    bool b = truth_of(y, r);
    if (x.ut == untyped::none && y.ut == untyped::none && !identical(x.type, y.type))
      error_at(n, fmt::format("invalid operation: {} (mismatched types {} and {})", text(n),
                              type_text(x), type_text(y)));
    return untyped_constant(untyped::boolean, go_constant::of_bool(b));
  }
  eval_value x;
  try {
    x = eval(l);
  } catch (const expr_error& e) {
    // net/http.DefaultClient: a package path written without quotes.
    if (n.op == tok::quo && e.reason().starts_with("undefined: "))
      if (auto q = qualified_path(n)) return *q;
    throw;
  }
  if (n.op == tok::quo && x.f == eval_value::form::package)
    if (auto q = qualified_path(n)) return *q;
  x = as_value(std::move(x), l);
  eval_value y = as_value(eval(r), r);
  return binary_values(n.op, std::move(x), std::move(y), n);
}

eval_value evaluator::impl::binary_values(tok op, eval_value x, eval_value y, const expr_node& n) {
  if (op == tok::shl || op == tok::shr) return shift(op, std::move(x), std::move(y), n);
  if (is_comparison(op)) return compare(op, std::move(x), std::move(y), n);
  const expr_node& l = *n.kids[0];
  const expr_node& r = *n.kids[1];
  auto mismatched = [&] {
    error_at(n, fmt::format("invalid operation: {} (mismatched types {} and {})", text(n),
                            type_text(x), type_text(y)));
  };
  if (x.ut == untyped::nil || y.ut == untyped::nil) {
    if (x.ut == untyped::nil && y.ut == untyped::nil)
      error_at(n,
               fmt::format("invalid operation: operator {} not defined on nil", tok_spelling(op)));
    mismatched();
  }
  if (x.ut != untyped::none && y.ut != untyped::none) {
    bool xn = numeric_untyped(x.ut), yn = numeric_untyped(y.ut);
    if (xn != yn || (!xn && x.ut != y.ut)) mismatched();
    untyped u = std::max(x.ut, y.ut);
    go_constant::kind k = constant_kind(u);
    go_constant a = x.k->to_kind(k).value(), b = y.k->to_kind(k).value();
    bool integer = k == go_constant::kind::integer;
    char c = constant_op(op);
    bool ok = (op == tok::add && (xn || u == untyped::string)) ||
              ((op == tok::sub || op == tok::mul || op == tok::quo) && xn) ||
              ((op == tok::rem || op == tok::and_ || op == tok::or_ || op == tok::xor_ ||
                op == tok::and_not) &&
               integer);
    if (!ok) {
      const expr_node& which = (integer || !xn) ? l : (x.ut >= y.ut ? l : r);
      error_at(n, fmt::format("invalid operation: operator {} not defined on {}", tok_spelling(op),
                              describe(which, which.pos == l.pos ? x : y)));
    }
    try {
      return untyped_constant(u, constant_binary(c, a, b));
    } catch (const expr_error&) {
      throw;
    } catch (const error& e) {
      error_at(n, fmt::format("invalid operation: {}", e.what()));
    }
  }
  // One untyped operand takes the other's type.
  if (!unify(x, y, n)) mismatched();
  if (!identical(x.type, y.type)) mismatched();
  if (!defined_on(op, x.type))
    error_at(n, fmt::format("invalid operation: operator {} not defined on {}", tok_spelling(op),
                            describe(l, x)));
  return arithmetic(op, x, y, n);
}

bool evaluator::impl::unify(eval_value& x, eval_value& y, const expr_node& n) {
  if (x.ut == untyped::none && y.ut == untyped::none) return true;
  bool first = x.ut != untyped::none;
  eval_value& u = first ? x : y;
  const eval_value& t = first ? y : x;
  const go_constant& c = *u.k;
  bool fits_kind = (c.k == go_constant::kind::string && is_string(t.type)) ||
                   (c.k == go_constant::kind::boolean && is_boolean(t.type)) ||
                   (c.is_numeric() && is_numeric(t.type));
  if (!fits_kind) return false;
  u = convert_untyped(u, t.type, first ? *n.kids[0] : *n.kids[1]);
  return true;
}

eval_value evaluator::impl::arithmetic(tok op, const eval_value& x, const eval_value& y,
                                       const expr_node& n) {
  const go_type* t = x.type;
  bool constant = x.k && y.k;
  if (is_string(t)) {  // +
    if (constant) return typed_constant(t, go_constant::of_string(x.k->s + y.k->s), n);
    return make_string(t, string_content(x) + string_content(y));
  }
  if (constant && x.k->is_numeric() && y.k->is_numeric()) {
    // Typed constants: exact, then they must fit their type.
    go_constant::kind k = is_integer(t) ? go_constant::kind::integer
                          : is_float(t) ? go_constant::kind::floating
                                        : go_constant::kind::complex;
    auto a = x.k->to_kind(k), b = y.k->to_kind(k);
    if (a && b) {
      go_constant c;
      try {
        c = constant_binary(constant_op(op), *a, *b);
      } catch (const error& e) {
        error_at(n, fmt::format("invalid operation: {}", e.what()));
      }
      return typed_constant(t, c, n);
    }
  }
  go_number a = number(x), b = number(y);
  go_number r = a;
  switch (a.c) {
    case go_number::cls::sint:
    case go_number::cls::uint: {
      bool s = a.c == go_number::cls::sint;
      std::uint64_t ua = s ? std::uint64_t(a.i) : a.u, ub = s ? std::uint64_t(b.i) : b.u, ur = 0;
      switch (op) {
        case tok::add:
          ur = ua + ub;
          break;
        case tok::sub:
          ur = ua - ub;
          break;
        case tok::mul:
          ur = ua * ub;
          break;
        case tok::quo:
        case tok::rem:
          if (ub == 0) error_at(n, "runtime error: integer divide by zero");
          if (s) {
            if (a.i == INT64_MIN && b.i == -1)
              ur = op == tok::quo ? ua : 0;  // wraps, as Go's MinInt64 / -1 does
            else
              ur = std::uint64_t(op == tok::quo ? a.i / b.i : a.i % b.i);
          } else {
            ur = op == tok::quo ? ua / ub : ua % ub;
          }
          break;
        case tok::and_:
          ur = ua & ub;
          break;
        case tok::or_:
          ur = ua | ub;
          break;
        case tok::xor_:
          ur = ua ^ ub;
          break;
        case tok::and_not:
          ur = ua & ~ub;
          break;
        default:
          error_at(n, "invalid operation");
      }
      if (s)
        r.i = wrap_signed(ur, a.bits);
      else
        r.u = wrap_unsigned(ur, a.bits);
      break;
    }
    case go_number::cls::flt: {
      double v = 0;
      switch (op) {
        case tok::add:
          v = a.f + b.f;
          break;
        case tok::sub:
          v = a.f - b.f;
          break;
        case tok::mul:
          v = a.f * b.f;
          break;
        case tok::quo:
          v = a.f / b.f;
          break;  // IEEE: ±Inf or NaN at run time, as in Go
        default:
          error_at(n, "invalid operation");
      }
      r.f = a.bits == 32 ? double(float(v)) : v;
      break;
    }
    case go_number::cls::cplx: {
      std::complex<double> p(a.f, a.im), q(b.f, b.im), z;
      switch (op) {
        case tok::add:
          z = p + q;
          break;
        case tok::sub:
          z = p - q;
          break;
        case tok::mul:
          z = p * q;
          break;
        case tok::quo:
          z = p / q;
          break;
        default:
          error_at(n, "invalid operation");
      }
      r.f = z.real();
      r.im = z.imag();
      break;
    }
    default:
      error_at(n, "invalid operation");
  }
  return from_number(t, r);
}

eval_value evaluator::impl::shift(tok op, eval_value x, eval_value y, const expr_node& n) {
  const expr_node& l = *n.kids[0];
  const expr_node& r = *n.kids[1];
  // The count: an integer, or an untyped constant that is a non-negative integer.
  std::uint64_t count = 0;
  bool count_constant = false;
  if (y.ut != untyped::none) {
    auto i = y.k && y.k->is_numeric() ? y.k->to_kind(go_constant::kind::integer) : std::nullopt;
    if (!i)
      error_at(r, fmt::format("invalid operation: shift count {} must be integer", describe(r, y)));
    if (i->i < 0)
      error_at(r, fmt::format("invalid operation: negative shift count {}", describe(r, y)));
    count = i->i > 100000 ? 100000 : std::uint64_t(i->i);
    count_constant = true;
  } else {
    if (!is_integer(y.type))
      error_at(r, fmt::format("invalid operation: shift count {} must be integer", describe(r, y)));
    go_number c = number(y);
    if (c.c == go_number::cls::sint && c.i < 0) error_at(r, "runtime error: negative shift amount");
    count = c.c == go_number::cls::sint ? std::uint64_t(c.i) : c.u;
    count_constant = y.k.has_value();
  }
  if (x.ut != untyped::none) {
    auto i = x.k && x.k->is_numeric() ? x.k->to_kind(go_constant::kind::integer) : std::nullopt;
    if (!i)
      error_at(
          l, fmt::format("invalid operation: shifted operand {} must be integer", describe(l, x)));
    if (count_constant) {
      try {
        return untyped_constant(
            x.ut == untyped::rune ? untyped::rune : untyped::integer,
            constant_binary(op == tok::shl ? '<' : '>', *i, go_constant::of_int(count)));
      } catch (const error& e) {
        error_at(n, fmt::format("invalid operation: {}", e.what()));
      }
    }
    x = convert_untyped(untyped_constant(untyped::integer, *i), basic("int"), l);
  }
  if (!is_integer(x.type))
    error_at(l,
             fmt::format("invalid operation: shifted operand {} must be integer", describe(l, x)));
  go_number v = number(x);
  bool s = v.c == go_number::cls::sint;
  std::uint64_t u = s ? std::uint64_t(v.i) : v.u;
  if (op == tok::shl) {
    u = count >= 64 ? 0 : u << count;
  } else if (s) {
    u = std::uint64_t(count >= 64 ? (v.i < 0 ? -1 : 0) : v.i >> count);
  } else {
    u = count >= 64 ? 0 : u >> count;
  }
  if (s)
    v.i = wrap_signed(u, v.bits);
  else
    v.u = wrap_unsigned(u, v.bits);
  eval_value out = from_number(x.type, v);
  if (x.k && count_constant) {
    // A typed constant shifted by a constant is a constant, and must fit.
    try {
      go_constant c =
          constant_binary(op == tok::shl ? '<' : '>', *x.k->to_kind(go_constant::kind::integer),
                          go_constant::of_int(count));
      return typed_constant(x.type, c, n);
    } catch (const expr_error&) {
      throw;
    } catch (const error& e) {
      error_at(n, fmt::format("invalid operation: {}", e.what()));
    }
  }
  return out;
}

}  // namespace godbg
