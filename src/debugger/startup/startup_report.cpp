// The startup report's stage machine: internal stops at the entry of the bootstrap functions
// (and at the return of those whose work is read after they return), thread births from the
// clone observer, values read from registers, the stack and the runtime's memory.
#include "debugger/startup/startup_report.hpp"

#include <algorithm>
#include <fstream>

#include "arch_amd64/disassembler.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "debugger/startup/startup_machine.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/elf_symbols.hpp"
#include "dwarf/gopclntab.hpp"
#include "goruntime/runtime_layout_table.hpp"

namespace godbg {

namespace {

using json = stage_value;

template <typename T>
json opt(const std::optional<T>& v) {
  return json(v);
}

std::optional<std::string> env_var(pid_t pid, std::string_view name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string entry;
  while (std::getline(in, entry, '\0'))
    if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
        entry[name.size()] == '=')
      return entry.substr(name.size() + 1);
  return std::nullopt;
}

}  // namespace

startup_machine::startup_machine(session& s, const startup_options& o)
    : s_(s), o_(o), sys_(s), tracer_(s, sys_) {}

stage_rec& startup_machine::add(std::string name, pid_t tid, bool read_goid) {
  stage_rec& r = stages_.emplace_back();
  r.stage = std::move(name);
  r.t_us = clock_.now_us();
  r.tid = tid;
  if (!read_goid) return r;
  if (auto g = rt().g_on_thread(tid)) r.goid = rt().goid_of(*g);
  return r;
}

std::pair<std::uint64_t, bool> startup_machine::stack_depth(pid_t tid, std::uint64_t sp) {
  if (auto g = rt().g_on_thread(tid))
    if (auto hi = rt().g_stack_hi(*g); hi && *hi >= sp && *hi - sp < (1ull << 32))
      return {*hi - sp, true};
  return {sp, false};
}

int startup_machine::arm(virt_addr a, bool once, pid_t only_tid, std::function<void(pid_t)> fn) {
  auto st = std::make_shared<armed>();
  st->once = once;
  st->only_tid = only_tid;
  st->fn = std::move(fn);
  int h = s_.add_internal_stop(a, [this, st](pid_t tid) {
    if (st->once && st->fired) return false;
    if (st->only_tid && tid != st->only_tid) return false;
    if (st->only_depth) {
      auto [d, from_g] = stack_depth(tid, s_.process().regs(tid).rsp);
      if (from_g != st->depth_from_g || d != *st->only_depth) return false;
    }
    clock_.stopped(tid);  // the time of the hit, before every other thread is stopped
    return true;
  });
  armed_[h] = st;
  return h;
}

void startup_machine::observe(virt_addr a, std::function<void(pid_t)> fn) {
  auto st = std::make_shared<armed>();
  st->once = false;
  int h = s_.add_internal_stop(a, [this, fn = std::move(fn)](pid_t tid) {
    auto from = program_clock::monotonic_ns();
    try {
      fn(tid);
    } catch (const error&) {
    }
    clock_.hold(from, program_clock::monotonic_ns(), tid);
    return false;
  });
  armed_[h] = st;  // never wanted: only for disarm_all
}

std::optional<virt_addr> startup_machine::function_address(std::string_view name,
                                                           bool past_prologue) {
  // A name the Go symbol tables do not know (a function of another Go version) is not in DWARF
  // either: asking it would index every CU of the binary, a second on a large program.
  if (auto* pcln = s_.bin().pclntab();
      pcln && !pcln->func_by_name(strip_abi_suffix(name)) && !s_.bin().symbols().by_name(name))
    return std::nullopt;
  auto f = s_.bin().function_by_name(name);
  if (!f) return std::nullopt;
  if (past_prologue) {
    if (auto a = s_.function_breakpoint_address(*f)) return virt_addr(*a);
  }
  return s_.bias().to_virt(f->entry);
}

bool startup_machine::arm_function(std::string_view name, bool past_prologue, bool once,
                                   pid_t only_tid, std::function<void(pid_t)> fn) {
  auto a = function_address(name, past_prologue);
  if (!a) return false;
  arm(*a, once, only_tid, std::move(fn));
  return true;
}

