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
  if (auto t = dw::attr_ref(dbg, die, DW_AT_type)) v.type = in.type_at(*t);
  v.location = location_for(in, die, pc);
  return v;
}

constexpr int max_scope_depth = 64;

void collect_scope(dwarf_info::impl& in, const dw::die& scope, std::uint64_t pc,
                   std::uint64_t cu_base, int depth, std::vector<dwarf_variable>& out) {
  if (depth > max_scope_depth) return;
  Dwarf_Debug dbg = in.d();
  dw::for_each_child(dbg, scope, [&](const dw::die& c) {
    int tag = dw::tag_of(dbg, c);
    if (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) {
      out.push_back(read_variable(in, c, pc));
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

const std::vector<dwarf_variable>& dwarf_info::locals_at(file_addr pc) const {
  auto it = impl_->locals_memo.find(pc.value());
  if (it == impl_->locals_memo.end())
    it = impl_->locals_memo.emplace(pc.value(), collect_locals(pc)).first;
  return it->second;
}

std::vector<dwarf_variable> dwarf_info::collect_locals(file_addr pc) const {
  std::vector<dwarf_variable> out;
  auto fn = function_at(pc);
  auto cu = impl_->cu_for_pc(pc.value());
  if (!fn || !cu) return out;
  dw::die die = dw::die_at(impl_->d(), fn->die_offset);
  collect_scope(*impl_, die, pc.value(), impl_->cus[*cu].base, 0, out);
  // Parameters first, in declaration order, then locals: the order Delve's `args`/`locals` use.
  std::stable_partition(out.begin(), out.end(),
                        [](const dwarf_variable& v) { return v.is_parameter; });
  return out;
}

}  // namespace godbg
