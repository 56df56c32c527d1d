// Selectors: package members (pkg.Var, "net/http".Client), fields (promoted through embedded
// structs and pointers at the shallowest depth, as Go does, and fields of an interface's dynamic
// value), methods as values (t.M, T.M, (*T).M) and the dynamic values of interfaces.
#include <fmt/format.h>

#include "dwarf/go_eval_internal.hpp"

namespace godbg {

namespace {

constexpr int max_embedding_depth = 16;

// "main.Point" -> ("main", "Point"); "net/http.Client" -> ("net/http", "Client").
std::pair<std::string, std::string> split_type_name(std::string_view name) {
  auto slash = name.rfind('/', name.find('['));
  auto dot = name.find('.', slash == std::string_view::npos ? 0 : slash);
  if (dot == std::string_view::npos) return {"", std::string(name)};
  return {std::string(name.substr(0, dot)), std::string(name.substr(dot + 1))};
}

}  // namespace

const go_type* evaluator::impl::dynamic_type(const eval_value& iface) {
  std::uint64_t tab = word(iface, 0);
  if (!tab) return nullptr;
  std::uint64_t rtype = iface.type->empty_interface ? tab : load_le(read_mem(tab + 8, 8), 0, 8);
  const go_type* dyn = env.type_of_descriptor ? env.type_of_descriptor(rtype) : nullptr;
  if (!dyn) fail("cannot resolve the dynamic type of the interface (runtime type {:#x})", rtype);
  return dyn;
}

eval_value evaluator::impl::dynamic_value(const eval_value& iface, const expr_node& n) {
  const go_type* dyn = nullptr;
  try {
    dyn = dynamic_type(iface);
  } catch (const error& e) {
    error_at(n, e.what());
  }
  if (!dyn) error_at(n, fmt::format("{} is a nil interface", text(n)));
  std::uint64_t data = word(iface, 8);
  if (pointer_shaped(*dyn)) {
    std::vector<std::uint8_t> b(8);
    std::memcpy(b.data(), &data, 8);
    return held_value(dyn, std::move(b));
  }
  return at_address(dyn, data, false);
}

std::optional<eval_value> evaluator::impl::find_field(const eval_value& v, std::string_view name,
                                                      const expr_node& n) {
  eval_value base = v;
  if (base.type && base.type->kind == go_kind::interface) base = dynamic_value(base, n);
  bool through_nil = false;
  if (base.type && base.type->kind == go_kind::pointer && base.type->elem &&
      base.type->elem->kind == go_kind::struct_) {
    if (word(base) == 0) {
      through_nil = true;
      base = at_address(base.type->elem, 0, true);
    } else {
      base = deref(base, n);
    }
  }
  if (!base.type || base.type->kind != go_kind::struct_) return std::nullopt;
  struct candidate {
    eval_value val;
    bool nil = false;  // reached through a nil embedded pointer
  };
  std::vector<candidate> level{{base, through_nil}};
  for (int depth = 0; depth < max_embedding_depth && !level.empty(); ++depth) {
    std::vector<std::pair<const candidate*, const go_field*>> found;
    std::vector<candidate> next;
    for (const auto& c : level) {
      for (const auto& f : c.val.type->fields) {
        if (!f.type) continue;
        if (f.name == name) found.push_back({&c, &f});
      }
    }
    if (found.size() > 1) error_at(n, fmt::format("ambiguous selector {}", text(n)));
    if (found.size() == 1) {
      const candidate& c = *found[0].first;
      if (c.nil) error_at(n, "runtime error: invalid memory address or nil pointer dereference");
      return field_of(c.val, *found[0].second);
    }
    for (const auto& c : level) {
      for (const auto& f : c.val.type->fields) {
        if (!f.embedded || !f.type) continue;
        if (f.type->kind == go_kind::struct_) {
          next.push_back({c.nil ? at_address(f.type, 0, true) : field_of(c.val, f), c.nil});
        } else if (f.type->kind == go_kind::pointer && f.type->elem &&
                   f.type->elem->kind == go_kind::struct_) {
          if (c.nil) {
            next.push_back({at_address(f.type->elem, 0, true), true});
            continue;
          }
          eval_value p = field_of(c.val, f);
          std::uint64_t a = word(p);
          if (a)
            next.push_back({at_address(f.type->elem, a, true), false});
          else
            next.push_back({at_address(f.type->elem, 0, true), true});
        }
      }
    }
    level = std::move(next);
  }
  return std::nullopt;
}

std::optional<eval_value> evaluator::impl::find_method(const eval_value& v, std::string_view name) {
  if (!env.function_named || !v.type) return std::nullopt;
  const go_type* t = v.type;
  if (t->kind == go_kind::interface) {
    try {
      t = dynamic_type(v);
    } catch (const error&) {
      return std::nullopt;
    }
    if (!t) return std::nullopt;
  }
  // Breadth-first through embedded fields, as promotion works.
  std::vector<const go_type*> level{t};
  for (int depth = 0; depth < max_embedding_depth && !level.empty(); ++depth) {
    std::vector<const go_type*> next;
    for (const go_type* c : level) {
      const go_type* base = c->kind == go_kind::pointer && c->elem ? c->elem : c;
      auto [pkg, tn] = split_type_name(base->name);
      if (pkg.empty()) continue;
      for (const std::string& fn :
           {pkg + "." + tn + "." + std::string(name), pkg + ".(*" + tn + ")." + std::string(name)})
        if (auto f = env.function_named(fn)) return f->value();
      if (base->kind == go_kind::struct_)
        for (const auto& f : base->fields)
          if (f.embedded && f.type) next.push_back(f.type);
    }
    level = std::move(next);
  }
  return std::nullopt;
}

eval_value evaluator::impl::eval_selector(const expr_node& n) {
  const expr_node& b = *n.kids[0];
  if (b.kind == node_kind::basic_lit && b.op == tok::string_lit) {
    if (auto m = package_member(b.value, n.text)) return *m;
    error_at(n, fmt::format("undefined: {}", text(n)));
  }
  // pkg.Name names a package member even where a function of the frame's package has the
  // package's name (main.Counter inside package main, whose function main shadows nothing here).
  if (b.kind == node_kind::ident && !has_local(b.text) && env.package_path)
    if (auto path = env.package_path(b.text)) {
      if (auto m = package_member(*path, n.text)) return *m;
      // A package of that name, without that member: unless the name is also a value of the
      // frame's package, the member is what is missing.
      if (env.package.empty() || !package_member(env.package, b.text) ||
          package_member(env.package, b.text)->f != eval_value::form::value)
        error_at(n, fmt::format("undefined: {}", text(n)));
    }
  eval_value x = eval(b);
  switch (x.f) {
    case eval_value::form::package:
      if (auto m = package_member(x.name, n.text)) return *m;
      error_at(n, fmt::format("undefined: {}", text(n)));
    case eval_value::form::type: {
      // A method expression: T.M, (*T).M.
      auto m = find_method(at_address(x.type, 0, false), n.text);
      if (m) return *m;
      error_at(
          n, fmt::format("{} undefined (type {} has no method {})", text(n), x.type->name, n.text));
    }
    case eval_value::form::builtin:
      error_at(b, fmt::format("{} (built-in function) must be called", text(b)));
    case eval_value::form::function:
      error_at(n, fmt::format("{} undefined (type {} has no field or method {})", text(n),
                              x.type ? x.type->name : "func", n.text));
    case eval_value::form::value:
      break;
  }
  if (x.ut != untyped::none)
    error_at(n, fmt::format("{} undefined (type {} has no field or method {})", text(n),
                            type_text(x), n.text));
  try {
    if (auto f = find_field(x, n.text, n)) return *f;
    if (auto m = find_method(x, n.text)) return *m;
  } catch (const expr_error&) {
    throw;
  } catch (const error& e) {
    error_at(n, e.what());
  }
  error_at(n, fmt::format("{} undefined (type {} has no field or method {})", text(n), type_text(x),
                          n.text));
}

}  // namespace godbg
