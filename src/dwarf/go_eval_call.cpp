// Calls: conversions T(x), the builtins that need no running program (len, cap, real, imag,
// complex, min, max), type assertions x.(T) and composite literals T{...}. Calling a function
// of the program is refused: it would have to run.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "dwarf/dwarf_go_maps.hpp"
#include "dwarf/go_eval_internal.hpp"
#include "dwarf/go_expr_lexer.hpp"

namespace godbg {

namespace {

std::vector<std::uint32_t> utf8_runes(const std::string& s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    std::uint32_t r = 0xFFFD;
    if (n && i + n <= s.size()) {
      r = n == 1 ? c : c & (0xff >> (n + 1));
      bool ok = true;
      for (std::size_t k = 1; k < n; ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xc0) != 0x80) ok = false;
        r = (r << 6) | (b & 0x3f);
      }
      if (!ok) r = 0xFFFD, n = 1;
    } else {
      n = 1;
    }
    out.push_back(r);
    i += n;
  }
  return out;
}

}  // namespace

eval_value evaluator::impl::eval_call(const expr_node& n) {
  const expr_node& fn = *n.kids[0];
  eval_value callee = eval(fn);
  std::size_t nargs = n.kids.size() - 1;
  switch (callee.f) {
    case eval_value::form::type: {
      if (nargs == 0)
        error_at(n, fmt::format("missing argument in conversion to {}", callee.type->name));
      if (nargs > 1)
        error_at(*n.kids[2],
                 fmt::format("too many arguments in conversion to {}", callee.type->name));
      if (n.ellipsis) error_at(n, "invalid use of ... in conversion");
      const expr_node& arg = *n.kids[1];
      return conversion(callee.type, as_value(eval(arg), arg), n, arg);
    }
    case eval_value::form::builtin:
      return builtin_call(callee.name, n);
    case eval_value::form::function:
      error_at(n, fmt::format("cannot call {}: calling the program's functions needs it to run, "
                              "which print does not do",
                              callee.name));
    case eval_value::form::package:
      error_at(fn, fmt::format("use of package {} without selector", text(fn)));
    case eval_value::form::value:
      break;
  }
  if (callee.type && callee.type->kind == go_kind::func)
    error_at(n, fmt::format("cannot call {}: calling the program's functions needs it to run, "
                            "which print does not do",
                            text(fn)));
  error_at(n, fmt::format("invalid operation: cannot call non-function {}", describe(fn, callee)));
}

std::int64_t evaluator::impl::length(const eval_value& v, bool cap, const expr_node& n) {
  const char* what = cap ? "cap" : "len";
  auto bad = [&] {
    return fmt::format("invalid argument: {} for built-in {}", describe(n, v), what);
  };
  if (v.ut == untyped::string && !cap) return std::int64_t(v.k->s.size());
  if (v.ut != untyped::none) error_at(n, bad());
  const go_type* t = v.type;
  if (t->kind == go_kind::pointer && t->elem && t->elem->kind == go_kind::array)
    return std::int64_t(t->elem->length);
  switch (t->kind) {
    case go_kind::array:
      return std::int64_t(t->length);
    case go_kind::string:
      if (cap) error_at(n, bad());
      return std::int64_t(word(v, 8));
    case go_kind::slice:
      return std::int64_t(word(v, cap ? 16 : 8));
    case go_kind::map: {
      if (cap) error_at(n, bad());
      std::uint64_t m = word(v);
      if (!m) return 0;
      return std::int64_t(
          read_map(
              *t, m, [this](std::uint64_t a, std::span<std::uint8_t> o) { return read(a, o); }, 0)
              .count);
    }
    case go_kind::chan: {
      std::uint64_t c = word(v);
      if (!c) return 0;
      return std::int64_t(load_le(read_mem(c + (cap ? 8 : 0), 8), 0, 8));
    }
    default:
      error_at(n, bad());
  }
}

