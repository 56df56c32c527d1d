#include "dwarf/go_frame_vars.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_memory.hpp"

namespace godbg {

frame_vars::frame_vars(const dwarf_info& dw, file_addr pc, location_context ctx, int line,
                       std::function<const go_type*(std::uint64_t)> type_of_descriptor,
                       int inline_depth)
    : dw_(dw), ctx_(std::move(ctx)), type_of_descriptor_(std::move(type_of_descriptor)) {
  raw_ = &dw.locals_at(pc, inline_depth);
  for (const auto& v : *raw_) {
    if (v.name.empty() || v.name[0] == '.') continue;  // .dict, .closureptr: the compiler's own
    // A local is in scope from the line after its declaration (x := f() on the stopped line
    // has not run yet); a closure's capture from its own line. Delve's rule, in every block.
    if (!v.is_parameter && line > 0 && v.decl_line > 0 &&
        (v.closure_offset ? v.decl_line > line : v.decl_line >= line))
      continue;
    frame_var f;
    f.dv = &v;
    f.escaped = v.name.size() > 1 && v.name[0] == '&';
    f.name = f.escaped ? v.name.substr(1) : v.name;
    f.parameter = v.is_parameter;
    f.result = v.is_return;
    f.type = v.type;
    if (f.escaped && f.type && f.type->kind == go_kind::pointer) f.type = f.type->elem;
    vars_.push_back(std::move(f));
  }
  // Parameters keep their order; locals go by declaration line, as Delve lists them.
  std::stable_sort(vars_.begin(), vars_.end(), [](const frame_var& a, const frame_var& b) {
    if (a.parameter != b.parameter) return a.parameter;
    if (a.parameter) return false;
    return a.dv->decl_line < b.dv->decl_line;
  });
  // Of several variables of one name, the innermost block's (the latest declared among equals)
  // is visible; the others are shadowed.
  for (auto& v : vars_)
    for (const auto& w : vars_)
      if (&v != &w && v.name == w.name &&
          (w.dv->scope_depth > v.dv->scope_depth ||
           (w.dv->scope_depth == v.dv->scope_depth && w.dv->decl_line > v.dv->decl_line)))
        v.shadowed = true;
}

bool frame_vars::has(std::string_view name) const {
  return find(name) != nullptr;
}

const frame_var* frame_vars::find(std::string_view name) const {
  const frame_var* best = nullptr;
  for (const auto& v : vars_)
    if (v.name == name && (!best || best->shadowed)) best = &v;
  return best;
}

std::optional<go_value> frame_vars::lookup(std::string_view name) {
  const frame_var* v = find(name);
  if (!v) return std::nullopt;
  return read(*v);
}

std::optional<std::uint64_t> frame_vars::dictionary() {
  if (dict_) return *dict_;
  dict_.emplace();
  for (const auto& v : *raw_)
    if (v.name == ".dict" && !v.location.empty()) {
      try {
        go_value d = variable_value(v, ctx_);
        *dict_ = load_le(d.bytes, 0, 8);
      } catch (const error&) {
      }
      break;
    }
  return *dict_;
}

// A shape type (.param0 = go.shape.int) names its real type by an index into the dictionary.
const go_type* frame_vars::real_type(const go_type* t) {
  if (!t || !t->dict_index || !type_of_descriptor_) return t;
  auto dict = dictionary();
  if (!dict || !*dict) return t;
  std::vector<std::uint8_t> w(8);
  if (!ctx_.read_memory || !ctx_.read_memory(*dict + *t->dict_index * 8, w)) return t;
  const go_type* real = type_of_descriptor_(load_le(w, 0, 8));
  // Every type a shape stands for has the shape's underlying kind and size (go.shape.float64
  // is all the types whose underlying type is float64): a word that names another kind is not
  // this instantiation's (a .dict location that lies at this pc), and the shape is kept.
  if (!real || real->kind != t->kind || real->size != t->size) return t;
  return real;
}

std::optional<std::uint64_t> frame_vars::closure_pointer() {
  for (const auto& v : *raw_)
    if (v.name == ".closureptr" && !v.location.empty()) {
      try {
        return load_le(variable_value(v, ctx_).bytes, 0, 8);
      } catch (const error&) {
        return std::nullopt;
      }
    }
  return std::nullopt;
}

go_value frame_vars::read(const frame_var& f) {
  const dwarf_variable& v = *f.dv;
  go_value out;
  if (v.location.empty() && v.closure_offset) {
    // A capture the optimizer keeps only in the closure: read it there.
    if (auto cp = closure_pointer(); cp && *cp) {
      out.type = v.type;
      out.address = *cp + *v.closure_offset;
      out.bytes = read_bytes(ctx_.read_memory, *out.address, std::size_t(v.type->size));
    }
  }
  if (!out.type) {
    if (v.location.empty()) fail("{} is optimized out here", f.name);
    out = variable_value(v, ctx_, true);
  }
  if (f.escaped) {
    // The frame holds the address of the heap copy.
    std::uint64_t a = load_le(out.bytes, 0, 8);
    if (!a) fail("{} (escaped to the heap) has no address yet here", f.name);
    const go_type* t = real_type(f.type);
    go_value h;
    h.type = t;
    h.address = a;
    if (t && t->size <= (1u << 16)) h.bytes = read_bytes(ctx_.read_memory, a, std::size_t(t->size));
    return h;
  }
  if (const go_type* t = real_type(out.type); t != out.type && t && t->size == out.type->size)
    out.type = t;
  return out;
}

std::vector<closure_capture> closure_captures_of(const dwarf_info& dw, file_addr entry) {
  std::vector<closure_capture> out;
  for (const auto& v : dw.locals_at(entry)) {
    if (!v.closure_offset || !v.type) continue;
    closure_capture c;
    bool by_ref = v.name.size() > 1 && v.name[0] == '&' && v.type->kind == go_kind::pointer;
    c.name = by_ref ? v.name.substr(1) : v.name;
    c.type = by_ref ? v.type->elem : v.type;
    c.offset = *v.closure_offset;
    c.by_reference = by_ref;
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const closure_capture& a, const closure_capture& b) { return a.offset < b.offset; });
  return out;
}

}  // namespace godbg