void startup_machine::arm_return(pid_t tid, std::function<void(pid_t)> fn) {
  std::uint64_t sp = regs(tid).rsp;
  auto ret = word(sp);
  if (!ret || !*ret) return;
  auto [depth, from_g] = stack_depth(tid, sp + 8);
  int h = arm(virt_addr(*ret), true, tid, std::move(fn));
  armed_[h]->only_depth = depth;
  armed_[h]->depth_from_g = from_g;
}

void startup_machine::disarm_all() {
  for (auto& [h, a] : armed_) s_.remove_internal_stop(h);
  armed_.clear();
}

// The first caller on tid's stack whose function is not in `skip` (frame 0 included).
std::optional<std::string> startup_machine::caller_of(
    pid_t tid, std::initializer_list<std::string_view> skip) {
  try {
    for (auto& f : thread_stack(s_, tid, 12)) {
      if (!f.where.function) return std::nullopt;
      bool skipped = false;
      const std::string& name = *f.where.function;
      for (auto sname : skip)
        if (name == sname || (name.size() > sname.size() && name.starts_with(sname) &&
                              name.compare(sname.size(), 5, ".func") == 0))
          skipped = true;
      if (!skipped) return f.where.function;
    }
  } catch (const error&) {
  }
  return std::nullopt;
}

json startup_machine::argv_from(std::uint64_t argv, std::uint64_t argc) {
  json::list out;
  for (std::uint64_t i = 0; i < argc && i < 1024; ++i) {
    auto p = word(argv + 8 * i);
    std::optional<std::string> sv;
    if (p && *p) sv = rt().read_c_string(*p);
    out.push_back(opt(sv));
  }
  return json(std::move(out));
}

std::optional<pid_t> startup_machine::thread_running_goroutine(std::int64_t goid) {
  for (pid_t t : s_.process().thread_ids()) {
    auto g = rt().g_on_thread(t);
    if (!g) continue;
    auto id = rt().goid_of(*g);
    if (id && *id == goid) return t;
  }
  return std::nullopt;
}

// Where the report begins when the program stands at its first instruction: argc and argv are
// on the initial stack ([rsp] = argc, [rsp+8...] = argv), whatever the binary's symbols.
void startup_machine::on_entry_stop() {
  auto& r = add("_rt0_amd64_linux", pid_);
  const auto& rg = regs(pid_);
  r.put("entry", rg.rip);
  auto argc = word(rg.rsp);
  r.put("argc", opt(argc));
  if (argc && *argc < 1024)
    r.put("argv", argv_from(rg.rsp + 8, *argc));
  else
    r.put("argv", nullptr);
  r.put("load_bias", s_.bias().value());
}

void startup_machine::on_clone(pid_t parent, pid_t child) {
  auto from = program_clock::monotonic_ns();
  // The parent is stopped in runtime.clone's SYSCALL: R13 holds the new M (runtime.clone copies
  // mp there for the child), for Go 1.19 through 1.27. A thread made by C (cgo's
  // pthread_create) is named at the end, from the M whose procid it is.
  auto& r = add("clone", child, false);
  r.t_us = clock_.instant_us();  // the program runs on: this is no stop of the report's
  r.put("tid", child);
  r.put("parent", parent);
  std::optional<std::int64_t> mid;
  std::optional<std::string> startfn;
  try {
    const auto& rg = regs(parent);
    auto pf = rt().physical_function_name(rg.rip);
    if (pf && *pf == "runtime.clone" && rg.r13) {
      mid = rt().m_id(rg.r13);
      if (auto pc = rt().m_startfn(rg.r13)) {
        // nil: an M that runs goroutines (started by startm); else its own loop (sysmon, ...).
        startfn =
            *pc ? rt().physical_function_name(*pc) : std::optional<std::string>("runtime.schedule");
      }
    }
  } catch (const error&) {
  }
  r.put("m", opt(mid));
  r.put("mstartfn", opt(startfn));
  // The parent's stack, only when the M's start function does not say what the thread is for:
  // walking it holds the parent (often goroutine 1's thread) a while.
  std::optional<std::string> by;
  if (!startfn)
    by = caller_of(parent,
                   {"runtime.clone", "runtime.newosproc", "runtime.retryOnEAGAIN", "runtime.newm1",
                    "runtime.newm", "runtime.allocm", "runtime.startm", "runtime.systemstack"});
  r.put("created_by", opt(by));
  clock_.hold(from, program_clock::monotonic_ns(), parent);
  startup_thread t;
  t.tid = child;
  t.parent = parent;
  t.born_us = r.t_us;
  threads_.push_back(t);
}

