// The evaluator's entry points, names and values: identifiers resolve as Go's scopes do (the
// frame's variables, then its package, then imported packages, then Go's predeclared names).
#include "dwarf/go_eval.hpp"

#include <fmt/format.h>

#include <cstring>

#include "dwarf/go_eval_internal.hpp"
#include "dwarf/go_number_text.hpp"

namespace godbg {

namespace {

constexpr std::string_view builtins[] = {
    "append", "cap", "clear", "close", "complex", "copy",  "delete",  "imag", "len",
    "make",   "max", "min",   "new",   "panic",   "print", "println", "real", "recover"};

constexpr std::string_view predeclared[] = {
    "bool",    "byte",  "complex64", "complex128", "error",   "float32", "float64",
    "int",     "int8",  "int16",     "int32",      "int64",   "rune",    "string",
    "uint",    "uint8", "uint16",    "uint32",     "uint64",  "uintptr", "any",
    "true",    "false", "nil",       "append",     "cap",     "clear",   "close",
    "complex", "copy",  "delete",    "imag",       "len",     "make",    "max",
    "min",     "new",   "panic",     "print",      "println", "real",    "recover"};

constexpr std::uint64_t max_value_bytes = std::uint64_t(1) << 26;

}  // namespace

std::span<const std::string_view> predeclared_names() {
  return predeclared;
}

eval_value eval_value::of(const go_value& v) {
  eval_value out;
  out.type = v.type;
  out.addr = v.address;
  if (!v.bytes.empty() || !v.address) {
    out.bytes = v.bytes;
    out.held = true;
  }
  out.addressable = v.address.has_value();
  out.variable = !v.constant;
  out.named_constant = v.constant;
  return out;
}

eval_value function_ref::value() const {
  eval_value v;
  v.f = eval_value::form::function;
  v.name = name;
  v.func_pc = entry;
  v.type = type;
  return v;
}

evaluator::evaluator(eval_env env) : impl_(std::make_unique<impl>(std::move(env))) {}
evaluator::~evaluator() = default;

eval_value evaluator::evaluate(const expr_tree& t) {
  impl_->tree = &t;
  eval_value v = impl_->eval(*t.root);
  if (v.f == eval_value::form::value && v.ut == untyped::none && !v.type)
    impl_->error_at(*t.root, fmt::format("{} has no type", t.text_of(*t.root)));
  return impl_->as_value(std::move(v), *t.root);
}

const std::vector<std::string>& evaluator::partial_variables() const {
  return impl_->partial;
}

eval_value evaluator::evaluate_any(const expr_tree& t) {
  impl_->tree = &t;
  return impl_->eval(*t.root);
}

memory_reader evaluator::memory() const {
  const impl* p = impl_.get();
  return [p](std::uint64_t a, std::span<std::uint8_t> out) { return p->read(a, out); };
}

printer_env evaluator::printer() const {
  printer_env pe;
  pe.mem = memory();
  pe.type_of_descriptor = impl_->env.type_of_descriptor;
  pe.function_at = impl_->env.function_at;
  pe.closure_captures = impl_->env.closure_captures;
  pe.constant_name = impl_->env.constant_name;
  return pe;
}

std::string evaluator::type_name(const eval_value& v) const {
  if (v.f == eval_value::form::function) return v.type ? v.type->name : "func";
  if (v.f == eval_value::form::type) return v.type ? v.type->name : "?";
  if (v.f == eval_value::form::package) return "package " + v.name;
  if (v.f == eval_value::form::builtin) return "built-in function " + v.name;
  if (v.ut == untyped::nil) return "nil";
  if (v.ut != untyped::none) {
    const go_type* t = impl_->default_type(v.ut);
    return t ? t->name : untyped_name(v.ut);
  }
  return v.type ? v.type->name : "";
}

std::string evaluator::show(const eval_value& v, bool multiline, const print_limits& limits) {
  if (v.f == eval_value::form::function) return v.name;
  if (v.ut == untyped::nil) return "nil";
  if ((v.ut == untyped::integer || v.ut == untyped::rune) && v.k && limits.int_format) {
    eval_value typed = v;
    try {
      expr_node none;
      typed = impl_->convert_untyped(v, impl_->default_type(v.ut), none);
    } catch (const error&) {
      return v.k->text();
    }
    return show(typed, multiline, limits);
  }
  if (v.ut != untyped::none && v.k) {
    const go_constant& c = *v.k;
    if (c.k == go_constant::kind::string && c.s.size() > limits.max_string)
      return go_quote_text(c.s.substr(0, limits.max_string) +
                           fmt::format("...+{} more", c.s.size() - limits.max_string));
    if (v.ut == untyped::rune || v.ut == untyped::integer) return c.text();
    return c.text();
  }
  if (!v.type) return "?";
  if (v.address_of) return pointer_text(v.type->name, impl_->word(v));
  printer_env pe = printer();
  if (v.named_constant) pe.constant_name = nullptr;  // Delve: time.July prints as 7
  std::vector<std::uint8_t> held;
  if (v.held) held = v.bytes;
  shown_value s = load_shown(pe, *v.type, v.held ? std::nullopt : v.addr, held, limits);
  if (v.held && v.addr) s.addr = *v.addr;
  return write_shown(s, multiline);
}

std::optional<evaluator::scalar> evaluator::scalar_of(const eval_value& v, std::size_t max_string) {
  try {
    if (v.f != eval_value::form::value || v.ut == untyped::nil) return std::nullopt;
    if (v.ut != untyped::none && v.k) {
      const go_constant& c = *v.k;
      switch (c.k) {
        case go_constant::kind::boolean:
          return scalar(c.b);
        case go_constant::kind::string:
          return scalar(c.s);
        case go_constant::kind::integer:
          if (c.i >= INT64_MIN && c.i <= INT64_MAX) return scalar(std::int64_t(c.i));
          if (c.i > 0 && c.i <= (__int128)UINT64_MAX) return scalar(std::uint64_t(c.i));
          return std::nullopt;
        case go_constant::kind::floating:
          return scalar(double(c.re));
        default:
          return std::nullopt;
      }
    }
    const go_type* t = v.type;
    if (!t) return std::nullopt;
    switch (t->kind) {
      case go_kind::boolean:
      case go_kind::int_:
      case go_kind::uint_:
      case go_kind::float_: {
        go_number x = impl_->number(v);
        if (x.c == go_number::cls::boolean) return scalar(x.b);
        if (x.c == go_number::cls::sint) return scalar(x.i);
        if (x.c == go_number::cls::uint) return scalar(x.u);
        return scalar(x.f);
      }
      case go_kind::string: {
        auto bytes = impl_->bytes_of(v);
        std::uint64_t len = load_le(bytes, 8, 8);
        if (len > max_string) return std::nullopt;
        return scalar(impl_->string_content(v, max_string));
      }
      case go_kind::pointer:
        return scalar(impl_->word(v));
      default:
        return std::nullopt;
    }
  } catch (const error&) {
    return std::nullopt;
  }
}

bool evaluator::truth(const eval_value& v, const expr_tree& t) {
  impl_->tree = &t;
  if (v.ut == untyped::boolean && v.k) return v.k->b;
  if (v.f == eval_value::form::value && is_boolean(v.type)) return impl_->number(v).b;
  impl_->error_at(*t.root, fmt::format("non-boolean condition {}: compare it (==, !=, <, ...)",
                                       impl_->describe(*t.root, v)));
}

// --- memory

bool evaluator::impl::read(std::uint64_t addr, std::span<std::uint8_t> out) const {
  if (synthetic(addr)) {
    for (const auto& b : synth)
      if (addr >= b.addr && addr - b.addr <= b.bytes.size() &&
          b.bytes.size() - (addr - b.addr) >= out.size()) {
        if (!out.empty()) std::memcpy(out.data(), b.bytes.data() + (addr - b.addr), out.size());
        return true;
      }
    return false;
  }
  return env.read_memory && env.read_memory(addr, out);
}

std::vector<std::uint8_t> evaluator::impl::read_mem(std::uint64_t addr, std::uint64_t n) const {
  if (n > max_value_bytes) fail("value of {} bytes is too large to read", n);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(n));
  if (n && !read(addr, out)) fail("cannot read {} bytes at {:#x}", n, addr);
  return out;
}