eval_value evaluator::impl::builtin_call(const std::string& name, const expr_node& n) {
  std::size_t nargs = n.kids.size() - 1;
  auto arg = [&](std::size_t i) { return as_value(eval(*n.kids[i + 1]), *n.kids[i + 1]); };
  auto want = [&](std::size_t k) {
    if (nargs < k)
      error_at(
          n, fmt::format("not enough arguments for {} (expected {}, found {})", text(n), k, nargs));
    if (nargs > k)
      error_at(n,
               fmt::format("invalid operation: too many arguments for {} (expected {}, found {})",
                           text(n), k, nargs));
  };
  if (name == "len" || name == "cap") {
    want(1);
    eval_value v = arg(0);
    std::int64_t k = length(v, name == "cap", *n.kids[1]);
    go_number x;
    x.c = go_number::cls::sint;
    x.i = k;
    eval_value r = from_number(basic("int"), x);
    bool constant =
        v.is_constant() || (v.type && (v.type->kind == go_kind::array ||
                                       (v.type->kind == go_kind::pointer && v.type->elem &&
                                        v.type->elem->kind == go_kind::array)));
    if (constant) r.k = go_constant::of_int(k);
    return r;
  }
  if (name == "real" || name == "imag") {
    want(1);
    eval_value v = arg(0);
    bool re = name == "real";
    if (v.ut != untyped::none) {
      if (!v.k || !v.k->is_numeric())
        error_at(*n.kids[1],
                 fmt::format("invalid argument: {} must be a number", describe(*n.kids[1], v)));
      auto z = v.k->to_kind(go_constant::kind::complex).value();
      return untyped_constant(untyped::floating, go_constant::of_float(re ? z.re : z.im));
    }
    if (!is_complex(v.type))
      error_at(*n.kids[1],
               fmt::format("invalid argument: argument has type {}, expected complex type",
                           v.type->name));
    go_number z = number(v);
    go_number f;
    f.c = go_number::cls::flt;
    f.f = re ? z.f : z.im;
    return from_number(basic(v.type->size == 8 ? "float32" : "float64"), f);
  }
  if (name == "complex") {
    want(2);
    eval_value a = arg(0), b = arg(1);
    if (a.ut != untyped::none && b.ut != untyped::none) {
      auto x = a.k ? a.k->to_kind(go_constant::kind::floating) : std::nullopt;
      auto y = b.k ? b.k->to_kind(go_constant::kind::floating) : std::nullopt;
      if (!x || !y)
        error_at(n, fmt::format("invalid operation: {} (arguments must be real numbers)", text(n)));
      return untyped_constant(untyped::complex, go_constant::of_complex(x->re, y->re));
    }
    if (a.ut != untyped::none) a = convert_untyped(a, b.type, *n.kids[1]);
    if (b.ut != untyped::none) b = convert_untyped(b, a.type, *n.kids[2]);
    if (!identical(a.type, b.type))
      error_at(n, fmt::format("invalid operation: {} (mismatched types {} and {})", text(n),
                              a.type->name, b.type->name));
    if (!is_float(a.type))
      error_at(
          n, fmt::format("invalid operation: {} (arguments have type {}, expected floating-point)",
                         text(n), a.type->name));
    go_number z;
    z.c = go_number::cls::cplx;
    z.f = number(a).f;
    z.im = number(b).f;
    return from_number(basic(a.type->size == 4 ? "complex64" : "complex128"), z);
  }
  if (name == "min" || name == "max") {
    if (nargs == 0)
      error_at(n, fmt::format("not enough arguments for {}() (expected 1, found 0)", name));
    eval_value best = arg(0);
    tok better = name == "min" ? tok::lss : tok::gtr;
    for (std::size_t i = 1; i < nargs; ++i) {
      eval_value v = arg(i);
      const expr_node& vn = *n.kids[i + 1];
      if (best.ut == untyped::none && v.ut == untyped::none && !identical(best.type, v.type))
        error_at(
            vn, fmt::format(
                    "invalid argument: mismatched types {} (previous argument) and {} (type of {})",
                    best.type->name, v.type->name, text(vn)));
      if (best.ut == untyped::none && v.ut != untyped::none) v = convert_untyped(v, best.type, vn);
      if (best.ut != untyped::none && v.ut == untyped::none)
        best = convert_untyped(best, v.type, *n.kids[1]);
      // Compare through the comparison operator's rules (ordered types only).
      expr_node cmp;
      cmp.kind = node_kind::binary;
      cmp.pos = n.pos;
      cmp.end = n.end;
      for (const expr_node* k : {static_cast<const expr_node*>(n.kids[1].get()), &vn}) {
        auto c = std::make_unique<expr_node>();
        c->pos = k->pos;
        c->end = k->end;
        cmp.kids.push_back(std::move(c));
      }
      eval_value c = compare(better, v, best, cmp);
      bool nan = false;
      if (v.type && is_float(v.type) && std::isnan(number(v).f)) nan = true;  // NaN wins, as in Go
      if ((c.k && c.k->b) || nan) best = v;
    }
    if (best.type && !(is_integer(best.type) || is_float(best.type) || is_string(best.type)))
      error_at(n,
               fmt::format("invalid argument: {} cannot be ordered", describe(*n.kids[1], best)));
    return best;
  }
  static constexpr std::string_view needs_run[] = {"new",    "make",    "append", "copy",
                                                   "delete", "close",   "clear",  "panic",
                                                   "print",  "println", "recover"};
  for (auto r : needs_run)
    if (name == r)
      error_at(n, fmt::format("{} cannot be used in an expression here: it would change or run the "
                              "program",
                              name));
  error_at(n, fmt::format("unknown built-in {}", name));
}