// A goroutine was just made: newproc1 returned it (in RAX) to newproc's closure on the system
// stack. What the g holds says the rest: id, start pc, the go statement's pc.
void startup_machine::on_new_goroutine(pid_t tid, std::uint64_t newg) {
  auto& r = add("runtime.newproc", tid, false);
  r.t_us = clock_.instant_us();
  // The maker: the goroutine the M runs (curg), or none when rt0_go makes goroutine 1 on g0.
  auto on = rt().goroutine_on_thread(tid);
  r.goid = on.g ? rt().goid_of(*on.g) : (on.tls_g ? std::optional<std::int64_t>(0) : std::nullopt);
  auto startpc = rt().g_startpc(newg);
  auto info = rt().goroutine_at(newg, std::nullopt);
  r.put("new_goid", info ? json(info->goid) : json(nullptr));
  r.put("start_function", startpc ? opt(rt().start_function(*startpc)) : json(nullptr));
  std::optional<std::string> by;
  if (info && info->gopc) by = rt().physical_function_name(info->gopc - 1);
  // rt0_go calls newproc through its ABI0 wrapper: the go statement is the wrapper's caller.
  if (by && *by == "runtime.newproc")
    by = caller_of(tid, {"runtime.newproc", "runtime.newproc1", "runtime.systemstack"});
  r.put("created_by", opt(by));
  r.put("startpc", opt(startpc));
}

// Without the closure's call site: newproc(fn *funcval) at its entry (fn in RAX), and the g
// from newproc1's return, or from the P's runnext when newproc returns.
void startup_machine::on_newproc(pid_t tid) {
  const auto& rg = regs(tid);
  auto ret = word(rg.rsp);
  if (!ret) return;
  // A second entry from the same call: morestack restarted newproc after growing the stack.
  if (!pending_newproc_.insert({tid, *ret}).second) return;
  auto& r = add("runtime.newproc", tid);
  std::optional<std::uint64_t> fn_pc;
  if (rg.rax) fn_pc = word(rg.rax);
  std::optional<std::string> start;
  if (fn_pc) start = rt().start_function(*fn_pc);
  r.put("new_goid", nullptr);
  r.put("start_function", opt(start));
  r.put("created_by", opt(caller_of(tid, {"runtime.newproc"})));
  r.put("startpc", opt(fn_pc));
  newproc_waiting_[tid] = &r;
  std::uint64_t key = *ret;
  arm_return(tid, [this, &r, fn_pc, tid, key](pid_t) {
    pending_newproc_.erase({tid, key});
    newproc_waiting_.erase(tid);
    r.dur_us = clock_.now_us() - r.t_us;
    if (!r.get("new_goid").is_null()) return;
    auto g = rt().g_on_thread(tid);
    if (!g) return;
    auto next = rt().runnext_of_g(*g);
    if (!next) return;
    auto startpc = rt().g_startpc(*next);
    if (fn_pc && startpc && *startpc == *fn_pc) r.put("new_goid", opt(rt().goid_of(*next)));
  });
}

void startup_machine::on_newproc1(pid_t tid) {
  auto it = newproc_waiting_.find(tid);
  if (it == newproc_waiting_.end()) return;
  stage_rec* r = it->second;
  arm_return(tid, [this, r](pid_t t) {
    std::uint64_t newg = regs(t).rax;
    auto startpc = rt().g_startpc(newg);
    auto want = r->get("startpc");
    if (newg && startpc && want.unsigned_integer() == startpc)
      r->put("new_goid", opt(rt().goid_of(newg)));
  });
}

