// Types for the evaluator: Go's predeclared types, the types written in expressions ([]byte,
// *main.T, map[string]int, main.Pair[string,int]) found in DWARF or made up, and the relations
// Go's rules need (identity, underlying types).
#include <fmt/format.h>

#include "dwarf/go_eval_internal.hpp"

namespace godbg {

namespace {

struct builtin_row {
  std::string_view name;
  go_kind kind;
  std::uint64_t size;
};

constexpr builtin_row builtin_rows[] = {
    {"bool", go_kind::boolean, 1},
    {"int", go_kind::int_, 8},
    {"int8", go_kind::int_, 1},
    {"int16", go_kind::int_, 2},
    {"int32", go_kind::int_, 4},
    {"int64", go_kind::int_, 8},
    {"uint", go_kind::uint_, 8},
    {"uint8", go_kind::uint_, 1},
    {"uint16", go_kind::uint_, 2},
    {"uint32", go_kind::uint_, 4},
    {"uint64", go_kind::uint_, 8},
    {"uintptr", go_kind::uint_, 8},
    {"float32", go_kind::float_, 4},
    {"float64", go_kind::float_, 8},
    {"complex64", go_kind::complex_, 8},
    {"complex128", go_kind::complex_, 16},
    {"string", go_kind::string, 16},
    {"unsafe.Pointer", go_kind::pointer, 8},
    {"interface {}", go_kind::interface, 16},
    {"error", go_kind::interface, 16},
};

std::vector<go_type> make_builtins() {
  std::vector<go_type> out;
  for (const auto& r : builtin_rows) {
    go_type t;
    t.name = r.name;
    t.kind = r.kind;
    t.size = r.size;
    t.empty_interface = r.name == "interface {}";
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

const go_type* builtin_type(std::string_view name) {
  if (name == "byte") name = "uint8";
  if (name == "rune") name = "int32";
  if (name == "any") name = "interface {}";
  static const std::vector<go_type> table = make_builtins();  // immutable once made
  for (const auto& t : table)
    if (t.name == name) return &t;
  return nullptr;
}

bool is_integer(const go_type* t) {
  return t && (t->kind == go_kind::int_ || t->kind == go_kind::uint_);
}
bool is_unsigned(const go_type* t) {
  return t && t->kind == go_kind::uint_;
}
bool is_float(const go_type* t) {
  return t && t->kind == go_kind::float_;
}
bool is_complex(const go_type* t) {
  return t && t->kind == go_kind::complex_;
}
bool is_numeric(const go_type* t) {
  return is_integer(t) || is_float(t) || is_complex(t);
}
bool is_string(const go_type* t) {
  return t && t->kind == go_kind::string;
}
bool is_boolean(const go_type* t) {
  return t && t->kind == go_kind::boolean;
}

bool is_named(const go_type* t) {
  if (!t || t->name.empty()) return false;
  std::string_view n = t->name;
  return !(n.starts_with("*") || n.starts_with("[") || n.starts_with("map[") ||
           n.starts_with("chan ") || n.starts_with("chan<-") || n.starts_with("<-chan") ||
           n.starts_with("func(") || n.starts_with("struct {") || n.starts_with("struct{") ||
           n.starts_with("interface {") || n.starts_with("interface{"));
}

bool identical(const go_type* a, const go_type* b) {
  if (a == b) return true;
  if (!a || !b) return false;
  if (a->name.empty() || b->name.empty()) return false;
  return a->name == b->name && a->kind == b->kind && a->size == b->size;
}

bool same_underlying(const go_type* a, const go_type* b) {
  if (!a || !b) return false;
  if (identical(a, b)) return true;
  if (a->kind != b->kind || a->size != b->size) return false;
  switch (a->kind) {
    case go_kind::pointer:
    case go_kind::slice:
    case go_kind::chan:
      return identical(a->elem, b->elem) || (a->elem && b->elem && a->elem->name == b->elem->name);
    case go_kind::array:
      return a->length == b->length && identical(a->elem, b->elem);
    case go_kind::map:
      return identical(a->key, b->key) && identical(a->elem, b->elem);
    case go_kind::struct_: {
      if (a->fields.size() != b->fields.size()) return false;
      for (std::size_t i = 0; i < a->fields.size(); ++i) {
        const auto &x = a->fields[i], &y = b->fields[i];
        if (x.name != y.name || x.offset != y.offset || !identical(x.type, y.type)) return false;
      }
      return true;
    }
    case go_kind::interface:
      return a->empty_interface == b->empty_interface;
    case go_kind::int_:
    case go_kind::uint_:
      // uintptr and uint64 share kind and size but not their underlying type.
      return (a->name == "uintptr") == (b->name == "uintptr") || is_named(a) || is_named(b);
    default:
      return true;
  }
}

bool nilable(const go_type* t) {
  if (!t) return false;
  switch (t->kind) {
    case go_kind::pointer:
    case go_kind::slice:
    case go_kind::map:
    case go_kind::chan:
    case go_kind::func:
    case go_kind::interface:
      return true;
    default:
      return false;
  }
}

// --- the evaluator's own types

const go_type* evaluator::impl::named(std::string_view name) {
  if (auto it = made.find(name); it != made.end()) return it->second;
  const go_type* t = env.type_named ? env.type_named(name) : nullptr;
  if (!t) t = builtin_type(name);
  return t;
}

const go_type* evaluator::impl::basic(std::string_view name) {
  if (name == "byte") name = "uint8";
  if (name == "rune") name = "int32";
  const go_type* t = named(name);
  if (!t || t->kind == go_kind::invalid) t = builtin_type(name);
  return t;
}

const go_type* evaluator::impl::make_type(go_type t) {
  if (auto it = made.find(t.name); it != made.end()) return it->second;
  arena.push_back(std::move(t));
  const go_type* p = &arena.back();
  made.emplace(p->name, p);
  return p;
}

const go_type* evaluator::impl::pointer_to(const go_type* t) {
  std::string name = "*" + t->name;
  if (const go_type* d = env.type_named ? env.type_named(name) : nullptr;
      d && d->kind == go_kind::pointer && d->elem == t)
    return d;
  go_type p;
  p.kind = go_kind::pointer;
  p.name = name;
  p.size = 8;
  p.elem = t;
  // A type found under this name may describe another t of the same name (two DWARF DIEs):
  // interning by name is right only while the element is the same.
  if (auto it = made.find(name); it != made.end() && it->second->elem != t) {
    arena.push_back(std::move(p));
    return &arena.back();
  }
  return make_type(std::move(p));
}

const go_type* evaluator::impl::slice_of(const go_type* t) {
  std::string name = "[]" + t->name;
  if (const go_type* d = env.type_named ? env.type_named(name) : nullptr;
      d && d->kind == go_kind::slice && d->elem)
    return d;
  go_type s;
  s.kind = go_kind::slice;
  s.name = name;
  s.size = 24;
  s.elem = t;
  return make_type(std::move(s));
}

const go_type* evaluator::impl::array_of(const go_type* t, std::uint64_t n) {
  std::string name = fmt::format("[{}]{}", n, t->name);
  if (const go_type* d = env.type_named ? env.type_named(name) : nullptr;
      d && d->kind == go_kind::array && d->elem)
    return d;
  go_type a;
  a.kind = go_kind::array;
  a.name = name;
  a.length = n;
  a.elem = t;
  a.size = t->size * n;
  return make_type(std::move(a));
}

const go_type* evaluator::impl::default_type(untyped u) {
  switch (u) {
    case untyped::boolean:
      return basic("bool");
    case untyped::string:
      return basic("string");
    case untyped::integer:
      return basic("int");
    case untyped::rune:
      return basic("int32");
    case untyped::floating:
      return basic("float64");
    case untyped::complex:
      return basic("complex128");
    default:
      return nullptr;
  }
}

std::string evaluator::impl::type_name_of_node(const expr_node& n) {
  switch (n.kind) {
    case node_kind::ident:
      if (n.text == "byte") return "uint8";
      if (n.text == "rune") return "int32";
      if (n.text == "any") return "interface {}";
      if (builtin_type(n.text)) return n.text;
      if (has_local(n.text)) return n.text;  // not a type: the caller will say
      if (!env.package.empty() && named(env.package + "." + n.text))
        return env.package + "." + n.text;
      return n.text;
    case node_kind::selector: {
      const expr_node& base = *n.kids[0];
      std::string pkg;
      if (base.kind == node_kind::basic_lit && base.op == tok::string_lit) {
        pkg = base.value;
      } else if (base.kind == node_kind::ident) {
        pkg = base.text;
        if (env.package_path)
          if (auto p = env.package_path(base.text)) pkg = *p;
      } else {
        return std::string(text(n));
      }
      return pkg + "." + n.text;
    }
    case node_kind::paren:
      return type_name_of_node(*n.kids[0]);
    case node_kind::unary:
      if (n.op == tok::mul) return "*" + type_name_of_node(*n.kids[0]);
      break;
    case node_kind::array_type:
      if (!n.kids[0]) return (n.ellipsis ? "[...]" : "[]") + type_name_of_node(*n.kids[1]);
      if (n.kids[0]->kind == node_kind::basic_lit)
        return "[" + n.kids[0]->text + "]" + type_name_of_node(*n.kids[1]);
      {
        eval_value len = eval(*n.kids[0]);
        auto k = constant_index(len);
        if (!k || *k < 0)
          error_at(*n.kids[0],
                   fmt::format("array length {} must be a non-negative constant integer",
                               text(*n.kids[0])));
        return fmt::format("[{}]{}", *k, type_name_of_node(*n.kids[1]));
      }
    case node_kind::map_type:
      return "map[" + type_name_of_node(*n.kids[0]) + "]" + type_name_of_node(*n.kids[1]);
    case node_kind::chan_type:
      return (n.dir == 1   ? "chan<- "
              : n.dir == 2 ? "<-chan "
                           : "chan ") +
             type_name_of_node(*n.kids[0]);
    case node_kind::func_type: {
      std::size_t params = n.kids.size() - n.results;
      std::string s = "func(";
      for (std::size_t i = 0; i < params; ++i) {
        if (i) s += ", ";
        if (n.ellipsis && i + 1 == params) s += "...";
        s += type_name_of_node(*n.kids[i]);
      }
      s += ")";
      if (n.results == 1) s += " " + type_name_of_node(*n.kids[params]);
      if (n.results > 1) {
        s += " (";
        for (std::size_t i = params; i < n.kids.size(); ++i)
          s += (i > params ? ", " : "") + type_name_of_node(*n.kids[i]);
        s += ")";
      }
      return s;
    }
    case node_kind::struct_type: {
      if (n.kids.empty()) return "struct {}";
      std::string s = "struct { ";
      for (std::size_t i = 0; i < n.kids.size(); ++i) {
        if (i) s += "; ";
        if (!n.names[i].empty()) s += n.names[i] + " ";
        s += type_name_of_node(*n.kids[i]);
      }
      return s + " }";
    }
    case node_kind::interface_type:
      return "interface {}";
    case node_kind::index: {  // main.Pair[string,int]
      std::string s = type_name_of_node(*n.kids[0]) + "[";
      for (std::size_t i = 1; i < n.kids.size(); ++i)
        s += (i > 1 ? "," : "") + type_name_of_node(*n.kids[i]);
      return s + "]";
    }
    default:
      break;
  }
  return std::string(text(n));
}

const go_type* evaluator::impl::type_of_node(const expr_node& n) {
  switch (n.kind) {
    case node_kind::ident: {
      if (has_local(n.text)) return nullptr;  // a variable shadows a type
      if (!env.package.empty())
        if (const go_type* t =
                env.type_named ? env.type_named(env.package + "." + n.text) : nullptr)
          return t;
      if (n.text == "byte" || n.text == "rune" || n.text == "any" || builtin_type(n.text))
        return basic(n.text == "any" ? "interface {}" : n.text);
      return nullptr;
    }
    case node_kind::selector: {
      const expr_node& base = *n.kids[0];
      bool quoted = base.kind == node_kind::basic_lit && base.op == tok::string_lit;
      if (!quoted && base.kind != node_kind::ident) return nullptr;
      if (!quoted && has_local(base.text)) return nullptr;
      std::string name = type_name_of_node(n);
      if (name == "unsafe.Pointer") return basic(name);
      return env.type_named ? env.type_named(name) : nullptr;
    }
    case node_kind::paren:
      return type_of_node(*n.kids[0]);
    case node_kind::unary: {
      if (n.op != tok::mul) return nullptr;
      const go_type* t = type_of_node(*n.kids[0]);
      return t ? pointer_to(t) : nullptr;
    }
    case node_kind::array_type: {
      const go_type* elem = type_of_node(*n.kids[1]);
      if (!elem) error_at(*n.kids[1], fmt::format("undefined: {}", text(*n.kids[1])));
      if (!n.kids[0]) {
        if (n.ellipsis) error_at(n, "invalid use of [...] array (outside a composite literal)");
        return slice_of(elem);
      }
      eval_value len = eval(*n.kids[0]);
      auto k = constant_index(len);
      if (!k)
        error_at(*n.kids[0], fmt::format("array length {} must be constant", text(*n.kids[0])));
      if (*k < 0) error_at(*n.kids[0], fmt::format("invalid array length {}", text(*n.kids[0])));
      return array_of(elem, std::uint64_t(*k));
    }
    case node_kind::map_type:
    case node_kind::chan_type:
    case node_kind::func_type:
    case node_kind::struct_type:
    case node_kind::interface_type: {
      std::string name = type_name_of_node(n);
      if (const go_type* t = named(name)) return t;
      if (n.kind == node_kind::func_type) {  // a func value is one pointer
        go_type f;
        f.kind = go_kind::func;
        f.name = name;
        f.size = 8;
        return make_type(std::move(f));
      }
      if (n.kind == node_kind::struct_type && n.kids.empty()) {
        go_type s;
        s.kind = go_kind::struct_;
        s.name = "struct {}";
        return make_type(std::move(s));
      }
      error_at(n, fmt::format("type {} is not in the program's DWARF", name));
    }
    case node_kind::index: {
      // A generic instantiation is a type when its name is one.
      const expr_node& base = *n.kids[0];
      if (base.kind != node_kind::ident && base.kind != node_kind::selector) return nullptr;
      if (base.kind == node_kind::ident && has_local(base.text)) return nullptr;
      std::string name = type_name_of_node(n);
      return env.type_named ? env.type_named(name) : nullptr;
    }
    default:
      return nullptr;
  }
}

}  // namespace godbg
