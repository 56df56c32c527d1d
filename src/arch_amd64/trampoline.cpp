// Trampolines for conditions evaluated in the target. Layout:
//   pushfq; push rax; push rcx              the only state the code touches (24 bytes of stack:
//                                           Go keeps no red zone, and a site past the prologue
//                                           has the stack guard's slack below its frame)
//   lock inc qword [rip+counter]            every evaluation, exact with many threads
//   <condition>                             jump chains into TRUE / FALSE
//   FALSE: pop rcx; pop rax; popfq; <displaced instruction, relocated>; jmp site+len
//   TRUE:  pop rcx; pop rax; popfq; int3    seen by godbg as the site's own int3
// popfq restores the flags exactly as pushfq saved them, so no single-step is ever made
// inside (a single-stepped pushfq would save TF and the popfq set it in a running thread).
#include "arch_amd64/trampoline.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>

#include "arch_amd64/trace_ring.hpp"
#include "common/error.hpp"

namespace godbg {

namespace {

bool fits_rel32(std::int64_t d) {
  return d >= std::numeric_limits<std::int32_t>::min() &&
         d <= std::numeric_limits<std::int32_t>::max();
}

// A little assembler: bytes, labels, rel32 fixups.
class emitter {
 public:
  std::vector<std::uint8_t> code;
  int label() {
    labels_.push_back(-1);
    return int(labels_.size()) - 1;
  }
  void bind(int l) { labels_[std::size_t(l)] = std::int64_t(code.size()); }
  void bytes(std::initializer_list<std::uint8_t> b) { code.insert(code.end(), b); }
  void imm32(std::int32_t v) { put(&v, 4); }
  void imm64(std::uint64_t v) { put(&v, 8); }
  void jmp(int l) {
    bytes({0xE9});
    fixup(l);
  }
  void jcc(std::uint8_t cc, int l) {  // cc: the low nibble of 0F 8x
    bytes({0x0F, std::uint8_t(0x80 | cc)});
    fixup(l);
  }
  void resolve() {
    for (auto [at, l] : fixups_) {
      std::int32_t rel = std::int32_t(labels_[std::size_t(l)] - std::int64_t(at + 4));
      std::memcpy(&code[at], &rel, 4);
    }
  }