// One stop per goroutine: right after newproc's closure calls newproc1, found by decoding the
// closure; the older entry-and-return stops when the closure is not there.
void startup_machine::arm_newproc() {
  auto closure = s_.bin().function_by_name("runtime.newproc.func1");
  auto callee = s_.bin().function_by_name("runtime.newproc1");
  if (closure && callee && closure->end.value() > closure->entry.value()) {
    std::uint64_t lo = s_.bias().to_virt(closure->entry).value();
    std::uint64_t target = s_.bias().to_virt(callee->entry).value();
    std::vector<std::uint8_t> code(
        std::min<std::uint64_t>(closure->end.value() - closure->entry.value(), 4096));
    if (s_.process().read(virt_addr(lo), code)) {
      disassembler d;
      for (auto& i : d.decode(code, lo))
        if (i.is_call && i.branch_target == target) {
          observe(virt_addr(i.next_address()),
                  [this](pid_t t) { on_new_goroutine(t, regs(t).rax); });
          return;
        }
    }
  }
  arm_function("runtime.newproc", false, false, 0, [this](pid_t t) { on_newproc(t); });
  arm_function("runtime.newproc1", false, false, 0, [this](pid_t t) { on_newproc1(t); });
}

void startup_machine::on_runtime_main(pid_t tid) {
  auto& r = add("runtime.main", tid);
  r.put("goid", opt(r.goid));
  r.put("threads", s_.process().thread_ids().size());
  // From here on threads wait for each other: the program's time is wall time less pauses.
  clock_.switch_to_wall();
  g1_ = rt().g_on_thread(tid);
  if (!init_by_stops_ && !(g1_ && tracer_.arm(tid, *g1_))) {
    init_by_stops_ = true;
    arm_init_stops();
  }
}

// Without DWARF the M's start function (m.mstartfn) cannot be read at the clone; once every
// thread is stopped, a thread's own stack tells: the frame mstart1 called is that function
// (runtime.sysmon, runtime.templateThread) or, for an M that runs goroutines, runtime.schedule.
// An M not known at the clone (a thread made by C) is the one whose procid is the thread.
void startup_machine::name_threads() {
  for (auto& r : stages_) {
    if (r.stage != "clone") continue;
    if (r.get("m").is_null())
      if (auto m = rt().m_id_of_thread(r.tid)) r.put("m", *m);
    if (!r.get("mstartfn").is_null() || !s_.process().has_thread(r.tid)) continue;
    std::vector<frame_record> frames;
    try {
      frames = thread_stack(s_, r.tid, 64);
    } catch (const error&) {
      continue;
    }
    for (std::size_t i = 1; i < frames.size(); ++i)
      if (frames[i].where.function && *frames[i].where.function == "runtime.mstart1" &&
          frames[i - 1].where.function) {
        const std::string& fn = *frames[i - 1].where.function;
        if (fn != "runtime.schedule") r.put("mstartfn", fn);
        break;
      }
  }
  for (auto& t : threads_) {
    if (!t.name.empty() && !t.parent) continue;
    for (auto& r : stages_)
      if (r.stage == "clone" && r.tid == t.tid) {
        auto m = r.get("m");
        auto fn = r.get("mstartfn");
        t.name = m.is_null() ? fmt::format("thread {}", t.tid) : fmt::format("M{}", *m.integer());
        if (fn.is_string()) t.name += " " + fn.string();
      }
    if (t.name.empty()) t.name = fmt::format("thread {}", t.tid);
  }
}

void startup_machine::on_main_main(pid_t tid) {
  auto& r = add("main.main", tid);
  main_main_us_ = r.t_us;
  collect_inits(tid);
  name_threads();
  auto& proc = s_.process();
  r.put("goid", opt(r.goid));
  r.put("tid", tid);
  r.put("main_thread", tid == pid_);
  r.put("threads", proc.thread_ids().size());
  r.put("Ms", opt(rt().m_count()));
  r.put("goroutines", opt(rt().goroutine_count()));
  if (!o_.until) {
    done_ = true;
    return;
  }
  // On to the until function with only its stop armed: the bootstrap's are done with.
  disarm_all();
  auto a = function_address(*o_.until, true);
  if (!a) {
    done_ = true;  // checked before the run began; should it vanish, stop at main.main
    return;
  }
  until_handle_ = arm(*a, true, 0, [this](pid_t t) { on_until(t); });
}

