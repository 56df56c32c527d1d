#include "debugger/stack/goroutine_stacks.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/unwind.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

namespace {

go_runtime& runtime_or_fail(session& s, const char* what) {
  auto& rt = s.runtime();
  if (!s.has_binary() || !s.bin().is_go())
    fail("{}: {} is not a Go program", what, s.has_binary() ? s.bin().path() : "the program");
  if (!rt.available())
    fail(
        "{}: the Go runtime's layout is unknown for {} (no DWARF, and the version is not in "
        "the layout table)",
        what, s.bin().go_version().value_or("this Go version"));
  return rt;
}

void renumber(std::vector<frame_record>& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i) frames[i].index = int(i);
}

// The first frame of a thread's stack that is user code, as a code_location.
std::optional<code_location> user_location(const std::vector<frame_record>& frames) {
  for (auto& f : frames)
    if (f.where.function && is_user_function(*f.where.function)) return f.where;
  return std::nullopt;
}

code_location from_user_frame(const user_frame& u) {
  code_location l;
  l.pc = u.pc;
  l.function = u.function;
  if (!u.file.empty()) l.file = u.file;
  if (u.line) l.line = u.line;
  return l;
}

}  // namespace

namespace {

// Functions where a thread's system stack (g0) began for this stretch of runtime work: above
// them the words on g0 are not frames (Go's own traceback stops or switches stacks there).
bool switches_stacks(const std::optional<std::string>& fn) {
  return fn && (*fn == "runtime.mcall" || *fn == "runtime.systemstack" ||
                *fn == "runtime.morestack" || *fn == "runtime.asmcgocall");
}

std::vector<frame_record> saved_stack(session& s, std::uint64_t pc, std::uint64_t sp,
                                      std::uint64_t bp, std::size_t max_frames) {
  frame_registers_set r;
  r.set(reg_id::rip, pc);
  r.set(reg_id::rsp, sp);
  if (bp) r.set(reg_id::rbp, bp);
  return unwind(&s.bin(), s.bias(), s.program(), r, max_frames, s.objects());
}

// A thread on the system stack for goroutine g: its g0 frames up to the stack switch, then the
// goroutine's own frames from where it switched (g.sched), as Delve shows them.
std::vector<frame_record> system_then_goroutine(session& s, pid_t tid, const g_info& g,
                                                std::size_t max_frames) {
  auto frames = thread_stack(s, tid, max_frames);
  // Through a signal frame the thread's own registers already led into the goroutine's stack
  // (a goroutine that crashed): its stale g.sched would add frames that are not there.
  if (!frames.empty() && frames.back().where.function == "runtime.goexit") return frames;
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (switches_stacks(frames[i].where.function)) {
      frames.resize(i + 1);
      break;
    }
  if (g.sched_sp && g.sched_pc && frames.size() < max_frames) {
    auto more = saved_stack(s, g.sched_pc, g.sched_sp, g.sched_bp, max_frames - frames.size());
    frames.insert(frames.end(), more.begin(), more.end());
    renumber(frames);
  }
  return frames;
}

}  // namespace

std::vector<frame_record> thread_stack(session& s, pid_t tid, std::size_t max_frames) {
  auto& proc = s.program();
  return unwind(s.has_binary() ? &s.bin() : nullptr, s.bias(), proc,
                registers_of_thread(proc.regs(tid)), max_frames, s.objects());
}

std::vector<frame_record> goroutine_stack(session& s, const g_info& g, std::size_t max_frames) {
  if (g.tid && s.program().has_thread(*g.tid)) {
    if (s.runtime().goroutine_on_thread(*g.tid).system_stack)
      return system_then_goroutine(s, *g.tid, g, max_frames);
    return thread_stack(s, *g.tid, max_frames);
  }
  if (g.sp == 0 || g.pc == 0) return {};
  return saved_stack(s, g.pc, g.sp, g.bp, max_frames);
}

std::optional<g_info> goroutine_in(session& s, const scope& where) {
  auto& rt = s.runtime();
  if (where.goid) return rt.find_goroutine(*where.goid);
  if (!rt.available() || !s.program().has_thread(where.tid)) return std::nullopt;
  auto tg = rt.goroutine_on_thread(where.tid);
  if (!tg.g) return std::nullopt;
  return rt.goroutine_at(*tg.g, where.tid);
}

