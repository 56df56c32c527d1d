// set LVALUE = EXPR: Go's assignability, then the bytes written where the left side lives (a
// variable, field, element, *p) or into a register. A string or slice may only take a value the
// program already holds: godbg does not allocate in the program.
#include <fmt/format.h>

#include "dwarf/go_eval_internal.hpp"

namespace godbg {

eval_value evaluator::assign(const expr_tree& lhs, const expr_tree& rhs) {
  impl& m = *impl_;
  m.tree = &lhs;
  const expr_node& ln = *lhs.root;
  eval_value l = m.as_value(m.eval(ln), ln);
  if (l.ut != untyped::none || !l.type)
    m.error_at(ln,
               fmt::format("cannot assign to {} (neither addressable nor a map index expression)",
                           m.describe(ln, l)));
  if (!l.addressable || (!l.addr && !l.is_register))
    m.error_at(ln,
               fmt::format("cannot assign to {} (neither addressable nor a map index expression)",
                           m.describe(ln, l)));
  m.tree = &rhs;
  const expr_node& rn = *rhs.root;
  eval_value r = m.as_value(m.eval(rn), rn);
  const go_type* t = l.type;
  if (r.ut != untyped::none) {
    r = m.convert_untyped(r, t, rn);
  } else if (!identical(r.type, t)) {
    bool ok = same_underlying(r.type, t) && (!is_named(r.type) || !is_named(t));
    if (t->kind == go_kind::interface && r.type->kind == go_kind::interface &&
        (t->empty_interface || identical(t, r.type)))
      ok = true;
    if (!ok)
      m.error_at(
          rn, fmt::format("cannot use {} as {} value in assignment", m.describe(rn, r), t->name));
    if (t->kind == go_kind::interface && t->empty_interface && !r.type->empty_interface) {
      r = m.conversion(t, r, rn, rn);
    }
  }
  auto bytes = m.bytes_of(r);
  // A string, slice, map or pointer made up here points at memory the program does not have.
  auto points_outside = [&](std::uint64_t w) { return w && m.synthetic(w); };
  switch (t->kind) {
    case go_kind::string:
    case go_kind::slice:
    case go_kind::pointer:
    case go_kind::interface:
      if (points_outside(load_le(bytes, 0, 8)) || points_outside(load_le(bytes, 8, 8)))
        m.error_at(rn, fmt::format("cannot set {} to {}: that value is not in the program's memory "
                                   "(godbg does not allocate); assign a variable that holds it",
                                   lhs.source, rhs.source));
      break;
    default:
      break;
  }
  if (l.is_register) {
    if (bytes.size() > 8) m.error_at(ln, "a register holds 8 bytes");
    std::uint64_t w = load_le(bytes, 0, std::min<std::size_t>(bytes.size(), 8));
    if (!m.env.write_register || !m.env.write_register(l.name, w))
      m.error_at(ln, fmt::format("cannot write register {}", l.name));
    m.tree = &lhs;
    return m.eval(ln);
  }
  if (m.synthetic(*l.addr))
    m.error_at(ln,
               fmt::format("cannot assign to {}: it is not in the program's memory", lhs.source));
  if (!m.env.write_memory)
    m.error_at(ln, "this target is read-only (a core file): set cannot change it");
  if (!m.env.write_memory(*l.addr, bytes))
    fail("cannot write {} bytes at {:#x}", bytes.size(), *l.addr);
  m.tree = &lhs;
  eval_value after = m.at_address(t, *l.addr, true);
  after.variable = true;
  return after;
}

}  // namespace godbg