void startup_machine::on_until(pid_t tid) {
  auto& r = add(*o_.until, tid);
  r.put("until", true);
  r.put("goid", opt(r.goid));
  r.put("tid", tid);
  r.put("main_thread", tid == pid_);
  r.put("goroutine1_thread", opt(thread_running_goroutine(1)));
  r.put("threads", s_.process().thread_ids().size());
  // The stretch since the last sample: the caller of the until function was running.
  std::size_t before = samples_.size();
  try {
    take_sample();
  } catch (const error&) {
  }
  if (samples_.size() > before && samples_.back().functions.size() > 1 &&
      samples_.back().functions.back() == *o_.until)
    samples_.back().functions.pop_back();
  profile_values(r);
  done_ = true;
}

void startup_machine::arm_chain() {
  arm_function("_rt0_amd64", false, true, 0, [this](pid_t t) { add("_rt0_amd64", t); });
  arm_function("runtime.rt0_go", false, true, 0, [this](pid_t t) {
    auto& r = add("runtime.rt0_go", t);
    r.put("argc", std::int64_t(std::int32_t(regs(t).rdi)));
    r.put("argv", regs(t).rsi);
  });
  arm_function("runtime.check", false, true, 0, [this](pid_t t) {
    auto& r = add("runtime.check", t);
    auto g = rt().g_on_thread(t);
    r.put("g0", opt(g));
    r.put("m0", g ? opt(rt().m_of_g(*g)) : json(nullptr));
    arm_return(t, [this, &r](pid_t) { r.dur_us = clock_.now_us() - r.t_us; });
  });
  // runtime.args(c int32, v **byte): ABIInternal, c in AX, v in BX.
  arm_function("runtime.args", false, true, 0, [this](pid_t t) {
    auto& r = add("runtime.args", t);
    const auto& rg = regs(t);
    auto argc = std::int32_t(rg.rax);
    r.put("argc", argc);
    r.put("argv", argc >= 0 ? argv_from(rg.rbx, std::uint64_t(argc)) : json(nullptr));
    arm_return(t, [this, &r](pid_t) { r.dur_us = clock_.now_us() - r.t_us; });
  });
  // The CPU count osinit stores: read from the global when there are symbols, else from the
  // return value of the function osinit gets it from.
  for (std::string_view f : {"runtime.getproccount", "runtime.getCPUCount"})
    arm_function(f, false, true, 0, [this](pid_t t) {
      arm_return(t, [this](pid_t t2) { ncpu_from_call_ = std::int32_t(regs(t2).rax); });
    });
  arm_function("runtime.osinit", false, true, 0, [this](pid_t t) {
    auto& r = add("runtime.osinit", t);
    r.put("ncpu", nullptr);
    r.put("physPageSize", nullptr);
    arm_return(t, [this, &r](pid_t) {
      r.dur_us = clock_.now_us() - r.t_us;
      auto n = rt().ncpu();
      r.put("ncpu", n ? json(*n) : opt(ncpu_from_call_));
      r.put("physPageSize", opt(rt().phys_page_size()));
    });
  });
  // procresize(nprocs int32): schedinit's call sets gomaxprocs to its argument.
  arm_function("runtime.procresize", false, true, 0,
               [this](pid_t t) { nprocs_from_call_ = std::int32_t(regs(t).rax); });
  arm_function("runtime.schedinit", false, true, 0, [this](pid_t t) {
    auto& r = add("runtime.schedinit", t);
    r.put("gomaxprocs", nullptr);
    r.put("Ps", nullptr);
    r.put("GOMAXPROCS_env", nullptr);
    arm_return(t, [this, &r](pid_t) {
      r.dur_us = clock_.now_us() - r.t_us;
      auto gmp = rt().gomaxprocs();
      r.put("gomaxprocs", gmp ? json(*gmp) : opt(nprocs_from_call_));
      r.put("Ps", opt(rt().nprocs()));
      r.put("GOMAXPROCS_env", opt(env_var(pid_, "GOMAXPROCS")));
    });
  });
  arm_newproc();
  arm_function("runtime.mstart", false, true, pid_, [this](pid_t t) { add("runtime.mstart", t); });
  arm_function("runtime.main", true, true, 0, [this](pid_t t) { on_runtime_main(t); });
  if (init_by_stops_) arm_init_stops();
  arm_function("runtime.gcenable", false, true, 0, [this](pid_t t) {
    auto& r = add("runtime.gcenable", t);
    gcenable_us_ = r.t_us;
    gcenable_ns_ = clock_.stopped_at_ns();
    arm_return(t, [this, &r](pid_t) { r.dur_us = clock_.now_us() - r.t_us; });
  });
  if (!arm_function("main.main", true, true, 0, [this](pid_t t) { on_main_main(t); }))
    fail("startup: {} has no main.main", s_.bin().path());
}