eval_value evaluator::impl::conversion(const go_type* t, const eval_value& x, const expr_node& n,
                                       const expr_node& arg) {
  auto cannot = [&] {
    return fmt::format("cannot convert {} to type {}", describe(arg, x), t->name);
  };
  if (x.ut == untyped::nil) return convert_untyped(x, t, arg);
  if (x.ut != untyped::none) {
    const go_constant& c = *x.k;
    // string(65) is "A"; []byte("s"), []rune("s") and named string types take string constants.
    if (is_string(t) && c.k == go_constant::kind::integer &&
        (x.ut == untyped::integer || x.ut == untyped::rune)) {
      std::string s;
      append_utf8(s, c.i < 0 || c.i > 0x10FFFF ? 0xFFFD : std::uint32_t(c.i));
      return typed_constant(t, go_constant::of_string(s), n);
    }
    if (c.k == go_constant::kind::string && t->kind == go_kind::slice)
      return conversion(t, convert_untyped(x, basic("string"), arg), n, arg);
    if ((c.k == go_constant::kind::string && !is_string(t)) ||
        (c.k == go_constant::kind::boolean && !is_boolean(t)) || (c.is_numeric() && !is_numeric(t)))
      error_at(n, cannot());
    if (c.is_numeric() && is_integer(t) && !c.to_kind(go_constant::kind::integer))
      error_at(n,
               fmt::format("cannot convert {} to type {} (truncated)", describe(arg, x), t->name));
    return typed_constant(t, c, arg);
  }
  const go_type* from = x.type;
  auto retyped = [&](eval_value v) {
    v.type = t;
    v.addressable = false;
    v.variable = false;
    v.address_of = false;
    return v;
  };
  if (identical(from, t)) return retyped(x);
  // Numbers: wrap, truncate toward zero, round to the float's size.
  if (is_numeric(from) && is_numeric(t) && is_complex(from) == is_complex(t)) {
    go_number v = number(x);
    go_number r;
    r.bits = int(t->size * 8);
    if (is_integer(t)) {
      std::uint64_t u;
      if (v.c == go_number::cls::flt) {
        double d = std::trunc(v.f);
        // Out of range is implementation-defined in Go; amd64 gives 0x8000000000000000.
        if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18))
          u = is_unsigned(t) && d >= 0 && d < 1.8446744073709552e19 ? std::uint64_t(d)
                                                                    : 0x8000000000000000ull;
        else
          u = std::uint64_t(std::int64_t(d));
      } else {
        u = v.c == go_number::cls::sint ? std::uint64_t(v.i) : v.u;
      }
      if (is_unsigned(t)) {
        r.c = go_number::cls::uint;
        r.u = r.bits >= 64 ? u : u & ((std::uint64_t(1) << r.bits) - 1);
      } else {
        r.c = go_number::cls::sint;
        r.i = r.bits >= 64 ? std::int64_t(u) : std::int64_t(u << (64 - r.bits)) >> (64 - r.bits);
      }
    } else if (is_float(t)) {
      r.c = go_number::cls::flt;
      double d = v.c == go_number::cls::sint   ? double(v.i)
                 : v.c == go_number::cls::uint ? double(v.u)
                                               : v.f;
      r.f = t->size == 4 ? double(float(d)) : d;
    } else {
      r.c = go_number::cls::cplx;
      r.f = t->size == 8 ? double(float(v.f)) : v.f;
      r.im = t->size == 8 ? double(float(v.im)) : v.im;
    }
    eval_value out = from_number(t, r);
    return out;
  }
  // Strings from integers, byte and rune slices, and back.
  if (is_string(t)) {
    if (is_integer(from)) {
      go_number v = number(x);
      std::int64_t r = v.c == go_number::cls::sint ? v.i : std::int64_t(v.u);
      std::string s;
      append_utf8(s, r < 0 || r > 0x10FFFF ? 0xFFFD : std::uint32_t(r));
      return make_string(t, s);
    }
    if (from->kind == go_kind::slice && from->elem && is_integer(from->elem) &&
        (from->elem->size == 1 || from->elem->size == 4)) {
      auto h = bytes_of(x);
      std::uint64_t data = load_le(h, 0, 8), len = load_le(h, 8, 8);
      auto b = read_mem(data, len * from->elem->size);
      if (from->elem->size == 1) return make_string(t, std::string(b.begin(), b.end()));
      std::string s;
      for (std::uint64_t i = 0; i < len; ++i) {
        auto r = std::int32_t(load_le(b, i * 4, 4));
        append_utf8(s, r < 0 ? 0xFFFD : std::uint32_t(r));
      }
      return make_string(t, s);
    }
    if (is_string(from)) return retyped(x);
    error_at(n, cannot());
  }
  if (t->kind == go_kind::slice && t->elem && is_integer(t->elem) && is_string(from) &&
      (t->elem->size == 1 || t->elem->size == 4)) {
    std::string s = string_content(x);
    std::vector<std::uint8_t> data;
    if (t->elem->size == 1) {
      data.assign(s.begin(), s.end());
    } else {
      for (std::uint32_t r : utf8_runes(s)) {
        std::uint8_t b[4];
        std::memcpy(b, &r, 4);
        data.insert(data.end(), b, b + 4);
      }
    }
    std::uint64_t count = data.size() / t->elem->size;
    std::uint64_t a = count ? place(std::move(data)) : 0;
    std::vector<std::uint8_t> h(24);
    std::memcpy(h.data(), &a, 8);
    std::memcpy(h.data() + 8, &count, 8);
    std::memcpy(h.data() + 16, &count, 8);
    return held_value(t, std::move(h));
  }
  // unsafe.Pointer <-> any pointer and uintptr.
  bool t_unsafe = t->kind == go_kind::pointer && (!t->elem || t->name == "unsafe.Pointer");
  bool f_unsafe = from->kind == go_kind::pointer && (!from->elem || from->name == "unsafe.Pointer");
  if ((t_unsafe && (from->kind == go_kind::pointer || from->name == "uintptr")) ||
      (f_unsafe && (t->kind == go_kind::pointer || t->name == "uintptr"))) {
    std::uint64_t w = word(x);
    std::vector<std::uint8_t> b(8);
    std::memcpy(b.data(), &w, 8);
    return held_value(t, std::move(b));
  }
  if (t->kind == go_kind::pointer && from->kind == go_kind::pointer && t->elem && from->elem &&
      same_underlying(t->elem, from->elem))
    return retyped(x);
  if (t->kind == go_kind::interface) {
    if (from->kind == go_kind::interface) {
      if (!t->empty_interface && !identical(t, from))
        error_at(n, fmt::format("cannot convert {} to type {}: godbg converts interfaces only to "
                                "interface {{}}",
                                describe(arg, x), t->name));
      // iface -> eface: the itab's type word replaces the itab.
      std::uint64_t tab = word(x, 0), data = word(x, 8);
      std::uint64_t rtype =
          tab && !from->empty_interface ? load_le(read_mem(tab + 8, 8), 0, 8) : tab;
      std::vector<std::uint8_t> b(16);
      std::memcpy(b.data(), &rtype, 8);
      std::memcpy(b.data() + 8, &data, 8);
      return held_value(t, std::move(b));
    }
    error_at(n, fmt::format("cannot convert {} to type {}: godbg cannot make interface values",
                            describe(arg, x), t->name));
  }
  if (same_underlying(from, t) && (!is_named(from) || !is_named(t) || from->kind == t->kind))
    return retyped(x);
  error_at(n, cannot());
}

