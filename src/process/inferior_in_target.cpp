// Conditions evaluated in the target (issue 20), the process side: a page injected with an
// mmap system call made by a stopped thread, trampolines written into it, the site's int3
// replaced by a 5-byte jump, and the threads that godbg stops inside a trampoline put back at
// the site. Why this is safe under the Go runtime: docs/ARCHITECTURE.md, "Conditions in the
// target".
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "arch_amd64/disassembler.hpp"
#include "common/error.hpp"
#include "process/inferior.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

namespace {
// First 4 KB: the counters (rw-); then the code (r-x); then the trace rings (rw-). Never
// writable and executable at once: godbg writes the code through /proc/PID/mem, as it writes
// int3s into .text. The rings' pages cost nothing until a trampoline writes into them.
constexpr std::size_t counters_size = 4096;
constexpr std::size_t slot_size = 512;
constexpr std::size_t slot_count = 64;
constexpr std::size_t code_end = counters_size + slot_size * slot_count;
constexpr std::size_t ring_stride =
    (trace_ring_bytes(inferior::trace_ring_max) + 4095) & ~std::size_t(4095);
constexpr std::size_t ring_count = 16;
constexpr std::size_t page_size = code_end + ring_stride * ring_count;
constexpr std::uint64_t reach = 1ull << 31;
constexpr long map_fixed_noreplace = 0x100000;

void pwrite_all(int fd, std::uint64_t a, const std::uint8_t* p, std::size_t n, const char* what) {
  if (pwrite(fd, p, n, off_t(a)) != ssize_t(n)) fail_errno("{} at {:#x}", what, a);
}
}  // namespace

const inferior::slot_info* inferior::slot_at(std::uint64_t pc) const {
  if (!page_ || pc < page_->base + counters_size || pc >= page_->base + code_end) return nullptr;
  std::size_t i = (pc - page_->base - counters_size) / slot_size;
  if (i >= slots_.size()) return nullptr;
  const auto& s = slots_[i];
  if (pc >= s.code + s.layout.code.size()) return nullptr;
  return &s;
}

// A thread not inside a system call when there is one: restarting an interrupted call is the
// kernel's business at the thread's next return to user space, and it is made right either way
// (orig_rax = -1 for ours), but one outside a call leaves nothing to get wrong.
pid_t inferior::injection_thread() {
  pid_t any = 0;
  for (auto& [tid, t] : threads_) {
    if (!t.stopped) continue;
    try {
      auto& r = regs(tid);
      if (slot_at(r.rip)) continue;
      if (!any) any = tid;
      if (std::int64_t(r.orig_rax) == -1) return tid;
    } catch (const thread_gone&) {
    }
  }
  if (!any) fail("no stopped thread to make a system call with");
  return any;
}

std::uint64_t inferior::inject_syscall(pid_t tid, long nr,
                                       std::initializer_list<std::uint64_t> args) {
  auto& t = threads_.at(tid);
  user_regs_struct saved = regs(tid);  // the cache, with any change not yet written
  std::uint64_t at = saved.rip;
  std::uint8_t old[2];
  if (pread(mem_fd_, old, 2, off_t(at)) != 2) fail_errno("read the code at {:#x}", at);
  static const std::uint8_t syscall_insn[2] = {0x0F, 0x05};
  pwrite_all(mem_fd_, at, syscall_insn, 2, "write a system call");
  user_regs_struct r = saved;
  r.rax = std::uint64_t(nr);
  decltype(&r.rdi) slots[] = {&r.rdi, &r.rsi, &r.rdx, &r.r10, &r.r8, &r.r9};
  std::size_t i = 0;
  for (auto a : args) *slots[i++] = a;
  r.orig_rax = ~0ull;  // not in a system call: no restart of the one the thread was in
  r.rip = at;
  std::optional<std::uint64_t> result;
  std::string problem;
  try {
    ptrace_ops::set_regs(tid, r);
    for (int tries = 0; tries < 16 && !result; ++tries) {
      ptrace_ops::singlestep(tid, 0);
      std::optional<wait_result> w;
      while (!(w = wait_thread(tid))) {
      }
      if (w->what != wait_result::kind::stopped) {
        problem = "the thread ended";
        break;
      }
      auto now = ptrace_ops::get_regs(tid);
      if (now.rip == at + 2) {
        result = now.rax;
        break;
      }
      // A signal came first: the program's, kept for it; or a stop of ours: step again.
      if (w->event == 0 && w->code != SIGTRAP) keep_signal(t, w->code);
      ptrace_ops::set_regs(tid, r);
    }
  } catch (const error& e) {
    problem = e.what();
  }
  (void)pwrite(mem_fd_, old, 2, off_t(at));
  ptrace_ops::set_regs_if_alive(tid, saved);
  t.regs = saved;
  t.regs_dirty = false;
  // Now in the signal-delivery-stop of the step's SIGTRAP: a signal still owed is handed over
  // from here at the next resume.
  t.signal_stop = true;
  if (!result)
    fail("system call {} in thread {}: {}", nr, tid,
         problem.empty() ? "did not complete" : problem);
  return *result;
}