std::uint64_t evaluator::impl::place(std::vector<std::uint8_t> bytes) {
  std::uint64_t a = next_synth;
  next_synth += (bytes.size() + 16) & ~std::uint64_t(7);
  synth.push_back({a, std::move(bytes)});
  return a;
}

bool evaluator::impl::has_local(std::string_view name) const {
  if (env.has_local) return env.has_local(name);
  if (!env.local) return false;
  try {
    return env.local(name).has_value();
  } catch (const error&) {
    return true;  // it exists, though it cannot be read here
  }
}

// --- values

std::vector<std::uint8_t> evaluator::impl::bytes_of(const eval_value& v) {
  if (v.held) return v.bytes;
  if (!v.type) fail("value has no type");
  if (v.addr) return read_mem(*v.addr, v.type->size);
  fail("value has neither bytes nor an address");
}

std::uint64_t evaluator::impl::word(const eval_value& v, std::uint64_t off) {
  if (v.held) return load_le(v.bytes, off, 8);
  if (!v.addr) fail("value has neither bytes nor an address");
  return load_le(read_mem(*v.addr + off, 8), 0, 8);
}

eval_value evaluator::impl::held_value(const go_type* t, std::vector<std::uint8_t> bytes) {
  eval_value v;
  v.type = t;
  v.bytes = std::move(bytes);
  v.held = true;
  return v;
}

