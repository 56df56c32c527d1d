// Globals by name and the variables in scope at a pc, with the location expression that holds
// there (DWARF 4 .debug_loc and DWARF 5 .debug_loclists both come through dwarf_get_loclist_c).
#include "dwarf/dwarf_variables.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "dwarf/dwarf_impl.hpp"

namespace godbg {

std::optional<file_addr> dwarf_variable::static_address() const {
  if (location.size() == 1 && location[0].atom == DW_OP_addr) return file_addr(location[0].op1);
  return std::nullopt;
}

namespace {

constexpr Dwarf_Half DW_AT_go_closure_offset = 0x2907;

struct loc_head {
  Dwarf_Loc_Head_c h = nullptr;
  ~loc_head() {
    if (h) dwarf_loc_head_c_dealloc(h);
  }
};

// The ops of the DW_AT_location that covers pc (any pc when pc is nullopt, for globals).
std::vector<dwarf_op> location_for(dwarf_info::impl& in, const dw::die& die,
                                   std::optional<std::uint64_t> pc) {
  Dwarf_Debug dbg = in.d();
  std::vector<dwarf_op> ops;
  Dwarf_Attribute attr = nullptr;
  dw::err_slot err(dbg);
  if (dwarf_attr(die.get(), DW_AT_location, &attr, err.p()) != DW_DLV_OK) return ops;
  struct attr_guard {
    Dwarf_Attribute a;
    ~attr_guard() { dwarf_dealloc_attribute(a); }
  } guard{attr};
  loc_head head;
  Dwarf_Unsigned count = 0;
  if (dwarf_get_loclist_c(attr, &head.h, &count, err.p()) != DW_DLV_OK) {
    head.h = nullptr;
    in.warn(fmt::format("DIE {:#x}: location: {}", dw::offset_of(dbg, die), err.message()));
    return ops;
  }
  for (Dwarf_Unsigned i = 0; i < count; ++i) {
    Dwarf_Small lle = 0, source = 0;
    Dwarf_Unsigned rawlo = 0, rawhi = 0, nops = 0, expr_off = 0, desc_off = 0;
    Dwarf_Bool unavailable = false;
    Dwarf_Addr lo = 0, hi = 0;
    Dwarf_Locdesc_c desc = nullptr;
    if (dwarf_get_locdesc_entry_d(head.h, i, &lle, &rawlo, &rawhi, &unavailable, &lo, &hi, &nops,
                                  &desc, &source, &expr_off, &desc_off, err.p()) != DW_DLV_OK)
      break;
    // source 0: a single expression, valid everywhere; otherwise a list entry for [lo, hi).
    if (source != 0 && pc && !(*pc >= lo && *pc < hi)) continue;
    if (source != 0 && (unavailable || nops == 0)) continue;
    for (Dwarf_Unsigned j = 0; j < nops; ++j) {
      Dwarf_Small atom = 0;
      Dwarf_Unsigned op1 = 0, op2 = 0, op3 = 0, branch = 0;
      if (dwarf_get_location_op_value_c(desc, j, &atom, &op1, &op2, &op3, &branch, err.p()) !=
          DW_DLV_OK) {
        ops.clear();
        break;
      }
      ops.push_back({atom, op1, op2, op3});
    }
    break;
  }
  return ops;
}

dwarf_variable read_variable(dwarf_info::impl& in, const dw::die& die,
                             std::optional<std::uint64_t> pc) {
  Dwarf_Debug dbg = in.d();
  dwarf_variable v;
  v.name = dw::name_of(dbg, die);
  v.die_offset = dw::offset_of(dbg, die);
  v.is_parameter = dw::tag_of(dbg, die) == DW_TAG_formal_parameter;
  v.is_return = dw::attr_flag(dbg, die, DW_AT_variable_parameter);
  v.decl_line = int(dw::attr_udata(dbg, die, DW_AT_decl_line).value_or(0));
  // A variable of an inlined call: its name, type and line are on the abstract origin (the
  // inlined function's own DIE); the concrete one has only the location.
  dw::die origin;
  if (auto o = dw::attr_ref(dbg, die, DW_AT_abstract_origin)) origin = dw::die_at(dbg, *o);
  if (origin) {
    if (v.name.empty()) v.name = dw::name_of(dbg, origin);
    if (!v.decl_line) v.decl_line = int(dw::attr_udata(dbg, origin, DW_AT_decl_line).value_or(0));
    v.is_return = v.is_return || dw::attr_flag(dbg, origin, DW_AT_variable_parameter);
  }
  v.closure_offset = dw::attr_udata(dbg, die, DW_AT_go_closure_offset);
  if (dw::tag_of(dbg, die) == DW_TAG_constant)
    v.const_value = dw::attr_sdata(dbg, die, DW_AT_const_value).value_or(0);
  if (auto t = dw::attr_ref(dbg, die, DW_AT_type))
    v.type = in.type_at(*t);
  else if (origin)
    if (auto ot = dw::attr_ref(dbg, origin, DW_AT_type)) v.type = in.type_at(*ot);
  v.location = location_for(in, die, pc);
  return v;
}

constexpr int max_scope_depth = 64;
constexpr int max_inline_level = 63;  // what locals_memo's key has room for

void collect_scope(dwarf_info::impl& in, const dw::die& scope, std::uint64_t pc,
                   std::uint64_t cu_base, int depth, std::vector<dwarf_variable>& out) {
  if (depth > max_scope_depth) return;
  Dwarf_Debug dbg = in.d();
  dw::for_each_child(dbg, scope, [&](const dw::die& c) {
    int tag = dw::tag_of(dbg, c);
    if (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) {
      out.push_back(read_variable(in, c, pc));
      out.back().scope_depth = depth;
    } else if (tag == DW_TAG_lexical_block) {
      auto ranges = dw::pc_ranges(dbg, c, cu_base);
      if (std::any_of(ranges.begin(), ranges.end(),
                      [&](const dw::pc_range& r) { return r.contains(pc); }))
        collect_scope(in, c, pc, cu_base, depth + 1, out);
    }
    return true;
  });
}

}  // namespace

std::optional<dwarf_variable> dwarf_info::global_variable(std::string_view name) const {
  std::string key(name);
  std::optional<std::uint64_t> off;
  impl_->search_names(package_of(key), [&] {
    auto it = impl_->names.variables.find(key);
    if (it == impl_->names.variables.end()) return false;
    off = it->second;
    return true;
  });
  if (!off) return std::nullopt;
  dw::die die = dw::die_at(impl_->d(), *off);
  if (!die) return std::nullopt;
  return read_variable(*impl_, die, std::nullopt);
}

std::string dwarf_info::constant_name(std::uint64_t type_die, std::int64_t v) const {
  if (!impl_->constants_by_type) {
    impl_->merge_all_names();
    auto& by_type = impl_->constants_by_type.emplace();
    Dwarf_Debug dbg = impl_->d();
    for (const auto& [name, off] : impl_->names.variables) {
      dw::die die = dw::die_at(dbg, off);
      if (!die || dw::tag_of(dbg, die) != DW_TAG_constant) continue;
      auto t = dw::attr_ref(dbg, die, DW_AT_type);
      auto val = dw::attr_sdata(dbg, die, DW_AT_const_value);
      if (t && val) by_type[*t].emplace_back(*val, name);
    }
    for (auto& [t, list] : by_type) {
      std::sort(list.begin(), list.end());
      // Named without the type's own package: Tuesday, not main.Tuesday (as Delve does).
      const go_type* ty = impl_->type_at(t);
      std::string prefix = ty ? std::string(package_of(ty->name)) + "." : std::string();
      for (auto& c : list)
        if (prefix.size() > 1 && c.second.rfind(prefix, 0) == 0) c.second.erase(0, prefix.size());
    }
  }
  auto it = impl_->constants_by_type->find(type_die);
  if (it == impl_->constants_by_type->end()) return {};
  for (const auto& [value, name] : it->second)
    if (value == v) return name;
  if (v == 0) return {};
  std::string out;
  std::uint64_t rest = std::uint64_t(v);
  for (const auto& [value, name] : it->second) {
    if (value <= 0 || (value & (value - 1)) != 0) continue;  // one bit set only
    if (rest & std::uint64_t(value)) {
      out += (out.empty() ? "" : "|") + name;
      rest &= ~std::uint64_t(value);
    }
  }
  return rest == 0 ? out : std::string();
}

std::vector<std::string> dwarf_info::variable_names() const {
  impl_->merge_all_names();
  std::vector<std::string> out;
  out.reserve(impl_->names.variables.size());
  for (const auto& [name, off] : impl_->names.variables) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> dwarf_info::type_names() const {
  impl_->merge_all_names();
  std::vector<std::string> out;
  for (const auto& [name, off] : impl_->names.types) out.push_back(name);
  for (const auto& [name, off] : impl_->names.typedefs) out.push_back(name);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const std::vector<dwarf_variable>& dwarf_info::locals_at(file_addr pc, int inline_depth) const {
  inline_depth = std::clamp(inline_depth, 0, max_inline_level);
  std::uint64_t key = (pc.value() << 6) | std::uint64_t(inline_depth);
  auto it = impl_->locals_memo.find(key);
  if (it == impl_->locals_memo.end())
    it = impl_->locals_memo.emplace(key, collect_locals(pc, inline_depth)).first;
  return it->second;
}

std::vector<dwarf_variable> dwarf_info::collect_locals(file_addr pc, int inline_depth) const {
  std::vector<dwarf_variable> out;
  auto fn = function_at(pc);
  auto cu = impl_->cu_for_pc(pc.value());
  if (!fn || !cu) return out;
  Dwarf_Debug dbg = impl_->d();
  std::uint64_t base = impl_->cus[*cu].base;
  dw::die die = dw::die_at(dbg, fn->die_offset);
  // An inlined call's frame: its DW_TAG_inlined_subroutine (the inline_depth-th covering pc,
  // through lexical blocks) is the scope; the blocks around it belong to its caller.
  for (int level = 0; die && level < inline_depth;) {
    dw::die next;
    bool inlined = false;
    dw::for_each_child(dbg, die, [&](const dw::die& c) {
      int tag = dw::tag_of(dbg, c);
      if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_lexical_block) return true;
      auto ranges = dw::pc_ranges(dbg, c, base);
      if (std::none_of(ranges.begin(), ranges.end(),
                       [&](const dw::pc_range& r) { return r.contains(pc.value()); }))
        return true;
      inlined = tag == DW_TAG_inlined_subroutine;
      next = dw::die_at(dbg, dw::offset_of(dbg, c));
      return false;
    });
    if (!next) return out;  // fewer inlined calls here than asked: no variables to show
    die = std::move(next);
    if (inlined) ++level;
  }
  collect_scope(*impl_, die, pc.value(), base, 0, out);
  // Parameters first, in declaration order, then locals: the order Delve's `args`/`locals` use.
  std::stable_partition(out.begin(), out.end(),
                        [](const dwarf_variable& v) { return v.is_parameter; });
  return out;
}

}  // namespace godbg