eval_value evaluator::impl::eval_assert(const expr_node& n) {
  const expr_node& base = *n.kids[0];
  eval_value x = as_value(eval(base), base);
  if (x.ut != untyped::none || !x.type || x.type->kind != go_kind::interface)
    error_at(base, fmt::format("invalid operation: {} is not an interface", describe(base, x)));
  const go_type* dyn = nullptr;
  try {
    dyn = dynamic_type(x);
  } catch (const error& e) {
    error_at(n, e.what());
  }
  const go_type* t = type_of_node(*n.kids[1]);
  // A type only the runtime describes (no DWARF of its own) is still the dynamic type's name.
  if (!t && dyn && type_name_of_node(*n.kids[1]) == dyn->name) t = dyn;
  if (!t) error_at(*n.kids[1], fmt::format("{} is not a type", text(*n.kids[1])));
  std::string iname = x.type->name == "interface {}" ? "interface {}" : x.type->name;
  if (!dyn) error_at(n, fmt::format("interface conversion: interface is nil, not {}", t->name));
  if (t->kind == go_kind::interface) {
    if (identical(t, x.type)) return x;
    if (t->empty_interface) return conversion(t, x, n, base);
    error_at(n,
             fmt::format("type assertion to {}: godbg asserts to concrete types and interface {{}} "
                         "(the dynamic type here is {})",
                         t->name, dyn->name));
  }
  if (!identical(dyn, t))
    error_at(n, fmt::format("interface conversion: {} is {}, not {}", iname, dyn->name, t->name));
  eval_value v = dynamic_value(x, n);
  v.type = t;
  return v;
}