eval_value evaluator::impl::at_address(const go_type* t, std::uint64_t addr, bool addressable) {
  eval_value v;
  v.type = t;
  v.addr = addr;
  v.addressable = addressable;
  return v;
}

eval_value evaluator::impl::untyped_constant(untyped u, go_constant c) {
  eval_value v;
  v.ut = u;
  v.k = std::move(c);
  return v;
}

eval_value evaluator::impl::as_value(eval_value v, const expr_node& n) {
  switch (v.f) {
    case eval_value::form::type:
      error_at(n, fmt::format("{} (type) is not an expression", text(n)));
    case eval_value::form::package:
      error_at(n, fmt::format("use of package {} without selector", text(n)));
    case eval_value::form::builtin:
      error_at(n, fmt::format("{} (built-in function) must be called", text(n)));
    default:
      return v;
  }
}

eval_value evaluator::impl::concrete(const eval_value& v, const expr_node& n) {
  if (v.ut == untyped::none) return v;
  if (v.ut == untyped::nil) error_at(n, "use of untyped nil");
  return convert_untyped(v, default_type(v.ut), n);
}

std::string evaluator::impl::type_text(const eval_value& v) const {
  if (v.ut != untyped::none) return untyped_name(v.ut);
  return v.type ? v.type->name : "?";
}

std::string evaluator::impl::describe(const expr_node& n, const eval_value& v) {
  std::string t(text(n));
  switch (v.f) {
    case eval_value::form::type:
      return t + " (type)";
    case eval_value::form::package:
      return t + " (package)";
    case eval_value::form::builtin:
      return t + " (built-in function)";
    case eval_value::form::function:
      return fmt::format("{} (value of type {})", t, v.type ? v.type->name : "func");
    default:
      break;
  }
  if (v.ut == untyped::nil) return "nil";
  if (v.ut != untyped::none && v.k) {
    std::string value = v.k->text();
    if (value == t) return fmt::format("{} ({} constant)", t, untyped_name(v.ut));
    return fmt::format("{} ({} constant {})", t, untyped_name(v.ut), value);
  }
  if (v.k) return fmt::format("{} (constant {} of type {})", t, v.k->text(), type_text(v));
  return fmt::format("{} ({} of type {})", t, v.variable || v.addressable ? "variable" : "value",
                     type_text(v));
}

std::string evaluator::impl::string_content(const eval_value& v, std::size_t max) {
  if (v.k && v.k->k == go_constant::kind::string) return v.k->s.substr(0, max);
  auto h = bytes_of(v);
  std::uint64_t data = load_le(h, 0, 8), len = load_le(h, 8, 8);
  if (std::int64_t(len) < 0) fail("invalid string length {}", std::int64_t(len));
  auto b = read_mem(data, std::min<std::uint64_t>(len, max));
  return {b.begin(), b.end()};
}

