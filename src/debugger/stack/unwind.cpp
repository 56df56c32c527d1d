// Go code is unwound as the Go runtime unwinds itself: .gopclntab's SP deltas give each frame's
// size at any pc, so frames are right even at a function's first instruction and in stripped
// binaries. Code the pclntab does not know (C, the vdso) is unwound by its CFI, at a function's
// entry from [rsp], and last by frame pointers.
#include "debugger/stack/unwind.hpp"

#include <array>

#include "arch_amd64/frame_pointer_unwind.hpp"
#include "debugger/describe.hpp"
#include "debugger/stack/frame_rule.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/gopclntab.hpp"
#include "dwarf/object_set.hpp"
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

// Go's signal trampolines: the kernel enters them on a signal with the interrupted registers in
// a ucontext just above the return address it pushed (the restorer), that is at the
// trampoline's CFA. They are TOPFRAMEs for Go's own traceback; Delve, and now godbg, go on
// through the ucontext into the interrupted code, without a frame for the trampoline itself.
bool is_signal_trampoline(const std::string& name) {
  return name == "runtime.sigtramp" || name == "runtime.cgoSigtramp";
}

// The registers a signal interrupted, from the ucontext at `uc`: uc_flags, uc_link, uc_stack
// (24 bytes), then mcontext's gregs r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip.
std::optional<frame_registers_set> signal_context(const target& mem, std::uint64_t uc) {
  std::array<std::uint64_t, 17> g{};
  if (!mem.read(virt_addr(uc + 40), {reinterpret_cast<std::uint8_t*>(g.data()), sizeof g}))
    return std::nullopt;
  static constexpr reg_id order[17] = {
      reg_id::r8,  reg_id::r9,  reg_id::r10, reg_id::r11, reg_id::r12, reg_id::r13,
      reg_id::r14, reg_id::r15, reg_id::rdi, reg_id::rsi, reg_id::rbp, reg_id::rbx,
      reg_id::rdx, reg_id::rax, reg_id::rcx, reg_id::rsp, reg_id::rip};
  if (g[16] == 0 || g[15] == 0) return std::nullopt;
  frame_registers_set r;
  for (std::size_t i = 0; i < g.size(); ++i) r.set(order[i], g[i]);
  return r;
}

}  // namespace

std::vector<frame_record> unwind(const binary* main_bin, load_bias main_bias, const target& mem,
                                 const frame_registers_set& start, std::size_t max_frames,
                                 const object_set* objects) {
  std::vector<frame_record> out;
  // The object whose code is at the pc being unwound: the executable, or a shared library.
  const binary* bin = main_bin;
  load_bias bias = main_bias;
  const gopclntab* tab = nullptr;
  auto code_at = [&](std::uint64_t pc) {
    bin = main_bin;
    bias = main_bias;
    if (objects)
      if (const loaded_object* o = objects->at(virt_addr(pc)); o && !o->is_main) {
        bin = o->bin.get();
        bias = o->bias;
      }
    tab = bin ? bin->pclntab() : nullptr;
  };
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
  if (main_bin) entry = main_bias.to_virt(main_bin->elf().entry()).value();
  bool caller = false;
  int signal_frames = 0;  // a bound, should contexts point at each other
  while (out.size() < max_frames) {
    std::uint64_t pc = regs.get(reg_id::rip).value_or(0);
    std::uint64_t sp = regs.get(reg_id::rsp).value_or(0);
    code_at(caller ? pc - 1 : pc);
    std::optional<std::uint64_t> fp = regs.get(reg_id::rbp);
    std::optional<frame_rule> rule;
    if (bin) rule = frame_rule_at(*bin, bias, pc, regs, caller);
    if (caller && tab && rule && signal_frames < 16) {
      // Returning into a signal trampoline: go on where the signal struck (pc is exact there,
      // not a return address).
      auto tramp = tab->func_at(bias.to_file(virt_addr(pc - 1)));
      if (tramp && is_signal_trampoline(tramp->name))
        if (auto ctx = signal_context(mem, rule->cfa)) {
          regs = *ctx;
          caller = false;
          ++signal_frames;
          continue;
        }
    }
    std::size_t first = out.size();
    push(caller, rule ? std::optional<std::uint64_t>(rule->cfa) : std::nullopt);
    if (!caller && pc == entry) break;
    std::optional<go_func> fn;
    if (tab) fn = tab->func_at(bias.to_file(virt_addr(caller ? pc - 1 : pc)));
    if (fn && fn->is_stack_top()) break;
    // runtime.mcall & co. switched stacks to get here: their caller is not on this stack.
    if (fn && caller && fn->writes_sp()) break;
    if (fn && !rule) break;  // Go code without a usable SP delta here
    std::optional<std::uint64_t> next_pc, next_sp, next_fp = fp;
    if (rule && rule->ra_offset) {
      auto ret =
          mem.read_value<std::uint64_t>(virt_addr(rule->cfa + std::uint64_t(*rule->ra_offset)));
      if (!ret || *ret == 0) break;
      // Code outside the pclntab whose CFI does not move the stack up: not a frame we trust.
      if (!rule->from_pclntab && rule->cfa <= sp) break;
      next_pc = *ret;
      next_sp = rule->cfa;
      if (rule->rbp_offset)
        if (auto saved = mem.read_value<std::uint64_t>(
                virt_addr(rule->cfa + std::uint64_t(*rule->rbp_offset))))
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