void inferior::map_code_page(std::uint64_t near) {
  pid_t tid = injection_thread();
  std::uint64_t base = near & ~0xFFFull;
  for (int k = 1; k <= 64 && !page_; ++k) {
    for (int sign : {1, -1}) {
      std::uint64_t hint = base + std::uint64_t(sign) * std::uint64_t(k) * (16ull << 20);
      std::uint64_t got = inject_syscall(
          tid, SYS_mmap,
          {hint, page_size, PROT_READ | PROT_WRITE,
           std::uint64_t(MAP_PRIVATE | MAP_ANONYMOUS | map_fixed_noreplace), ~0ull, 0});
      if (got > ~0ull - 4095) continue;  // -errno: taken, try the next hint
      std::uint64_t dist = got > near ? got - near : near - got;
      if (dist + page_size >= reach - (1u << 20)) {
        // A kernel that ignores MAP_FIXED_NOREPLACE put it anywhere: give it back.
        inject_syscall(tid, SYS_munmap, {got, page_size});
        continue;
      }
      std::uint64_t rc =
          inject_syscall(tid, SYS_mprotect,
                         {got + counters_size, code_end - counters_size, PROT_READ | PROT_EXEC});
      if (rc != 0) {
        inject_syscall(tid, SYS_munmap, {got, page_size});
        fail("mprotect of the injected page failed ({})", -std::int64_t(rc));
      }
      page_ = code_page{got, 0};
      break;
    }
  }
  if (!page_) fail("no room for a code page within 2 GB of {:#x}", near);
}

instruction inferior::decode_site(virt_addr a) {
  if (running_) {
    for (auto& [tid, t] : threads_)
      if (!t.stopped) fail("in-target sites are written with every thread stopped");
  }
  auto it = sites_.find(a.value());
  if (it == sites_.end() || !it->second.inserted) fail("no int3 at {:#x}", a.value());
  static const disassembler dis;
  std::uint8_t code[max_instruction_size];
  if (!read(a, code)) fail("read the code at {:#x}", a.value());
  auto insn = dis.decode_one(code, a.value());
  if (!insn) fail("the instruction at {:#x} does not decode", a.value());
  if (insn->size() < 5)
    fail("the instruction at the site ({}) is {} bytes, shorter than a jump", insn->mnemonic,
         insn->size());
  relocate_instruction(*insn, a.value());  // refusals before any page is mapped
  if (page_ && page_->next_slot >= slot_count) fail("the injected page is full");
  if (!page_) map_code_page(a.value());
  return *insn;
}