eval_value evaluator::impl::make_string(const go_type* t, std::string s) {
  std::uint64_t len = s.size();
  std::uint64_t data = len ? place(std::vector<std::uint8_t>(s.begin(), s.end())) : 0;
  std::vector<std::uint8_t> h(16);
  std::memcpy(h.data(), &data, 8);
  std::memcpy(h.data() + 8, &len, 8);
  return held_value(t, std::move(h));
}

eval_value evaluator::impl::field_of(const eval_value& v, const go_field& f) {
  eval_value out;
  out.type = f.type;
  out.addressable = v.addressable;
  out.variable = v.variable;
  if (v.held) {
    if (f.offset + f.type->size > v.bytes.size()) fail("field {} lies outside its struct", f.name);
    out.bytes.assign(v.bytes.begin() + f.offset, v.bytes.begin() + f.offset + f.type->size);
    out.held = true;
    if (v.addr) out.addr = *v.addr + f.offset;
  } else if (v.addr) {
    out.addr = *v.addr + f.offset;
  } else {
    fail("struct value has neither bytes nor an address");
  }
  return out;
}

eval_value evaluator::impl::deref(const eval_value& p, const expr_node& n) {
  if (!p.type || p.type->kind != go_kind::pointer)
    error_at(n, fmt::format("invalid operation: cannot indirect {}", describe(n, p)));
  if (!p.type->elem || p.type->name == "unsafe.Pointer")
    error_at(n, fmt::format("invalid operation: cannot indirect {}", describe(n, p)));
  std::uint64_t a = word(p);
  if (!a) error_at(n, "runtime error: invalid memory address or nil pointer dereference");
  return at_address(p.type->elem, a, true);
}

// --- the tree

eval_value evaluator::impl::eval(const expr_node& n) {
  struct guard {
    int& d;
    explicit guard(int& x) : d(x) { ++d; }
    ~guard() { --d; }
  } g(depth);
  if (depth > 400) error_at(n, "expression nested too deeply");
  switch (n.kind) {
    case node_kind::ident:
      return eval_ident(n);
    case node_kind::basic_lit:
      return eval_literal(n);
    case node_kind::reg: {
      auto r = env.read_register ? env.read_register(n.text) : std::nullopt;
      if (!r) error_at(n, fmt::format("{}: no such register in this frame", text(n)));
      std::vector<std::uint8_t> b(8);
      std::memcpy(b.data(), &*r, 8);
      eval_value v = held_value(basic("uint64"), std::move(b));
      v.is_register = true;
      v.addressable = true;
      v.name = n.text;
      return v;
    }
    case node_kind::paren:
      return eval(*n.kids[0]);
    case node_kind::selector:
      return eval_selector(n);
    case node_kind::index:
      return eval_index(n);
    case node_kind::slice:
      return eval_slice(n);
    case node_kind::type_assert:
      return eval_assert(n);
    case node_kind::call:
      return eval_call(n);
    case node_kind::unary:
      return eval_unary(n);
    case node_kind::binary:
      return eval_binary(n);
    case node_kind::composite: {
      if (!n.kids[0]) error_at(n, "missing type in composite literal");
      const go_type* t = type_of_node(*n.kids[0]);
      if (!t) error_at(*n.kids[0], fmt::format("{} is not a type", text(*n.kids[0])));
      return eval_composite(n, t);
    }
    case node_kind::key_value:
      error_at(n, "unexpected key: value outside a composite literal");
    case node_kind::array_type:
    case node_kind::map_type:
    case node_kind::chan_type:
    case node_kind::func_type:
    case node_kind::struct_type:
    case node_kind::interface_type: {
      eval_value v;
      v.f = eval_value::form::type;
      v.type = type_of_node(n);
      return v;
    }
  }
  error_at(n, "unsupported expression");
}