std::vector<frame_record> stack_in(session& s, const scope& where, std::size_t max_frames) {
  if (where.goid) {
    auto g = s.runtime().find_goroutine(*where.goid);
    if (!g) fail("goroutine {} no longer exists", *where.goid);
    return goroutine_stack(s, *g, max_frames);
  }
  if (!s.program().has_thread(where.tid)) fail("no thread {}", where.tid);
  // A thread in runtime code on g0 for a goroutine (systemstack, mcall): its frames, then the
  // goroutine's.
  if (s.has_binary() && s.bin().is_go() && s.runtime().available()) {
    auto tg = s.runtime().goroutine_on_thread(where.tid);
    if (tg.system_stack && tg.g)
      if (auto g = s.runtime().goroutine_at(*tg.g, where.tid))
        return system_then_goroutine(s, where.tid, *g, max_frames);
  }
  return thread_stack(s, where.tid, max_frames);
}

namespace {

// The record of one goroutine, given its user frame when the caller already found it.
goroutine_record make_record(session& s, go_runtime& rt, const g_info& g,
                             const std::optional<code_location>& user, bool with_stack,
                             std::size_t depth) {
  goroutine_record r;
  r.id = g.goid;
  r.status = g.status;
  r.wait_reason = g.wait_reason;
  r.raw_pc = g.pc;
  r.where = user ? *user : s.describe(g.pc);
  if (!user) r.where.pc = g.pc;
  r.start_function = rt.start_function(g.startpc);
  if (g.gopc) r.created_by = rt.function_name(g.gopc - 1);
  // newproc records its caller's pc; for goroutine 1 that caller is newproc's ABI0 wrapper
  // (assembly reaches Go functions only through one), called by runtime.rt0_go, whose frame is
  // gone. No other assembly starts goroutines, so the wrapper stands for rt0_go.
  if (r.created_by == "runtime.newproc") r.created_by = "runtime.rt0_go";
  if (g.tid) r.tid = *g.tid;
  if (with_stack) r.stack = goroutine_stack(s, g, depth);
  return r;
}

std::optional<code_location> user_frame_of(session& s, go_runtime& rt, const g_info& g) {
  if (g.tid && s.program().has_thread(*g.tid)) {
    if (auto u = user_location(goroutine_stack(s, g, 64))) return u;
    if (!g.sched_sp) return std::nullopt;
  }
  auto found = rt.user_frames(std::span(&g, 1));
  if (!found[0]) return std::nullopt;
  return from_user_frame(*found[0]);
}

bool valid_status(const std::string& st) {
  for (auto n :
       {"idle", "runnable", "running", "syscall", "waiting", "dead", "copystack", "preempted"})
    if (st == n) return true;
  return false;
}

}  // namespace

goroutine_record goroutine_view(session& s, const g_info& g, bool with_stack, std::size_t depth) {
  auto& rt = s.runtime();
  return make_record(s, rt, g, user_frame_of(s, rt, g), with_stack, depth);
}

std::size_t list_goroutines(session& s, const goroutine_filter& f,
                            const std::function<void(const goroutine_record&)>& emit) {
  auto& rt = runtime_or_fail(s, "goroutines");
  if (f.status && !valid_status(*f.status))
    throw usage_error(fmt::format(
        "goroutines: unknown status \"{}\" (idle, runnable, running, syscall, waiting, dead, "
        "copystack, preempted)",
        *f.status));
  goroutine_query q;
  q.status = f.status;
  q.start = f.start;
  q.dead = f.status && *f.status == "dead";
  q.limit = f.limit;
  try {
    return rt.visit_goroutines(q, [&](const g_info& g, const std::optional<user_frame>& parked) {
      std::optional<code_location> user;
      if (g.tid)
        user = user_frame_of(s, rt, g);
      else if (parked)
        user = from_user_frame(*parked);
      emit(make_record(s, rt, g, user, f.stacks, f.depth));
    });
  } catch (const error& e) {
    fail("goroutines: {}", e.what());
  }
}

std::vector<thread_record> list_threads(session& s) {
  std::vector<thread_record> out;
  auto& proc = s.program();
  auto& rt = s.runtime();
  bool go = s.has_binary() && s.bin().is_go() && rt.available();
  bool l = go;
  std::vector<m_info> ms;
  bool ms_read = false;
  for (pid_t tid : proc.thread_ids()) {
    thread_record t;
    t.tid = tid;
    t.main = tid == proc.pid();
    t.current = tid == s.current_tid();
    t.where = s.describe(proc.regs(tid).rip);
    if (l) {
      auto tg = rt.goroutine_on_thread(tid);
      if (tg.g) t.goid = rt.goid_of(*tg.g);
      std::optional<std::uint64_t> m = tg.m;
      if (!m) {
        // TLS not usable (a thread being born, or in C code): find its M by m.procid.
        if (!ms_read) ms = rt.ms(), ms_read = true;
        for (auto& mi : ms)
          if (mi.tid == tid) m = mi.addr;
      }
      if (m) {
        t.m = rt.m_id(*m);
        t.p = rt.p_id_of_m(*m);
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace godbg