void inferior::write_trampoline(virt_addr a, const instruction& insn, const trampoline& tr,
                                slot_info info) {
  if (tr.code.size() > slot_size) fail("the trampoline takes more than {} bytes", slot_size);
  auto jump = jump_rel32(a.value(), info.code);
  static const std::uint8_t zero[8] = {};
  pwrite_all(mem_fd_, info.counter, zero, 8, "clear a counter");
  pwrite_all(mem_fd_, info.code, tr.code.data(), tr.code.size(), "write a trampoline");
  // Slots are never reused while the page lives: a signal frame may still return into one.
  std::size_t i = page_->next_slot++;
  info.site = a.value();
  info.layout = tr;
  slots_.push_back(std::move(info));
  if (tr.trap_offset < tr.code.size()) trap_slots_[slots_.back().code + tr.trap_offset] = i;
  auto& s = sites_.at(a.value());
  s.displaced = insn.bytes;
  s.jump_bytes = jump;
  pwrite_all(mem_fd_, a.value(), jump.data(), jump.size(), "write a jump to a trampoline");
  s.jump = true;
  forget_decoded(a.value(), a.value() + insn.size());
}

void inferior::install_in_target(virt_addr a, const tcond& cond) {
  if (in_target(a)) return;
  auto insn = decode_site(a);
  std::size_t i = page_->next_slot;
  slot_info info;
  info.counter = page_->base + 8 * i;
  info.code = page_->base + counters_size + slot_size * i;
  write_trampoline(a, insn, build_trampoline(insn, cond, info.code, info.counter), info);
}

void inferior::install_trace_in_target(virt_addr a, const tcond* cond,
                                       const std::vector<tcond_value>& args,
                                       const trace_g_layout& g, std::uint32_t capacity) {
  if (in_target(a)) return;
  if (capacity == 0 || capacity > trace_ring_max || (capacity & (capacity - 1)))
    fail("a trace ring of {} records (a power of two up to {})", capacity, trace_ring_max);
  if (page_ && page_->next_ring >= ring_count) fail("every trace ring of the page is taken");
  auto insn = decode_site(a);
  if (page_->next_ring >= ring_count) fail("every trace ring of the page is taken");
  std::size_t i = page_->next_slot;
  slot_info info;
  info.counter = page_->base + 8 * i;
  info.code = page_->base + counters_size + slot_size * i;
  info.ring = page_->base + code_end + ring_stride * page_->next_ring;
  info.capacity = capacity;
  // A fresh ring: a header of zeros (the records need no clearing: a slot is ready only when
  // its seq is its index + 1, and index 0's slot holds 0 or an older lap's seq).
  static const std::uint8_t zero[trace_header_size] = {};
  pwrite_all(mem_fd_, info.ring, zero, sizeof zero, "clear a trace ring");
  auto tr =
      build_trace_trampoline(insn, cond, args, info.code, info.counter, info.ring, capacity, g);
  ++page_->next_ring;
  write_trampoline(a, insn, tr, std::move(info));
}

bool inferior::has_trace_rings() const {
  for (auto& s : slots_)
    if (s.ring) return true;
  return false;
}

std::vector<inferior::trace_news> inferior::drain_traces() {
  std::vector<trace_news> out;
  if (!alive_) return out;
  for (auto& s : slots_) {
    if (!s.ring) continue;
    std::uint64_t header[3];
    if (pread(mem_fd_, header, sizeof header, off_t(s.ring)) != ssize_t(sizeof header)) continue;
    std::uint64_t head = header[trace_head_offset / 8], dropped = header[trace_dropped_offset / 8];
    trace_news news;
    news.site = s.site;
    news.dropped = dropped - s.dropped_seen;
    s.dropped_seen = dropped;
    std::uint64_t n = head - s.tail;
    if (n > s.capacity) n = s.capacity;  // never: the writers keep head - tail <= capacity
    if (n) {
      std::size_t bytes = std::size_t(s.capacity) * trace_record_size;
      if (s.snapshot.size() != bytes) s.snapshot.assign(bytes, 0);
      std::uint64_t records = s.ring + trace_header_size;
      // Slots tail .. tail+n-1, in one or two pieces (the ring wraps).
      auto snap = [&] {
        std::uint64_t first = s.tail & (s.capacity - 1);
        std::uint64_t k1 = std::min<std::uint64_t>(n, s.capacity - first);
        bool ok =
            pread(mem_fd_, s.snapshot.data() + first * trace_record_size, k1 * trace_record_size,
                  off_t(records + first * trace_record_size)) == ssize_t(k1 * trace_record_size);
        if (ok && n > k1)
          ok = pread(mem_fd_, s.snapshot.data(), (n - k1) * trace_record_size, off_t(records)) ==
               ssize_t((n - k1) * trace_record_size);
        return ok;
      };
      // The first read says which records are ready; the second, taken after, holds them
      // whole (each was complete before its seq was stored, and no writer reuses a slot before
      // the tail passes it). A copy need not read a record's seq before its other words.
      if (!snap()) continue;
      std::size_t ready = ready_hits(s.snapshot, s.capacity, s.tail).size();
      if (ready > n) ready = std::size_t(n);
      if (ready && snap()) {
        news.hits = ready_hits(s.snapshot, s.capacity, s.tail);
        if (news.hits.size() > ready) news.hits.resize(ready);
        s.tail += news.hits.size();
        pwrite_all(mem_fd_, s.ring + trace_tail_offset,
                   reinterpret_cast<const std::uint8_t*>(&s.tail), 8, "publish a trace tail");
      }
    }
    if (!news.hits.empty() || news.dropped) out.push_back(std::move(news));
  }
  return out;
}