eval_value evaluator::impl::eval_composite(const expr_node& n, const go_type* t) {
  std::size_t count = n.kids.size() - 1;
  auto element = [&](const expr_node& e, const go_type* et) -> eval_value {
    if (e.kind == node_kind::composite && !e.kids[0]) return eval_composite(e, et);
    eval_value v = as_value(eval(e), e);
    if (v.ut != untyped::none) return convert_untyped(v, et, e);
    if (!identical(v.type, et) && et->kind != go_kind::interface)
      error_at(e, fmt::format("cannot use {} as {} value in composite literal", describe(e, v),
                              et->name));
    if (et->kind == go_kind::interface && v.type->kind != go_kind::interface)
      error_at(e, fmt::format("cannot use {} as {} value: godbg cannot make interface values",
                              describe(e, v), et->name));
    return v;
  };
  std::vector<std::uint8_t> bytes(std::size_t(t->size), 0);
  auto put = [&](std::uint64_t off, const eval_value& v, const expr_node& at) {
    auto b = bytes_of(v);
    if (off + b.size() > bytes.size()) error_at(at, "element lies outside the literal");
    std::memcpy(bytes.data() + off, b.data(), b.size());
  };
  switch (t->kind) {
    case go_kind::struct_: {
      bool keyed = count && n.kids[1]->kind == node_kind::key_value;
      if (!keyed && count && count != t->fields.size())
        error_at(n, fmt::format("too {} values in struct literal of type {}",
                                count < t->fields.size() ? "few" : "many", t->name));
      for (std::size_t i = 0; i < count; ++i) {
        const expr_node& e = *n.kids[i + 1];
        if ((e.kind == node_kind::key_value) != keyed)
          error_at(e, "mixture of field:value and value elements in struct literal");
        const go_field* f = nullptr;
        const expr_node* val = &e;
        if (keyed) {
          if (e.kids[0]->kind != node_kind::ident)
            error_at(*e.kids[0],
                     fmt::format("invalid field name {} in struct literal", text(*e.kids[0])));
          f = t->field(e.kids[0]->text);
          if (!f)
            error_at(*e.kids[0], fmt::format("unknown field {} in struct literal of type {}",
                                             e.kids[0]->text, t->name));
          val = e.kids[1].get();
        } else {
          f = &t->fields[i];
        }
        if (!f->type) error_at(e, fmt::format("field {} has no type", f->name));
        put(f->offset, element(*val, f->type), *val);
      }
      break;
    }
    case go_kind::array: {
      if (!t->elem) error_at(n, fmt::format("{} has no element type", t->name));
      std::uint64_t i = 0;
      for (std::size_t k = 0; k < count; ++k, ++i) {
        const expr_node* e = n.kids[k + 1].get();
        if (e->kind == node_kind::key_value) {
          i = std::uint64_t(
              index_value(as_value(eval(*e->kids[0]), *e->kids[0]), *e->kids[0], "index"));
          e = e->kids[1].get();
        }
        if (i >= t->length)
          error_at(*e, fmt::format("index {} out of bounds [0:{}]", i, t->length));
        put(i * t->elem->size, element(*e, t->elem), *e);
      }
      break;
    }
    case go_kind::slice: {
      if (!t->elem) error_at(n, fmt::format("{} has no element type", t->name));
      std::vector<std::uint8_t> data(count * std::size_t(t->elem->size), 0);
      for (std::size_t k = 0; k < count; ++k) {
        const expr_node& e = *n.kids[k + 1];
        if (e.kind == node_kind::key_value)
          error_at(e, "godbg takes slice literals without indices");
        auto b = bytes_of(element(e, t->elem));
        std::memcpy(data.data() + k * t->elem->size, b.data(), b.size());
      }
      std::uint64_t a = count ? place(std::move(data)) : 0, len = count;
      std::memcpy(bytes.data(), &a, 8);
      std::memcpy(bytes.data() + 8, &len, 8);
      std::memcpy(bytes.data() + 16, &len, 8);
      break;
    }
    default:
      error_at(n,
               fmt::format("godbg cannot make a {} literal ({}): only structs, arrays and slices",
                           kind_name(t->kind), t->name));
  }
  eval_value v = held_value(t, bytes);
  v.addr = place(std::move(bytes));  // so that &T{...} has an address
  return v;
}

}  // namespace godbg
