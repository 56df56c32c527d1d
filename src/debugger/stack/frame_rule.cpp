#include "debugger/stack/frame_rule.hpp"

#include "dwarf/binary.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/eh_frame.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

std::optional<frame_rule> frame_rule_at(const binary& bin, load_bias bias, std::uint64_t pc,
                                        const frame_registers_set& regs, bool caller) {
  file_addr fa = bias.to_file(virt_addr(caller ? pc - 1 : pc));
  if (const gopclntab* tab = bin.pclntab(); tab && tab->func_at(fa)) {
    auto delta = tab->sp_delta_at(fa);
    auto sp = regs.get(reg_id::rsp);
    if (!delta || *delta < 0 || !sp) return std::nullopt;
    frame_rule r;
    r.cfa = *sp + std::uint64_t(*delta) + 8;
    r.ra_offset = -8;
    // Go functions with a frame keep their caller's rbp just below the return address.
    if (*delta >= 8) r.rbp_offset = -16;
    r.from_pclntab = true;
    return r;
  }
  std::optional<cfa_rule> rule;
  if (const dwarf_info* dw = bin.dwarf()) rule = dw->cfa_at(fa);
  if (!rule)
    if (const eh_frame* eh = bin.eh_frames()) rule = eh->cfa_at(fa);
  if (!rule) return std::nullopt;
  auto base = regs.get_dwarf(rule->cfa_register);
  if (!base) return std::nullopt;
  frame_rule r;
  r.cfa = *base + std::uint64_t(rule->cfa_offset);
  r.ra_offset = rule->ra_offset;
  r.rbp_offset = rule->rbp_offset;
  return r;
}

}  // namespace godbg