eval_value evaluator::impl::eval_ident(const expr_node& n) {
  const std::string& name = n.text;
  if (name == "_") error_at(n, "cannot use _ as value");
  if (env.local) {
    std::optional<go_value> v;
    try {
      v = env.local(name);
    } catch (const error& e) {
      error_at(n, e.what());
    }
    if (v) {
      if (v->partial) partial.push_back(name);
      return eval_value::of(*v);
    }
  }
  if (!env.package.empty())
    if (auto m = package_member(env.package, name)) return *m;
  if (env.package_path)
    if (auto p = env.package_path(name)) {
      eval_value v;
      v.f = eval_value::form::package;
      v.name = *p;
      return v;
    }
  if (name == "unsafe") {  // unsafe.Pointer: a package every program may name
    eval_value v;
    v.f = eval_value::form::package;
    v.name = name;
    return v;
  }
  if (name == "true" || name == "false")
    return untyped_constant(untyped::boolean, go_constant::of_bool(name == "true"));
  if (name == "nil") {
    eval_value v;
    v.ut = untyped::nil;
    return v;
  }
  if (name == "iota") error_at(n, "cannot use iota outside constant declaration");
  for (auto b : builtins)
    if (name == b) {
      eval_value v;
      v.f = eval_value::form::builtin;
      v.name = name;
      return v;
    }
  if (const go_type* t = type_of_node(n)) {
    eval_value v;
    v.f = eval_value::form::type;
    v.type = t;
    return v;
  }
  error_at(n, fmt::format("undefined: {}", name));
}

std::optional<eval_value> evaluator::impl::package_member(const std::string& path,
                                                          std::string_view name) {
  std::string full = path + "." + std::string(name);
  if (env.global) {
    std::optional<go_value> g;
    try {
      g = env.global(full);
    } catch (const error& e) {
      fail("{}: {}", full, e.what());
    }
    if (g) {
      // Go writes an untyped constant (math.MaxInt64) with its default type, int: a constant
      // of an unnamed integer type is untyped here, as in Go (U64 > math.MaxInt64 holds).
      const go_type* t = g->type;
      if (g->constant && t && is_integer(t) && t->name.find('.') == std::string::npos &&
          t->size <= 8 && g->bytes.size() >= t->size) {
        __int128 n = t->kind == go_kind::int_ ? __int128(load_le_signed(g->bytes, 0, t->size))
                                              : __int128(load_le(g->bytes, 0, t->size));
        return untyped_constant(untyped::integer, go_constant::of_int(n));
      }
      return eval_value::of(*g);
    }
  }
  if (env.function_named)
    if (auto f = env.function_named(full)) return f->value();
  if (const go_type* t = named(full)) {
    eval_value v;
    v.f = eval_value::form::type;
    v.type = t;
    return v;
  }
  return std::nullopt;
}

// Unquoted import paths: net/http.DefaultClient parses as net / http.DefaultClient; when the
// left of the division names nothing, the whole may still name a package member.
std::optional<eval_value> evaluator::impl::qualified_path(const expr_node& n) {
  if (n.kind != node_kind::binary || n.op != tok::quo || !env.package_path) return std::nullopt;
  // The selector chain on the right: its innermost operand is the path's last element.
  std::vector<const expr_node*> chain;
  const expr_node* r = n.kids[1].get();
  while (r->kind == node_kind::selector) {
    chain.push_back(r);
    r = r->kids[0].get();
  }
  if (r->kind != node_kind::ident || chain.empty()) return std::nullopt;
  std::string_view left = text(*n.kids[0]);
  for (char c : left)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' ||
          c == '-'))
      return std::nullopt;
  std::string path = std::string(left) + "/" + r->text;
  auto pkg = env.package_path(path);
  if (!pkg) return std::nullopt;
  // chain.back() selects the member of the package; the rest are fields/methods on it.
  auto v = package_member(*pkg, chain.back()->text);
  if (!v) error_at(*chain.back(), fmt::format("undefined: {}.{}", path, chain.back()->text));
  for (std::size_t i = chain.size() - 1; i-- > 0;) {
    const expr_node& sel = *chain[i];
    auto f = find_field(*v, sel.text, sel);
    if (!f) f = find_method(*v, sel.text);
    if (!f) error_at(sel, fmt::format("{} undefined", text(sel)));
    v = f;
  }
  return v;
}

}  // namespace godbg