void inferior::remove_in_target(virt_addr a) {
  auto it = sites_.find(a.value());
  if (it == sites_.end() || !it->second.jump) return;
  auto& s = it->second;
  if (s.inserted && alive_) {
    // The int3 first (one byte: a running thread sees the jump or the int3, never a mix), then
    // the rest of the instruction's first bytes. A thread already in the trampoline finishes
    // there and jumps back past the instruction, which is unchanged.
    static const std::uint8_t int3 = 0xCC;
    pwrite_all(mem_fd_, a.value(), &int3, 1, "write an int3");
    pwrite_all(mem_fd_, a.value() + 1, s.displaced.data() + 1, s.jump_bytes.size() - 1,
               "restore the code under a jump");
  }
  s.original = s.displaced[0];
  s.jump = false;
  forget_decoded(a.value(), a.value() + s.displaced.size());
}

bool inferior::in_target(virt_addr a) const {
  auto it = sites_.find(a.value());
  return it != sites_.end() && it->second.jump;
}

std::uint64_t inferior::evaluations(virt_addr a) const {
  std::uint64_t n = 0;
  for (auto& s : slots_) {
    if (s.site != a.value()) continue;
    std::uint64_t v = 0;
    if (read(virt_addr(s.counter), {reinterpret_cast<std::uint8_t*>(&v), 8})) n += v;
  }
  return n;
}

void inferior::uncount(std::size_t slot) {
  auto& s = slots_.at(slot);
  std::uint64_t v = 0;
  if (pread(mem_fd_, &v, 8, off_t(s.counter)) != 8 || v == 0) return;
  --v;
  (void)pwrite(mem_fd_, &v, 8, off_t(s.counter));
}

void inferior::leave_trampoline(thread_state& t) {
  if (!t.stopped || !page_) return;
  user_regs_struct r;
  try {
    r = regs(t.tid);
  } catch (const thread_gone&) {
    return;
  }
  const slot_info* s = slot_at(r.rip);
  if (!s) return;
  std::uint32_t off = std::uint32_t(r.rip - s->code);
  const trampoline_region* where = nullptr;
  for (auto& reg : s->layout.regions)
    if (off >= reg.begin && off < reg.end) where = &reg;
  if (!where) return;
  if (where->done) {
    r.rip = s->site + sites_.at(s->site).displaced.size();
    set_regs(t.tid, r);
    return;
  }
  if (s->ring && where->counted) {
    // A tracing trampoline is not undone once counted: the thread may hold a reserved slot
    // whose record only it can complete (the reader waits on it), so it runs on to the end.
    run_out_of_trampoline(t, *s);
    return;
  }
  // The words on the stack, last pushed first: rcx, rax, flags for a condition; rcx, rax, rdx,
  // flags for a tracepoint (whose rdx goes first after the flags).
  std::uint64_t words[4] = {};
  if (where->words &&
      !read(virt_addr(r.rsp), {reinterpret_cast<std::uint8_t*>(words), 8u * where->words}))
    fail("thread {}: cannot read its stack inside a trampoline", t.tid);
  int w = where->words;
  if (s->ring) {
    decltype(&r.rcx) into[4] = {&r.rcx, &r.rax, &r.rdx, &r.eflags};
    for (int k = 0; k < w; ++k) *into[4 - w + k] = words[k];
  } else {
    if (w == 3) r.rcx = words[0], r.rax = words[1], r.eflags = words[2];
    if (w == 2) r.rax = words[0], r.eflags = words[1];
    if (w == 1) r.eflags = words[0];
  }
  r.rsp += 8 * std::uint64_t(w);
  r.rip = s->site;
  set_regs(t.tid, r);
  // It evaluates again when it runs on: this evaluation never happened.
  if (where->counted) uncount(std::size_t(s - slots_.data()));
}

