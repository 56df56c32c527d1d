// Go code is unwound as the Go runtime unwinds itself: .gopclntab's SP deltas give each frame's
// size at any pc, so frames are right even at a function's first instruction and in stripped
// binaries. Code the pclntab does not know (C, the vdso) is unwound by its CFI, at a function's
// entry from [rsp], and last by frame pointers.
#include "debugger/stack/unwind.hpp"

#include "arch_amd64/frame_pointer_unwind.hpp"
#include "debugger/describe.hpp"
#include "debugger/stack/frame_rule.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/gopclntab.hpp"
#include "process/target.hpp"

namespace godbg {

namespace {

// The caller's registers as far as unwinding recovers them: pc, SP and rbp.
frame_registers_set caller_registers(std::uint64_t pc, std::uint64_t sp,
                                     std::optional<std::uint64_t> fp) {
  frame_registers_set r;
  r.set(reg_id::rip, pc);
  r.set(reg_id::rsp, sp);
  if (fp) r.set(reg_id::rbp, *fp);
  return r;
}

// At a function's first instruction, before any push, the return address is at [rsp] whatever
// the function does next: the frame-pointer chain would still name the caller's caller.
bool at_function_entry(const binary* bin, load_bias bias, std::uint64_t pc) {
  if (!bin) return false;
  file_addr fa = bias.to_file(virt_addr(pc));
  auto f = bin->function_at(fa);
  return f && f->entry == fa;
}

}  // namespace

std::vector<frame_record> unwind(const binary* bin, load_bias bias, const target& mem,
                                 const frame_registers_set& start, std::size_t max_frames) {
  std::vector<frame_record> out;
  const gopclntab* tab = bin ? bin->pclntab() : nullptr;
  frame_registers_set regs = start;
  auto push = [&](bool caller, std::optional<std::uint64_t> cfa) {
    std::uint64_t frame_pc = regs.get(reg_id::rip).value_or(0);
    std::uint64_t frame_sp = regs.get(reg_id::rsp).value_or(0);
    // A return address belongs to the call before it: look up pc-1 for the caller's line.
    std::uint64_t lookup = caller ? frame_pc - 1 : frame_pc;
    std::vector<go_inline_frame> inl;
    if (tab) inl = tab->inline_at(bias.to_file(virt_addr(lookup)));
    auto add = [&](code_location where, bool inlined) {
      frame_record f;
      f.index = int(out.size());
      f.where = std::move(where);
      f.where.pc = frame_pc;
      f.sp = frame_sp;
      f.cfa = cfa;
      f.inlined = inlined;
      f.regs = regs;
      out.push_back(std::move(f));
    };
    if (inl.size() > 1) {
      for (std::size_t i = 0; i < inl.size() && out.size() < max_frames; ++i) {
        code_location where;
        where.function = inl[i].function;
        where.file = inl[i].file;
        where.line = inl[i].line;
        add(std::move(where), i + 1 < inl.size());
      }
      return;
    }
    add(describe_pc(bin, bias, lookup), false);
  };

  // The program's first instruction (_rt0_amd64_linux, _start) has no caller: what sits at
  // [rsp] there is argc.
  std::optional<std::uint64_t> entry;
  if (bin) entry = bias.to_virt(bin->elf().entry()).value();
  bool caller = false;
  while (out.size() < max_frames) {
    std::uint64_t pc = regs.get(reg_id::rip).value_or(0);
    std::uint64_t sp = regs.get(reg_id::rsp).value_or(0);
    std::optional<std::uint64_t> fp = regs.get(reg_id::rbp);
    std::optional<frame_rule> rule;
    if (bin) rule = frame_rule_at(*bin, bias, pc, regs, caller);
    std::size_t first = out.size();
    push(caller, rule ? std::optional<std::uint64_t>(rule->cfa) : std::nullopt);
    if (!caller && pc == entry) break;
    std::optional<go_func> fn;
    if (tab) fn = tab->func_at(bias.to_file(virt_addr(caller ? pc - 1 : pc)));
    if (fn && fn->is_stack_top()) break;
    if (fn && !rule) break;  // Go code without a usable SP delta here
    std::optional<std::uint64_t> next_pc, next_sp, next_fp = fp;
    if (rule && rule->ra_offset) {
      auto ret = mem.read_value<std::uint64_t>(virt_addr(rule->cfa + std::uint64_t(*rule->ra_offset)));
      if (!ret || *ret == 0) break;
      // Code outside the pclntab whose CFI does not move the stack up: not a frame we trust.
      if (!rule->from_pclntab && rule->cfa <= sp) break;
      next_pc = *ret;
      next_sp = rule->cfa;
      if (rule->rbp_offset)
        if (auto saved =
                mem.read_value<std::uint64_t>(virt_addr(rule->cfa + std::uint64_t(*rule->rbp_offset))))
          next_fp = *saved;
    } else if (!caller && at_function_entry(bin, bias, pc)) {
      auto ret = mem.read_value<std::uint64_t>(virt_addr(sp));
      if (!ret || *ret == 0) break;
      next_pc = *ret;
      next_sp = sp + 8;
    } else {
      auto frames = unwind_frame_pointers(
          pc, sp, fp.value_or(0),
          [&](std::uint64_t a, std::span<std::uint8_t> buf) { return mem.read(virt_addr(a), buf); },
          2);
      if (frames.size() < 2) break;
      next_pc = frames[1].pc;
      next_sp = frames[1].sp;
      next_fp = frames[1].fp;
      // The frame's CFA is what its caller's SP is once it returns.
      for (std::size_t i = first; i < out.size(); ++i) out[i].cfa = frames[1].sp;
    }
    regs = caller_registers(*next_pc, *next_sp, next_fp);
    caller = true;
  }
  return out;
}

}  // namespace godbg
