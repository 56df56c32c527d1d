#include "debugger/stack/goroutine_stacks.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/error.hpp"
#include "goruntime/go_runtime_internal.hpp"
#include "goruntime/runtime_layout_table.hpp"
#include "debugger/session.hpp"

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
    if (f.where.function && rt::is_user_function(*f.where.function)) return f.where;
  return std::nullopt;
}

code_location from_user_frame(const rt::user_frame& u, std::uint64_t pc) {
  code_location l;
  l.pc = pc;
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

// A thread on the system stack for goroutine g: its g0 frames up to the stack switch, then the
// goroutine's own frames from where it switched (g.sched), as Delve shows them.
std::vector<frame_record> system_then_goroutine(session& s, pid_t tid, const g_info& g,
                                                std::size_t max_frames) {
  auto frames = s.backtrace(tid, max_frames);
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (switches_stacks(frames[i].where.function)) {
      frames.resize(i + 1);
      break;
    }
  if (g.sched_sp && g.sched_pc && frames.size() < max_frames) {
    auto more = s.backtrace_from(g.sched_pc, g.sched_sp, g.sched_bp, max_frames - frames.size());
    frames.insert(frames.end(), more.begin(), more.end());
    renumber(frames);
  }
  return frames;
}

}  // namespace

std::vector<frame_record> goroutine_stack(session& s, const g_info& g, std::size_t max_frames) {
  if (g.tid && s.process().has_thread(*g.tid)) {
    if (s.runtime().goroutine_on_thread(*g.tid).system_stack)
      return system_then_goroutine(s, *g.tid, g, max_frames);
    return s.backtrace(*g.tid, max_frames);
  }
  if (g.sp == 0 || g.pc == 0) return {};
  return s.backtrace_from(g.pc, g.sp, g.bp, max_frames);
}

std::optional<g_info> current_goroutine(session& s) {
  auto& rt = s.runtime();
  if (auto id = s.selected_goroutine()) return rt.find_goroutine(*id);
  if (!rt.available()) return std::nullopt;
  auto tg = rt.goroutine_on_thread(s.current_tid());
  if (!tg.g) return std::nullopt;
  auto* l = resolve_layout(s, rt.st());
  auto r = read_one_g(s, *l, *tg.g);
  if (!r) return std::nullopt;
  return make_g_info(s, rt, *r, s.current_tid());
}

std::vector<frame_record> current_stack(session& s, std::size_t max_frames) {
  if (auto id = s.selected_goroutine()) {
    auto g = s.runtime().find_goroutine(*id);
    if (!g) fail("goroutine {} no longer exists", *id);
    return goroutine_stack(s, *g, max_frames);
  }
  // A thread in runtime code on g0 for a goroutine (systemstack, mcall): its frames, then the
  // goroutine's.
  if (s.has_binary() && s.bin().is_go() && s.runtime().available()) {
    auto tg = s.runtime().goroutine_on_thread(s.current_tid());
    if (tg.system_stack && tg.g)
      if (auto r = read_one_g(s, *resolve_layout(s, s.runtime().st()), *tg.g))
        return system_then_goroutine(s, s.current_tid(),
                                     make_g_info(s, s.runtime(), *r, s.current_tid()), max_frames);
  }
  return s.backtrace(s.current_tid(), max_frames);
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
  if (g.tid && s.process().has_thread(*g.tid)) {
    if (auto u = user_location(goroutine_stack(s, g, 64))) return u;
    if (!g.sched_sp) return std::nullopt;
    std::pair<std::uint64_t, std::uint64_t> start{g.sched_pc, g.sched_sp};
    auto res = user_frames_from(s, rt.st(), std::span(&start, 1));
    if (res[0].second < 0) return std::nullopt;
    return from_user_frame(rt.st().user_frames[std::size_t(res[0].second)], res[0].first);
  }
  std::pair<std::uint64_t, std::uint64_t> start{g.pc, g.sp};
  auto res = user_frames_from(s, rt.st(), std::span(&start, 1));
  if (res[0].second < 0) return std::nullopt;
  return from_user_frame(rt.st().user_frames[std::size_t(res[0].second)], res[0].first);
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
  auto raws = read_all_gs(s, rt);
  if (!raws)
    fail("goroutines: cannot read runtime.allgs{}",
         s.bin().symbols().empty() ? " (not found in the code of this stripped binary)" : "");
  bool want_dead = f.status && *f.status == "dead";
  std::vector<const rt::raw_g*> sel;
  sel.reserve(raws->size());
  for (auto& r : *raws) {
    if (is_dead(r) && !want_dead) continue;
    if (f.status) {
      auto n = goroutine_status_name(r.status);
      if (!n || *n != *f.status) continue;
    }
    if (f.start) {
      auto fn = rt.start_function(r.startpc);
      if (!fn || fn->find(*f.start) == std::string::npos) continue;
    }
    sel.push_back(&r);
  }
  std::sort(sel.begin(), sel.end(),
            [](const rt::raw_g* a, const rt::raw_g* b) { return a->goid < b->goid; });
  std::size_t total = sel.size();
  if (f.limit && *f.limit < sel.size()) sel.resize(*f.limit);

  auto threads = goroutine_threads(s, rt);
  // Parked goroutines: user frames found together, in bulk.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> starts;
  std::vector<std::size_t> start_of(sel.size(), SIZE_MAX);
  for (std::size_t i = 0; i < sel.size(); ++i) {
    if (threads.count(sel[i]->addr)) continue;
    const auto& r = *sel[i];
    start_of[i] = starts.size();
    if (r.sched_sp)
      starts.push_back({r.sched_pc, r.sched_sp});
    else
      starts.push_back({r.syscallpc, r.syscallsp});
  }
  auto found = user_frames_from(s, rt.st(), starts);

  for (std::size_t i = 0; i < sel.size(); ++i) {
    const auto& r = *sel[i];
    std::optional<pid_t> tid;
    if (auto it = threads.find(r.addr); it != threads.end()) tid = it->second;
    g_info g = make_g_info(s, rt, r, tid);
    std::optional<code_location> user;
    if (tid) {
      user = user_frame_of(s, rt, g);
    } else if (auto& [pc, idx] = found[start_of[i]]; idx >= 0) {
      user = from_user_frame(rt.st().user_frames[std::size_t(idx)], pc);
    }
    emit(make_record(s, rt, g, user, f.stacks, f.depth));
  }
  return total;
}

std::vector<thread_record> list_threads(session& s) {
  std::vector<thread_record> out;
  auto& proc = s.process();
  auto& rt = s.runtime();
  bool go = s.has_binary() && s.bin().is_go() && rt.available();
  auto* l = go ? resolve_layout(s, rt.st()) : nullptr;
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
        t.m = proc.read_value<std::int64_t>(virt_addr(*m + l->m_id));
        if (auto p = proc.read_value<std::uint64_t>(virt_addr(*m + l->m_p)); p && *p)
          if (auto id = proc.read_value<std::int32_t>(virt_addr(*p + l->p_id))) t.p = *id;
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace godbg