// No pushfq is left on its way (it is past the saves), so a single-step's trap flag is never
// saved into the program's flags; the instructions are the trampoline's own and the displaced
// one, which step-over runs the same way. The trap flag is cleared at the end whatever
// happened: a step of the popfq cut short by a signal leaves it set in the thread's flags (the
// kernel no longer counts it as its own), and the thread would then trap at every instruction.
void inferior::run_out_of_trampoline(thread_state& t, const slot_info& s) {
  constexpr std::uint64_t trap_flag = 0x100;
  user_regs_struct r = regs(t.tid);
  std::uint64_t end = s.code + s.layout.code.size();
  ptrace_ops::set_regs(t.tid, r);
  for (int n = 0; n < 4096 && r.rip >= s.code && r.rip < end; ++n) {
    ptrace_ops::singlestep(t.tid, 0);
    std::optional<wait_result> w;
    while (!(w = wait_thread(t.tid))) {
    }
    if (w->what != wait_result::kind::stopped) return;  // it ended (killed): nothing to undo
    r = ptrace_ops::get_regs(t.tid);
    if (w->event == 0 && w->code != SIGTRAP) {
      // The program's signal, kept for it (handed over when the thread runs on). A fault of the
      // displaced instruction would come again at every step: the thread is left there, as a
      // fault inside the trampoline is without a debugger.
      keep_signal(t, w->code);
      int sig = w->code;
      if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL) break;
    }
  }
  if (r.eflags & trap_flag) {
    r.eflags &= ~trap_flag;
    ptrace_ops::set_regs(t.tid, r);
  }
  t.regs = r;
  t.regs_dirty = false;
  t.signal_stop = true;
}

// A thread may be inside the code (its pc), or come back into it: a signal handler running on
// top of a trampoline returns there (its saved pc is on the stack just above its SP).
bool inferior::page_in_use() {
  if (!page_) return false;
  std::uint64_t lo = page_->base + counters_size, hi = page_->base + code_end;
  std::vector<std::uint64_t> words(2048);
  for (auto& [tid, t] : threads_) {
    if (!t.stopped) return true;
    try {
      auto& r = regs(tid);
      if (r.rip >= lo && r.rip < hi) return true;
      std::span<std::uint8_t> bytes(reinterpret_cast<std::uint8_t*>(words.data()),
                                    words.size() * 8);
      // The top of a stack may be closer than 16 KB: read less until it reads.
      for (std::size_t n = bytes.size(); n >= 512; n /= 2) {
        if (!read(virt_addr(r.rsp), bytes.first(n))) continue;
        for (std::size_t k = 0; k < n / 8; ++k)
          if (words[k] >= lo && words[k] < hi) return true;
        break;
      }
    } catch (const thread_gone&) {
    }
  }
  return false;
}

bool inferior::unmap_code_page() {
  if (!page_ || !alive_) return true;
  for (auto& [addr, s] : sites_)
    if (s.jump && s.inserted) return false;
  if (page_in_use()) return false;
  pid_t tid = injection_thread();
  inject_syscall(tid, SYS_munmap, {page_->base, page_size});
  forget_code_page();
  return true;
}

void inferior::forget_code_page() {
  page_.reset();
  slots_.clear();
  trap_slots_.clear();
}

}  // namespace godbg
