// Index and slice expressions on arrays, pointers to arrays, slices, strings and maps, with
// the compiler's errors for constant indices and the runtime's for the rest ("runtime error:
// index out of range [5] with length 3"); generic instantiations f[int] and T[K, V].
#include <fmt/format.h>

#include <cstring>

#include "dwarf/dwarf_go_maps.hpp"
#include "dwarf/go_eval_internal.hpp"

namespace godbg {

namespace {

// Entries read when looking a key up in a map; a map larger than this is searched this far.
constexpr std::size_t max_map_lookup = std::size_t(1) << 20;

bool type_like(const expr_node& n) {
  switch (n.kind) {
    case node_kind::ident:
    case node_kind::selector:
    case node_kind::array_type:
    case node_kind::map_type:
    case node_kind::chan_type:
    case node_kind::func_type:
    case node_kind::struct_type:
    case node_kind::interface_type:
      return true;
    case node_kind::unary:
      return n.op == tok::mul && type_like(*n.kids[0]);
    case node_kind::index:
      return type_like(*n.kids[0]);
    default:
      return false;
  }
}

}  // namespace

// main.Sum[int], main.Pair[string,int]: a function or type of that name.
std::optional<eval_value> evaluator::impl::generic(const expr_node& n) {
  const expr_node& base = *n.kids[0];
  if (base.kind != node_kind::ident && base.kind != node_kind::selector) return std::nullopt;
  for (std::size_t i = 1; i < n.kids.size(); ++i)
    if (!type_like(*n.kids[i])) return std::nullopt;
  if (base.kind == node_kind::ident && has_local(base.text)) return std::nullopt;
  std::string args;
  for (std::size_t i = 1; i < n.kids.size(); ++i) {
    const go_type* t = type_of_node(*n.kids[i]);
    if (!t) return std::nullopt;
    args += (i > 1 ? "," : "") + t->name;
  }
  std::string head;
  if (base.kind == node_kind::ident) {
    if (env.package.empty()) return std::nullopt;
    head = env.package + "." + base.text;
  } else {
    head = type_name_of_node(base);
  }
  std::string name = head + "[" + args + "]";
  if (env.function_named)
    if (auto f = env.function_named(name)) return f->value();
  if (const go_type* t = env.type_named ? env.type_named(name) : nullptr) {
    eval_value v;
    v.f = eval_value::form::type;
    v.type = t;
    return v;
  }
  return std::nullopt;
}

eval_value evaluator::impl::eval_index(const expr_node& n) {
  const expr_node& base = *n.kids[0];
  if (auto g = generic(n)) return *g;
  eval_value x = eval(base);
  if (x.f == eval_value::form::type || x.f == eval_value::form::function)
    error_at(n, fmt::format("undefined: {}", type_name_of_node(n)));
  if (n.kids.size() > 2) error_at(*n.kids[2], "unexpected comma: an index is one expression");
  if (x.f == eval_value::form::value && x.ut == untyped::none && !x.type)
    error_at(base, fmt::format("{} has no type", text(base)));
  x = as_value(std::move(x), base);
  const expr_node& in = *n.kids[1];
  if (x.ut == untyped::string) {  // "abc"[1]
    eval_value i = as_value(eval(in), in);
    std::int64_t k = index_value(i, in, "index");
    const std::string& s = x.k->s;
    if (k >= std::int64_t(s.size()))
      error_at(in, fmt::format("invalid argument: index {} out of bounds [0:{}]", k, s.size()));
    eval_value b = held_value(basic("uint8"), {static_cast<std::uint8_t>(s[std::size_t(k)])});
    if (i.k) b.k = go_constant::of_int(static_cast<unsigned char>(s[std::size_t(k)]));
    return b;
  }
  if (x.ut != untyped::none)
    error_at(n, fmt::format("invalid operation: cannot index {}", describe(base, x)));
  const go_type* t = x.type;
  if (t->kind == go_kind::pointer && t->elem && t->elem->kind == go_kind::array) {
    x = deref(x, base);
    t = x.type;
  }
  if (t->kind == go_kind::map) {
    if (!t->key || !t->elem)
      error_at(base, fmt::format("map {} has no key or element type", t->name));
    eval_value key = as_value(eval(in), in);
    if (key.ut != untyped::none && t->key->kind == go_kind::interface && key.ut != untyped::nil) {
      key = concrete(key, in);  // "k" in a map[any]int: a string key
    } else if (key.ut != untyped::none) {
      key = convert_untyped(key, t->key, in);
    } else if (!identical(key.type, t->key) && t->key->kind != go_kind::interface) {
      error_at(in, fmt::format("cannot use {} as {} value in map index", describe(in, key),
                               t->key->name));
    }
    std::uint64_t m = word(x);
    if (!m) error_at(n, fmt::format("key not in map {}: the map is nil", text(base)));
    map_contents c = read_map(
        *t, m, [this](std::uint64_t a, std::span<std::uint8_t> o) { return read(a, o); },
        max_map_lookup);
    bool iface_key = t->key->kind == go_kind::interface && key.type->kind != go_kind::interface;
    for (const auto& e : c.entries) {
      eval_value k = held_value(t->key, e.key);
      bool hit;
      if (iface_key) {
        const go_type* dyn = dynamic_type(k);
        hit = dyn && identical(dyn, key.type) && values_equal(dyn, dynamic_value(k, in), key, in);
      } else {
        hit = values_equal(t->key, k, key, in);
      }
      if (hit) {
        eval_value v = held_value(t->elem, e.value);
        v.addr = e.value_addr;
        return v;
      }
    }
    error_at(in, fmt::format("key {} not in map{}", text(in),
                             c.truncated
                                 ? fmt::format(" (searched its first {} entries)", c.entries.size())
                                 : ""));
  }
  eval_value iv = as_value(eval(in), in);
  std::int64_t i = index_value(iv, in, "index");
  bool constant = iv.k.has_value();
  std::uint64_t len = 0;
  switch (t->kind) {
    case go_kind::array: {
      len = t->length;
      if (constant && std::uint64_t(i) >= len)
        error_at(in, fmt::format("invalid argument: index {} out of bounds [0:{}]", i, len));
      if (i < 0 || std::uint64_t(i) >= len)
        error_at(in, fmt::format("runtime error: index out of range [{}] with length {}", i, len));
      const go_type* e = t->elem;
      if (!e) error_at(base, fmt::format("{} has no element type", t->name));
      std::uint64_t off = std::uint64_t(i) * e->size;
      eval_value out;
      out.type = e;
      out.addressable = x.addressable;
      out.variable = x.variable;
      if (x.held) {
        out.bytes.assign(x.bytes.begin() + off, x.bytes.begin() + off + e->size);
        out.held = true;
        if (x.addr) out.addr = *x.addr + off;
      } else {
        out.addr = *x.addr + off;
      }
      return out;
    }
    case go_kind::slice: {
      auto h = bytes_of(x);
      std::uint64_t data = load_le(h, 0, 8);
      len = load_le(h, 8, 8);
      if (i < 0 || std::uint64_t(i) >= len)
        error_at(in, fmt::format("runtime error: index out of range [{}] with length {}", i, len));
      if (!t->elem) error_at(base, fmt::format("{} has no element type", t->name));
      eval_value out = at_address(t->elem, data + std::uint64_t(i) * t->elem->size, true);
      out.variable = true;
      return out;
    }
    case go_kind::string: {
      auto h = bytes_of(x);
      std::uint64_t data = load_le(h, 0, 8);
      len = load_le(h, 8, 8);
      if (i < 0 || std::uint64_t(i) >= len)
        error_at(in, fmt::format("runtime error: index out of range [{}] with length {}", i, len));
      eval_value out = held_value(basic("uint8"), read_mem(data + std::uint64_t(i), 1));
      out.addr = data + std::uint64_t(i);  // readable, but strings are immutable: not addressable
      return out;
    }
    default:
      error_at(n, fmt::format("invalid operation: cannot index {}", describe(base, x)));
  }
}

eval_value evaluator::impl::eval_slice(const expr_node& n) {
  const expr_node& base = *n.kids[0];
  eval_value x = as_value(eval(base), base);
  auto bound = [&](int k, std::int64_t dflt) -> std::int64_t {
    const expr_node* e = n.kid(std::size_t(k));
    if (!e) return dflt;
    return index_value(as_value(eval(*e), *e), *e, "index");
  };
  if (x.ut == untyped::string) x = convert_untyped(x, basic("string"), base);
  if (x.ut != untyped::none) error_at(n, fmt::format("cannot slice {}", describe(base, x)));
  const go_type* t = x.type;
  if (t->kind == go_kind::pointer && t->elem && t->elem->kind == go_kind::array) {
    x = deref(x, base);
    t = x.type;
  }
  std::uint64_t data = 0, len = 0, cap = 0;
  const go_type* result = t;
  bool is_str = false;
  switch (t->kind) {
    case go_kind::string: {
      if (n.three) error_at(n, "invalid operation: 3-index slice of string");
      auto h = bytes_of(x);
      data = load_le(h, 0, 8);
      len = cap = load_le(h, 8, 8);
      is_str = true;
      break;
    }
    case go_kind::array:
      if (!x.addressable || !x.addr)
        error_at(n,
                 fmt::format("invalid operation: {} (slice of unaddressable value)", text(base)));
      data = *x.addr;
      len = cap = t->length;
      if (!t->elem) error_at(base, fmt::format("{} has no element type", t->name));
      result = slice_of(t->elem);
      break;
    case go_kind::slice: {
      auto h = bytes_of(x);
      data = load_le(h, 0, 8);
      len = load_le(h, 8, 8);
      cap = load_le(h, 16, 8);
      break;
    }
    default:
      error_at(n, fmt::format("cannot slice {}", describe(base, x)));
  }
  std::int64_t lo = bound(1, 0);
  std::int64_t hi = bound(2, std::int64_t(len));
  std::int64_t max = n.three ? bound(3, std::int64_t(cap)) : std::int64_t(cap);
  const char* what = is_str ? "length" : "capacity";
  std::uint64_t limit = is_str ? len : cap;
  if (n.three && std::uint64_t(max) > cap)
    error_at(n, fmt::format("runtime error: slice bounds out of range [::{}] with capacity {}", max,
                            cap));
  if (n.three && hi > max)
    error_at(n, fmt::format("runtime error: slice bounds out of range [:{}:{}]", hi, max));
  if (!n.three && std::uint64_t(hi) > limit)
    error_at(n, fmt::format("runtime error: slice bounds out of range [:{}] with {} {}", hi, what,
                            limit));
  if (lo > hi) error_at(n, fmt::format("runtime error: slice bounds out of range [{}:{}]", lo, hi));
  std::uint64_t esize = is_str ? 1 : (t->elem ? t->elem->size : 0);
  std::uint64_t nd = data + std::uint64_t(lo) * esize;
  std::uint64_t nlen = std::uint64_t(hi - lo);
  if (is_str) {
    std::vector<std::uint8_t> h(16);
    if (nlen == 0) nd = 0;
    std::memcpy(h.data(), &nd, 8);
    std::memcpy(h.data() + 8, &nlen, 8);
    return held_value(result, std::move(h));
  }
  std::uint64_t ncap = std::uint64_t(max - lo);
  std::vector<std::uint8_t> h(24);
  std::memcpy(h.data(), &nd, 8);
  std::memcpy(h.data() + 8, &nlen, 8);
  std::memcpy(h.data() + 16, &ncap, 8);
  return held_value(result, std::move(h));
}

}  // namespace godbg
