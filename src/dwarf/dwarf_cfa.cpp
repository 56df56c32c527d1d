// Call frame information: the CFA rule at a pc from a list of FDEs, and .debug_frame's list
// (Go emits no .eh_frame) read on the first cfa_at and kept; each query asks libdwarf for the
// row at pc. eh_frame.cpp reads C code's .eh_frame with the same rule reader.
#include <fmt/format.h>

#include "dwarf/dwarf_impl.hpp"

namespace godbg {

namespace {
constexpr Dwarf_Half reg_rbp = 6;
constexpr Dwarf_Half reg_ra = 16;

// A register saved at CFA + offset: its offset, else nullopt (same value, undefined, or a rule
// this layer does not model).
std::optional<std::int64_t> saved_at(Dwarf_Debug dbg, Dwarf_Fde fde, Dwarf_Half reg,
                                     std::uint64_t pc) {
  dw::err_slot err(dbg);
  Dwarf_Small value_type = 0;
  Dwarf_Signed offset_relevant = 0, regnum = 0, offset = 0;
  Dwarf_Ptr block = nullptr;
  Dwarf_Addr row_pc = 0, next_pc = 0;
  Dwarf_Bool more = false;
  if (dwarf_get_fde_info_for_reg3_b(fde, reg, pc, &value_type, &offset_relevant, &regnum, &offset,
                                    &block, &row_pc, &more, &next_pc, err.p()) != DW_DLV_OK)
    return std::nullopt;
  if (value_type != DW_EXPR_OFFSET || !offset_relevant || regnum != DW_FRAME_CFA_COL3)
    return std::nullopt;
  return offset;
}
}  // namespace

namespace dw {
std::optional<cfa_rule> cfa_rule_at(Dwarf_Debug dbg, Dwarf_Fde* fdes, std::uint64_t pc,
                                    const std::function<void(std::string)>& warn) {
  if (!fdes) return std::nullopt;
  err_slot err(dbg);
  Dwarf_Fde fde = nullptr;
  Dwarf_Addr lo = 0, hi = 0;
  if (dwarf_get_fde_at_pc(fdes, pc, &fde, &lo, &hi, err.p()) != DW_DLV_OK) return std::nullopt;
  Dwarf_Small value_type = 0;
  Dwarf_Signed offset_relevant = 0, reg = 0, offset = 0;
  Dwarf_Ptr block = nullptr;
  Dwarf_Addr row_pc = 0, next_pc = 0;
  Dwarf_Bool more = false;
  if (dwarf_get_fde_info_for_cfa_reg3_b(fde, pc, &value_type, &offset_relevant, &reg, &offset,
                                        &block, &row_pc, &more, &next_pc, err.p()) != DW_DLV_OK) {
    warn(fmt::format("CFA rule at {:#x}: {}", pc, err.message()));
    return std::nullopt;
  }
  if (value_type != DW_EXPR_OFFSET) return std::nullopt;  // a DWARF expression (PLT stubs)
  cfa_rule rule;
  rule.cfa_register = int(reg);
  rule.cfa_offset = offset;
  rule.ra_offset = saved_at(dbg, fde, reg_ra, pc);
  rule.rbp_offset = saved_at(dbg, fde, reg_rbp, pc);
  rule.fde_low = file_addr(lo);
  rule.fde_high = file_addr(hi);
  return rule;
}
}  // namespace dw

std::optional<cfa_rule> dwarf_info::impl::cfa_at(std::uint64_t pc) {
  if (!frames) {
    frames = std::make_unique<frame_index>();
    frames->dbg = d();
    dw::err_slot err(d());
    int r = dwarf_get_fde_list(d(), &frames->cies, &frames->cie_count, &frames->fdes,
                               &frames->fde_count, err.p());
    if (r == DW_DLV_ERROR) warn(fmt::format("{}: .debug_frame: {}", path, err.message()));
    if (r != DW_DLV_OK) {
      frames->cies = nullptr;
      frames->fdes = nullptr;
      frames->cie_count = frames->fde_count = 0;
    }
  }
  return dw::cfa_rule_at(d(), frames->fdes, pc, [&](std::string w) { warn(std::move(w)); });
}

}  // namespace godbg