bool startup_machine::dispatch(const session::outcome& o, startup_result& res) {
  const auto& ev = o.ev;
  if (ev.what != inferior_event::kind::breakpoint) {
    res.stopped_by = o;
    return false;
  }
  for (int h : o.internal) {
    auto it = armed_.find(h);
    if (it == armed_.end()) continue;
    auto a = it->second;
    if (a->once && a->fired) continue;
    a->fired = true;
    if (a->once) {
      s_.remove_internal_stop(h);
      armed_.erase(h);
    }
    try {
      a->fn(ev.tid);
    } catch (const error&) {
      // A value that cannot be read stays unknown; the report goes on.
    }
  }
  // A user breakpoint that wanted this stop (or a stop nobody armed) ends the report there.
  if (o.internal.empty() || !o.breakpoints.empty()) {
    res.stopped_by = o;
    return false;
  }
  if (done_) res.final_event = o;
  return true;
}

bool startup_machine::step_machine(startup_result& res) {
  clock_.resumed();
  auto o = s_.run_until({});
  clock_.stopped();
  return dispatch(o, res);
}

startup_result startup_machine::run() {
  auto& proc = s_.process();
  pid_ = proc.pid();
  if (auto v = s_.bin().go_version())
    if (auto rel = parse_go_version(*v)) minor_ = rel->minor;
  for (pid_t t : proc.thread_ids()) {
    startup_thread th;
    th.tid = t;
    th.name = t == pid_ ? "main thread (m0)" : fmt::format("thread {}", t);
    threads_.push_back(th);
  }

  auto saved_clone = proc.on_clone;
  struct restore {
    startup_machine* m;
    std::function<void(pid_t, pid_t)> saved;
    ~restore() {
      try {
        m->disarm_all();
        if (m->s_.has_process()) m->s_.process().on_clone = saved;
      } catch (...) {
      }
    }
  } guard{this, saved_clone};
  proc.on_clone = [this, saved_clone](pid_t parent, pid_t child) {
    on_clone(parent, child);
    if (saved_clone) saved_clone(parent, child);
  };
  if (o_.until && !s_.bin().function_by_name(*o_.until))
    fail("startup: no function {} to run to", *o_.until);
  // The runtime's own accounting needs its variables' places (DWARF) and a way to map a
  // buffer; else every init is timed with stops.
  init_by_stops_ = !sys_.available() || !rt().find_inittrace();
  arm_chain();
  // The clock starts when the program is let go (arming reads symbols, which takes a while).
  clock_.begin(pid_, s_.current_tid());
  if (proc.pc(s_.current_tid()) == s_.bias().to_virt(s_.bin().elf().entry()).value())
    on_entry_stop();

  startup_result res;
  while (!done_) {
    bool going = until_handle_ ? run_sampling(res) : step_machine(res);
    if (!going) break;
  }
  finish(res);
  return res;
}

}  // namespace godbg