 private:
  void put(const void* p, std::size_t n) {
    auto b = static_cast<const std::uint8_t*>(p);
    code.insert(code.end(), b, b + n);
  }
  void fixup(int l) {
    fixups_.push_back({code.size(), l});
    imm32(0);
  }
  std::vector<std::int64_t> labels_;
  std::vector<std::pair<std::size_t, int>> fixups_;
};

// DWARF register number -> hardware encoding.
int hw_reg(int dwarf) {
  static const int map[16] = {0, 2, 1, 3, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15};
  if (dwarf < 0 || dwarf > 15) fail("register {} cannot be read by a trampoline", dwarf);
  return map[dwarf];
}

// The bytes pushed above the site's rsp when a condition is evaluated: flags, rax, rcx (a
// tracing trampoline pushes rdx as well, below flags, so rcx and rax stay at [rsp], [rsp+8]).
constexpr std::int64_t pushed_cond = 24;

// rax = the value, sign- or zero-extended to 64 bits. Clobbers rcx.
void load(emitter& e, const tcond_value& v, std::int64_t pushed) {
  if (v.size != 1 && v.size != 2 && v.size != 4 && v.size != 8)
    fail("a value of {} bytes cannot be compared by a trampoline", v.size);
  if (v.from == tcond_value::where::reg) {
    int r = hw_reg(v.dwarf_reg);
    if (r == 0)
      e.bytes({0x48, 0x8B, 0x44, 0x24, 0x08});  // mov rax, [rsp+8]: the saved rax
    else if (r == 1)
      e.bytes({0x48, 0x8B, 0x04, 0x24});  // mov rax, [rsp]: the saved rcx
    else if (r == 4)
      e.bytes({0x48, 0x8D, 0x44, 0x24, std::uint8_t(pushed)});  // lea rax, [rsp+24]
    else                                                        // mov rax, r64
      e.bytes({std::uint8_t(0x48 | (r >= 8 ? 0x04 : 0)), 0x89, std::uint8_t(0xC0 | (r & 7) << 3)});
    switch (v.size) {
      case 1:
        if (v.is_signed)
          e.bytes({0x48, 0x0F, 0xBE, 0xC0});  // movsx rax, al
        else
          e.bytes({0x0F, 0xB6, 0xC0});  // movzx eax, al
        break;
      case 2:
        if (v.is_signed)
          e.bytes({0x48, 0x0F, 0xBF, 0xC0});
        else
          e.bytes({0x0F, 0xB7, 0xC0});
        break;
      case 4:
        if (v.is_signed)
          e.bytes({0x48, 0x63, 0xC0});  // movsxd rax, eax
        else
          e.bytes({0x89, 0xC0});  // mov eax, eax
        break;
      default:
        break;
    }
    return;
  }
  if (v.from == tcond_value::where::stack) {
    std::int64_t d = v.offset + pushed;
    if (!fits_rel32(d)) fail("stack offset {} out of reach", v.offset);
    e.bytes({0x48, 0x8D, 0x8C, 0x24});  // lea rcx, [rsp+disp32]
    e.imm32(std::int32_t(d));
  } else {
    e.bytes({0x48, 0xB9});  // mov rcx, imm64
    e.imm64(v.address);
  }
  switch (v.size) {  // from [rcx]
    case 1:
      if (v.is_signed)
        e.bytes({0x48, 0x0F, 0xBE, 0x01});
      else
        e.bytes({0x0F, 0xB6, 0x01});
      break;
    case 2:
      if (v.is_signed)
        e.bytes({0x48, 0x0F, 0xBF, 0x01});
      else
        e.bytes({0x0F, 0xB7, 0x01});
      break;
    case 4:
      if (v.is_signed)
        e.bytes({0x48, 0x63, 0x01});
      else
        e.bytes({0x8B, 0x01});
      break;
    default:
      e.bytes({0x48, 0x8B, 0x01});
      break;
  }
}

std::uint8_t condition_code(tcond_cmp op, bool is_signed) {
  switch (op) {
    case tcond_cmp::eq:
      return 0x4;
    case tcond_cmp::ne:
      return 0x5;
    case tcond_cmp::lt:
      return is_signed ? 0xC : 0x2;
    case tcond_cmp::le:
      return is_signed ? 0xE : 0x6;
    case tcond_cmp::gt:
      return is_signed ? 0xF : 0x7;
    case tcond_cmp::ge:
      return is_signed ? 0xD : 0x3;
  }
  return 0x4;
}

// Emits code that ends by jumping to t when the condition holds, to f when not.
void branch(emitter& e, const tcond& c, int t, int f, std::int64_t pushed) {
  switch (c.what) {
    case tcond::kind::constant:
      e.jmp(c.constant ? t : f);
      return;
    case tcond::kind::truth:
      load(e, c.value, pushed);
      e.bytes({0x48, 0x85, 0xC0});  // test rax, rax
      e.jcc(0x5, t);
      e.jmp(f);
      return;
    case tcond::kind::compare:
      load(e, c.value, pushed);
      e.bytes({0x48, 0xB9});  // mov rcx, k
      e.imm64(std::uint64_t(c.k));
      e.bytes({0x48, 0x39, 0xC8});  // cmp rax, rcx
      e.jcc(condition_code(c.op, c.value.is_signed), t);
      e.jmp(f);
      return;
    case tcond::kind::negate:
      if (c.kids.size() != 1) fail("! takes one operand");
      branch(e, c.kids[0], f, t, pushed);
      return;
    case tcond::kind::all:
    case tcond::kind::any: {
      if (c.kids.empty()) fail("&& and || take operands");
      bool all = c.what == tcond::kind::all;
      for (std::size_t i = 0; i + 1 < c.kids.size(); ++i) {
        int next = e.label();
        if (all)
          branch(e, c.kids[i], next, f, pushed);
        else
          branch(e, c.kids[i], t, next, pushed);
        e.bind(next);
      }
      branch(e, c.kids.back(), t, f, pushed);
      return;
    }
  }
}

bool refused_mnemonic(std::string_view m) {
  static const std::string_view never[] = {
      "syscall", "sysenter", "int",  "int1",   "int3",   "into",   "ud0",
      "ud1",     "ud2",      "hlt",  "xbegin", "xend",   "xabort", "enter",
      "leave",   "iretq",    "iret", "cpuid",  "rdtscp", "rdtsc",  "lock"};
  for (auto n : never)
    if (m == n) return true;
  return m.starts_with("j") || m.starts_with("loop") || m.starts_with("call") ||
         m.starts_with("ret") || m.starts_with("rep") || m.starts_with("push") ||
         m.starts_with("pop");
}

// The disp32 that ends an instruction about to be emitted at e's end, `len` bytes in all, for
// an operand at `target`; the trampoline is placed at `at`.
std::int32_t rip_disp(const emitter& e, std::uint64_t at, std::size_t len, std::uint64_t target) {
  std::int64_t d = std::int64_t(target - (at + e.code.size() + len));
  if (!fits_rel32(d)) fail("{:#x} is out of reach of the trampoline at {:#x}", target, at);
  return std::int32_t(d);
}

// rdx = one argument word, zero-extended from its size (the reader truncates as the type
// says). Saved registers are read from the stack: [rsp] seq, [rsp+8] rcx, [rsp+16] rax,
// [rsp+24] rdx, [rsp+32] flags while the record is written (pushed = 40).
void load_word_rdx(emitter& e, const tcond_value& v, std::int64_t pushed) {
  if (v.size != 1 && v.size != 2 && v.size != 4 && v.size != 8)
    fail("an argument of {} bytes cannot be recorded by a trampoline", v.size);
  if (v.from == tcond_value::where::reg) {
    int r = hw_reg(v.dwarf_reg);
    std::int64_t saved = r == 1 ? 8 : r == 0 ? 16 : r == 2 ? 24 : -1;
    if (saved >= 0) {
      e.bytes({0x48, 0x8B, 0x54, 0x24, std::uint8_t(saved)});  // mov rdx, [rsp+saved]
    } else if (r == 4) {
      e.bytes({0x48, 0x8D, 0x54, 0x24, std::uint8_t(pushed)});  // lea rdx, [rsp+pushed]
    } else {
      e.bytes({std::uint8_t(0x48 | (r >= 8 ? 0x04 : 0)), 0x89,
               std::uint8_t(0xC2 | (r & 7) << 3)});  // mov rdx, r64
    }
    return;  // the whole register: the reader keeps the low bytes
  }
  // The memory operand: [rsp+disp32] (modrm 0x94, sib 0x24) or [rdx] (modrm 0x12).
  std::vector<std::uint8_t> mem;
  if (v.from == tcond_value::where::stack) {
    std::int64_t d = v.offset + pushed;
    if (!fits_rel32(d)) fail("stack offset {} out of reach", v.offset);
    std::int32_t d32 = std::int32_t(d);
    mem = {0x94, 0x24, 0, 0, 0, 0};
    std::memcpy(&mem[2], &d32, 4);
  } else {
    e.bytes({0x48, 0xBA});  // mov rdx, imm64
    e.imm64(v.address);
    mem = {0x12};
  }
  switch (v.size) {  // sized loads: never read past the variable
    case 1:
      e.bytes({0x0F, 0xB6});  // movzx edx, byte
      break;
    case 2:
      e.bytes({0x0F, 0xB7});  // movzx edx, word
      break;
    case 4:
      e.bytes({0x8B});  // mov edx, dword
      break;
    default:
      e.bytes({0x48, 0x8B});  // mov rdx, qword
      break;
  }
  e.code.insert(e.code.end(), mem.begin(), mem.end());
}

}  // namespace

std::vector<std::uint8_t> jump_rel32(std::uint64_t from, std::uint64_t to) {
  std::int64_t d = std::int64_t(to - (from + 5));
  if (!fits_rel32(d)) fail("jump from {:#x} to {:#x}: out of reach of a rel32", from, to);
  std::vector<std::uint8_t> out{0xE9, 0, 0, 0, 0};
  std::int32_t rel = std::int32_t(d);
  std::memcpy(&out[1], &rel, 4);
  return out;
}

std::vector<std::uint8_t> relocate_instruction(const instruction& insn, std::uint64_t at) {
  if (insn.is_call || insn.is_jump || insn.is_ret || insn.is_conditional || insn.branch_target)
    fail("{} at {:#x} is a branch", insn.mnemonic, insn.address);
  // push/pop, enter/leave move rsp around the words the trampoline pushed (they are also too
  // short for a jump); system calls and traps must run where they are.
  if (refused_mnemonic(insn.mnemonic))
    fail("{} at {:#x} cannot run elsewhere", insn.mnemonic, insn.address);
  std::vector<std::uint8_t> out = insn.bytes;
  if (!insn.memory_target) {
    if (insn.operands.find("rip") != std::string::npos)
      fail("{} at {:#x} reads rip", insn.mnemonic, insn.address);
    return out;
  }
  // The disp32 of the RIP-relative operand: the one place in the bytes holding target - next.
  std::int64_t old = std::int64_t(*insn.memory_target - insn.next_address());
  if (!fits_rel32(old)) fail("{:#x}: odd RIP-relative operand", insn.address);
  std::int32_t old32 = std::int32_t(old);
  std::size_t found = 0, where = 0;
  for (std::size_t i = 1; i + 4 <= out.size(); ++i)
    if (std::memcmp(&out[i], &old32, 4) == 0) ++found, where = i;
  if (found != 1) fail("{:#x}: the RIP-relative displacement cannot be told apart", insn.address);
  std::int64_t now = std::int64_t(*insn.memory_target - (at + out.size()));
  if (!fits_rel32(now))
    fail("{:#x}: its RIP-relative operand is out of reach of the trampoline", insn.address);
  std::int32_t now32 = std::int32_t(now);
  std::memcpy(&out[where], &now32, 4);
  return out;
}

namespace {

// Emits into `e` and notes, for each piece, where a thread stopped in it stands (stop_all's
// evacuation reads these regions): how many saved words are on the stack, whether the call
// was counted, whether only the jump back is left.
struct region_log {
  emitter& e;
  trampoline& out;
  void mark(std::size_t from, int words, bool counted, bool done = false, bool finish = false) {
    out.regions.push_back(
        {std::uint32_t(from), std::uint32_t(e.code.size()), words, counted, done, finish});
  }
  // One-byte pushes (pushfq first), each its own region: a thread stopped at push i has i
  // words on the stack and was not counted yet.
  void saves(std::initializer_list<std::uint8_t> pushes) {
    int words = 0;
    for (std::uint8_t op : pushes) {
      std::size_t r0 = e.code.size();
      e.code.push_back(op);
      mark(r0, words++, false);
    }
  }
  // The pops undoing saves() (popfq last), from `words` on the stack down to none.
  void restores(std::initializer_list<std::uint8_t> pops) {
    int words = int(pops.size());
    for (std::uint8_t op : pops) {
      std::size_t r0 = e.code.size();
      e.code.push_back(op);
      mark(r0, words--, true);
    }
  }
  // The displaced instruction, relocated, then the jump back past the site.
  void resume(const instruction& insn, std::uint64_t at) {
    std::size_t r0 = e.code.size();
    auto moved = relocate_instruction(insn, at + e.code.size());
    e.code.insert(e.code.end(), moved.begin(), moved.end());
    mark(r0, 0, true);
    r0 = e.code.size();
    auto back = jump_rel32(at + e.code.size(), insn.next_address());
    e.code.insert(e.code.end(), back.begin(), back.end());
    mark(r0, 0, true, true);
  }
};

}  // namespace

trampoline build_trampoline(const instruction& insn, const tcond& cond, std::uint64_t at,
                            std::uint64_t counter) {
  if (insn.size() < 5)
    fail("the instruction at the site is {} bytes, shorter than a jump", insn.size());
  emitter e;
  trampoline out;
  region_log log{e, out};
  // Stopped at the very start it is still at the jump's target: nothing pushed.
  log.saves({0x9C, 0x50, 0x51});  // pushfq; push rax; push rcx
  std::size_t r0 = e.code.size();
  e.bytes({0xF0, 0x48, 0xFF, 0x05});  // lock inc qword [rip+disp32]
  e.imm32(rip_disp(e, at, 4, counter));
  log.mark(r0, 3, false);
  int t = e.label(), f = e.label();
  r0 = e.code.size();
  branch(e, cond, t, f, pushed_cond);
  log.mark(r0, 3, true);
  // FALSE
  e.bind(f);
  log.restores({0x59, 0x58, 0x9D});  // pop rcx; pop rax; popfq
  log.resume(insn, at);
  // TRUE
  e.bind(t);
  log.restores({0x59, 0x58, 0x9D});
  r0 = e.code.size();
  out.trap_offset = std::uint32_t(e.code.size());
  e.bytes({0xCC});
  log.mark(r0, 0, true);
  e.resolve();
  out.code = std::move(e.code);
  return out;
}

}  // namespace godbg

