// Unwinding. Go code is unwound as the Go runtime unwinds itself: .gopclntab's SP deltas give
// each frame's size at any pc, so frames are right even at a function's first instruction and in
// stripped binaries. Code the pclntab does not know (C, the vdso) falls back to frame pointers.
#include <sys/user.h>

#include "arch_amd64/frame_pointer_unwind.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/eh_frame.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

namespace {
struct unwound_frame {
  std::uint64_t pc = 0, sp = 0, fp = 0;
};

// One step of unwinding through DWARF call frame information: the caller's pc, SP and rbp, or
// nullopt when neither .debug_frame nor .eh_frame (C code's, there with or without -g) has a
// rule for pc (or one this unwinder cannot follow).
std::optional<unwound_frame> unwind_cfi(const binary* bin, inferior& proc, load_bias bias,
                                        std::uint64_t pc, std::uint64_t sp, std::uint64_t fp) {
  if (!bin) return std::nullopt;
  file_addr fa = bias.to_file(virt_addr(pc));
  std::optional<cfa_rule> rule;
  if (const dwarf_info* dw = bin->dwarf()) rule = dw->cfa_at(fa);
  if (!rule)
    if (const eh_frame* eh = bin->eh_frames()) rule = eh->cfa_at(fa);
  if (!rule || !rule->ra_offset) return std::nullopt;
  std::uint64_t base = 0;
  if (rule->cfa_register == 7)
    base = sp;
  else if (rule->cfa_register == 6)
    base = fp;
  else
    return std::nullopt;
  std::uint64_t cfa = base + std::uint64_t(rule->cfa_offset);
  auto ret = proc.read_value<std::uint64_t>(virt_addr(cfa + std::uint64_t(*rule->ra_offset)));
  if (!ret || *ret == 0) return std::nullopt;
  unwound_frame out{*ret, cfa, fp};
  if (rule->rbp_offset)
    if (auto saved =
            proc.read_value<std::uint64_t>(virt_addr(cfa + std::uint64_t(*rule->rbp_offset))))
      out.fp = *saved;
  return out;
}

// At a function's first instruction, before any push, the return address is at [rsp] whatever
// the function does next: the frame-pointer chain would still name the caller's caller.
std::optional<unwound_frame> unwind_at_entry(const binary* bin, inferior& proc, load_bias bias,
                                             std::uint64_t pc, std::uint64_t sp, std::uint64_t fp) {
  if (!bin) return std::nullopt;
  file_addr fa = bias.to_file(virt_addr(pc));
  auto f = bin->function_at(fa);
  if (!f || f->entry != fa) return std::nullopt;
  auto ret = proc.read_value<std::uint64_t>(virt_addr(sp));
  if (!ret || *ret == 0) return std::nullopt;
  return unwound_frame{*ret, sp + 8, fp};
}
}  // namespace

std::vector<frame_record> session::backtrace(pid_t tid, std::size_t max_frames) {
  const auto& r = process().regs(tid);
  return backtrace_from(r.rip, r.rsp, r.rbp, max_frames);
}

std::vector<frame_record> session::backtrace_from(std::uint64_t pc, std::uint64_t sp,
                                                  std::uint64_t fp, std::size_t max_frames) {
  std::vector<frame_record> out;
  auto& proc = process();
  const gopclntab* tab = bin_ ? bin_->pclntab() : nullptr;
  auto push = [&](std::uint64_t frame_pc, std::uint64_t frame_sp, bool caller) {
    // A return address belongs to the call before it: look up pc-1 for the caller's line.
    std::uint64_t lookup = caller ? frame_pc - 1 : frame_pc;
    file_addr fa = bias_.to_file(virt_addr(lookup));
    std::vector<go_inline_frame> inl;
    if (tab) inl = tab->inline_at(fa);
    if (inl.size() > 1) {
      for (std::size_t i = 0; i < inl.size() && out.size() < max_frames; ++i) {
        frame_record f;
        f.index = int(out.size());
        f.where.pc = frame_pc;
        f.where.function = inl[i].function;
        f.where.file = inl[i].file;
        f.where.line = inl[i].line;
        f.sp = frame_sp;
        f.inlined = i + 1 < inl.size();
        out.push_back(f);
      }
      return;
    }
    frame_record f;
    f.index = int(out.size());
    f.where = describe(lookup);
    f.where.pc = frame_pc;
    f.sp = frame_sp;
    out.push_back(f);
  };

  // The program's first instruction (_rt0_amd64_linux, _start) has no caller: what sits at
  // [rsp] there is argc.
  std::optional<std::uint64_t> entry;
  if (bin_) entry = bias_.to_virt(bin_->elf().entry()).value();
  bool caller = false;
  while (out.size() < max_frames) {
    push(pc, sp, caller);
    if (!caller && pc == entry) break;
    std::optional<go_func> fn;
    if (tab) fn = tab->func_at(bias_.to_file(virt_addr(caller ? pc - 1 : pc)));
    if (fn) {
      if (fn->is_stack_top()) break;
      auto delta = tab->sp_delta_at(bias_.to_file(virt_addr(pc)));
      if (!delta || *delta < 0) break;
      auto ret = proc.read_value<std::uint64_t>(virt_addr(sp + *delta));
      if (!ret || *ret == 0) break;
      // The frame pointer the caller had, saved just below the return address when this
      // function keeps one; it matters only if the caller is code the pclntab does not know.
      if (*delta >= 8)
        if (auto saved = proc.read_value<std::uint64_t>(virt_addr(sp + *delta - 8))) fp = *saved;
      sp = sp + *delta + 8;
      pc = *ret;
    } else if (auto next = unwind_cfi(bin_.get(), proc, bias_, pc, sp, fp)) {
      // Code the pclntab does not cover, described by .debug_frame or .eh_frame.
      if (next->sp <= sp) break;
      pc = next->pc;
      sp = next->sp;
      fp = next->fp;
    } else if (auto entry =
                   caller ? std::nullopt : unwind_at_entry(bin_.get(), proc, bias_, pc, sp, fp)) {
      pc = entry->pc;
      sp = entry->sp;
      fp = entry->fp;
    } else {
      auto frames = unwind_frame_pointers(
          pc, sp, fp,
          [&](std::uint64_t a, std::span<std::uint8_t> buf) {
            return proc.read(virt_addr(a), buf);
          },
          2);
      if (frames.size() < 2) break;
      pc = frames[1].pc;
      sp = frames[1].sp;
      fp = frames[1].fp;
    }
    caller = true;
  }
  return out;
}

}  // namespace godbg