namespace godbg {

// Tracing trampolines. Layout:
//   pushfq; push rdx; push rax; push rcx          32 bytes of stack
//   lock inc qword [rip+counter]                  every call (evaluations), exact
//   <condition, if any>                           false: to FALSE, no record
//   RETRY: mov rax, [head]; rdx = rax - [tail]; cmp rdx, capacity; jae DROP
//          lea rdx, [rax+1]; lock cmpxchg [head], rdx; jne RETRY
//          (a full ring leaves head alone: a drop consumes no index, the reader never waits)
//   rcx = records + (rax & mask) * 64; push rax+1 (the seq)
//   [rcx+16] = [r14 + goid_offset]; [rcx+24+8i] = argument i; [rcx+8] = rdtsc
//   pop rax; mov [rcx], rax                       seq last: the record is then complete
//   FALSE: pop rcx; pop rax; pop rdx; popfq; <displaced instruction>; jmp site+len
//   DROP: lock inc qword [dropped]; jmp FALSE
trampoline build_trace_trampoline(const instruction& insn, const tcond* cond,
                                  const std::vector<tcond_value>& args, std::uint64_t at,
                                  std::uint64_t counter, std::uint64_t ring, std::uint32_t capacity,
                                  const trace_g_layout& g) {
  if (insn.size() < 5)
    fail("the instruction at the site is {} bytes, shorter than a jump", insn.size());
  if (capacity == 0 || (capacity & (capacity - 1)) != 0 || capacity > (1u << 30))
    fail("a trace ring of {} records: not a power of two", capacity);
  if (args.size() > trace_max_args)
    fail("{} arguments: a record holds {}", args.size(), trace_max_args);
  emitter e;
  trampoline out;
  region_log log{e, out};
  const std::uint64_t head = ring + trace_head_offset, tail = ring + trace_tail_offset,
                      dropped = ring + trace_dropped_offset, records = ring + trace_header_size;
  log.saves({0x9C, 0x52, 0x50, 0x51});  // pushfq; push rdx; push rax; push rcx
  std::size_t r0 = e.code.size();
  e.bytes({0xF0, 0x48, 0xFF, 0x05});  // lock inc qword [rip+disp32]
  e.imm32(rip_disp(e, at, 4, counter));
  log.mark(r0, 4, false);
  int record = e.label(), f = e.label(), drop = e.label(), retry = e.label();
  r0 = e.code.size();
  if (cond) branch(e, *cond, record, f, 32);
  e.bind(record);
  e.bind(retry);
  e.bytes({0x48, 0x8B, 0x05});  // mov rax, [rip+head]
  e.imm32(rip_disp(e, at, 4, head));
  e.bytes({0x48, 0x89, 0xC2});  // mov rdx, rax
  e.bytes({0x48, 0x2B, 0x15});  // sub rdx, [rip+tail]
  e.imm32(rip_disp(e, at, 4, tail));
  e.bytes({0x48, 0x81, 0xFA});  // cmp rdx, imm32
  e.imm32(std::int32_t(capacity));
  e.jcc(0x3, drop);                         // jae: full
  e.bytes({0x48, 0x8D, 0x50, 0x01});        // lea rdx, [rax+1]
  e.bytes({0xF0, 0x48, 0x0F, 0xB1, 0x15});  // lock cmpxchg [rip+head], rdx
  e.imm32(rip_disp(e, at, 4, head));
  log.mark(r0, 4, true);  // up to the cmpxchg: nothing reserved yet, it can be put back
  r0 = e.code.size();
  e.jcc(0x5, retry);            // jne: another thread took it, rax = the new head
  e.bytes({0x48, 0x89, 0xC1});  // mov rcx, rax
  e.bytes({0x48, 0x81, 0xE1});  // and rcx, imm32
  e.imm32(std::int32_t(capacity - 1));
  e.bytes({0x48, 0xC1, 0xE1, 0x06});  // shl rcx, 6
  e.bytes({0x48, 0x8D, 0x15});        // lea rdx, [rip+records]
  e.imm32(rip_disp(e, at, 4, records));
  e.bytes({0x48, 0x01, 0xD1});  // add rcx, rdx
  e.bytes({0x48, 0xFF, 0xC0});  // inc rax
  e.bytes({0x50});              // push rax: the seq
  e.bytes({0x49, 0x8B, 0x96});  // mov rdx, [r14+disp32]: the goid
  e.imm32(g.goid);
  e.bytes({0x48, 0x89, 0x51, 0x10});  // mov [rcx+16], rdx
  // The thread: g.m.procid (the M's gettid()); a g without an M, which Go code never runs on,
  // records 0 rather than faulting.
  int no_m = e.label();
  e.bytes({0x49, 0x8B, 0x96});  // mov rdx, [r14+disp32]: g.m
  e.imm32(g.m);
  e.bytes({0x48, 0x85, 0xD2});  // test rdx, rdx
  e.jcc(0x4, no_m);             // jz
  e.bytes({0x48, 0x8B, 0x92});  // mov rdx, [rdx+disp32]: m.procid
  e.imm32(g.procid);
  e.bind(no_m);
  e.bytes({0x48, 0x89, 0x51, 0x18});  // mov [rcx+24], rdx
  for (std::size_t i = 0; i < args.size(); ++i) {
    load_word_rdx(e, args[i], 40);
    e.bytes({0x48, 0x89, 0x51, std::uint8_t(32 + 8 * i)});  // mov [rcx+32+8i], rdx
  }
  e.bytes({0x0F, 0x31});              // rdtsc
  e.bytes({0x48, 0xC1, 0xE2, 0x20});  // shl rdx, 32
  e.bytes({0x48, 0x09, 0xD0});        // or rax, rdx
  e.bytes({0x48, 0x89, 0x41, 0x08});  // mov [rcx+8], rax
  e.bytes({0x58});                    // pop rax
  e.bytes({0x48, 0x89, 0x01});        // mov [rcx], rax: ready
  // The cmpxchg may have failed (jne back to RETRY, nothing reserved) or succeeded: a thread
  // in here is either about to retry or holds a slot; both are finished by running forward.
  log.mark(r0, 4, true, false, true);
  e.bind(f);
  log.restores({0x59, 0x58, 0x5A, 0x9D});  // pop rcx; pop rax; pop rdx; popfq
  log.resume(insn, at);
  e.bind(drop);
  r0 = e.code.size();
  e.bytes({0xF0, 0x48, 0xFF, 0x05});  // lock inc qword [rip+dropped]
  e.imm32(rip_disp(e, at, 4, dropped));
  e.jmp(f);
  log.mark(r0, 4, true);
  e.resolve();
  out.trap_offset = std::uint32_t(e.code.size());  // none: a tracing trampoline never traps
  out.code = std::move(e.code);
  return out;
}

}  // namespace godbg
