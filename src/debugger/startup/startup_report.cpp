// The startup report's stage machine: internal stops at the entry of every bootstrap function
// (and at the return address of those whose work is read after they return), thread births from
// the clone observer, values read from registers, the stack and the runtime's memory.
#include "debugger/startup/startup_report.hpp"

#include <sys/user.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "debugger/startup/stage_rec.hpp"
#include "goruntime/go_runtime.hpp"
#include "goruntime/runtime_layout_table.hpp"

namespace godbg {

namespace {

using json = stage_value;
using steady = std::chrono::steady_clock;

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

class machine {
 public:
  machine(session& s, const startup_options& o) : s_(s), o_(o) {}
  startup_result run();

 private:
  struct armed {
    bool once = true;
    pid_t only_tid = 0;
    bool fired = false;
    std::function<void(pid_t)> fn;
  };

  // The program's clock: wall time since its entry point minus the time godbg held it stopped
  // (from the moment a stop was seen to the next resume), so the report's own work does not
  // show up as the program's. ptrace's cost of each trap remains.
  std::uint64_t now_us() const {
    auto t = (stopped_at_ ? *stopped_at_ : steady::now()) - t0_ - paused_;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(t).count();
    return us > 0 ? std::uint64_t(us) : 0;
  }
  void note_stopped() {
    if (!stopped_at_) stopped_at_ = steady::now();
  }
  void note_resumed() {
    if (stopped_at_) paused_ += steady::now() - *stopped_at_;
    stopped_at_.reset();
  }
  stage_rec& add(std::string name, pid_t tid, bool read_goid = true) {
    stage_rec& r = stages_.emplace_back();
    r.stage = std::move(name);
    r.t_us = now_us();
    r.tid = tid;
    if (!read_goid) return r;
    if (auto g = rt().g_on_thread(tid)) r.goid = rt().goid_of(*g);
    return r;
  }
  const user_regs_struct& regs(pid_t tid) { return s_.process().regs(tid); }
  std::optional<std::uint64_t> word(std::uint64_t a) {
    return s_.process().read_value<std::uint64_t>(virt_addr(a));
  }
  // The one reader of the runtime (kept by the session for the process's life).
  go_runtime& rt() { return s_.runtime(); }

  int arm(virt_addr a, bool once, pid_t only_tid, std::function<void(pid_t)> fn);
  std::optional<virt_addr> function_address(std::string_view name, bool past_prologue);
  bool arm_function(std::string_view name, bool past_prologue, bool once, pid_t only_tid,
                    std::function<void(pid_t)> fn);
  // At a function's entry on tid: a one-shot stop at its return address on the same thread.
  void arm_return(pid_t tid, std::function<void(pid_t)> fn);
  void disarm_all();
  std::optional<std::string> caller_of(pid_t tid, std::initializer_list<std::string_view> skip);
  json argv_from(std::uint64_t argv, std::uint64_t argc);
  std::optional<pid_t> thread_running_goroutine(std::int64_t goid);

  void arm_chain();
  void on_entry_stop();
  void on_clone(pid_t parent, pid_t child);
  void on_newproc(pid_t tid);
  void on_newproc1(pid_t tid);
  void on_doinit(const std::string& fn_name, pid_t tid);
  void on_main_main(pid_t tid);
  void name_threads_from_stacks();
  void on_until(pid_t tid);

  session& s_;
  startup_options o_;
  steady::time_point t0_;
  steady::duration paused_{};
  std::optional<steady::time_point> stopped_at_;
  std::map<pid_t, stage_rec*> newproc_waiting_;  // newproc stages waiting for newproc1's g
  pid_t pid_ = 0;
  std::deque<stage_rec> stages_;  // deque: references stay valid as stages are added
  std::vector<startup_thread> threads_;
  std::map<int, std::shared_ptr<armed>> armed_;
  std::set<std::pair<pid_t, std::uint64_t>> pending_newproc_;
  std::optional<std::int32_t> ncpu_from_call_, nprocs_from_call_;
  bool gcenable_seen_ = false;
  stage_rec* init_phase_ = nullptr;  // the doInit stage of the phase in progress
  std::string init_phase_name_;
  int init_calls_in_flight_ = 0;
  bool done_ = false;
  std::optional<int> minor_;
};

int machine::arm(virt_addr a, bool once, pid_t only_tid, std::function<void(pid_t)> fn) {
  auto st = std::make_shared<armed>();
  st->once = once;
  st->only_tid = only_tid;
  st->fn = std::move(fn);
  int h = s_.add_internal_stop(a, [this, st](pid_t tid) {
    if (st->once && st->fired) return false;
    if (st->only_tid && tid != st->only_tid) return false;
    note_stopped();  // the time of the hit, before every other thread is stopped
    return true;
  });
  armed_[h] = st;
  return h;
}

std::optional<virt_addr> machine::function_address(std::string_view name, bool past_prologue) {
  auto f = s_.bin().function_by_name(name);
  if (!f) return std::nullopt;
  if (past_prologue) {
    if (auto a = s_.function_breakpoint_address(*f)) return virt_addr(*a);
  }
  return s_.bias().to_virt(f->entry);
}

bool machine::arm_function(std::string_view name, bool past_prologue, bool once, pid_t only_tid,
                           std::function<void(pid_t)> fn) {
  auto a = function_address(name, past_prologue);
  if (!a) return false;
  arm(*a, once, only_tid, std::move(fn));
  return true;
}

void machine::arm_return(pid_t tid, std::function<void(pid_t)> fn) {
  auto ret = word(regs(tid).rsp);
  if (!ret || !*ret) return;
  arm(virt_addr(*ret), true, tid, std::move(fn));
}

void machine::disarm_all() {
  for (auto& [h, a] : armed_) s_.remove_internal_stop(h);
  armed_.clear();
}

// The first caller on tid's stack whose function is not in `skip` (frame 0 included).
std::optional<std::string> machine::caller_of(pid_t tid,
                                              std::initializer_list<std::string_view> skip) {
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

json machine::argv_from(std::uint64_t argv, std::uint64_t argc) {
  json::list out;
  for (std::uint64_t i = 0; i < argc && i < 1024; ++i) {
    auto p = word(argv + 8 * i);
    std::optional<std::string> sv;
    if (p && *p) sv = rt().read_c_string(*p);
    out.push_back(opt(sv));
  }
  return json(std::move(out));
}

std::optional<pid_t> machine::thread_running_goroutine(std::int64_t goid) {
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
void machine::on_entry_stop() {
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

void machine::on_clone(pid_t parent, pid_t child) {
  // The parent is stopped in runtime.clone's SYSCALL: R13 holds the new M (runtime.clone copies
  // mp there for the child), for Go 1.19 through 1.26.
  auto& r = add("clone", child, false);
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
  auto by = caller_of(
      parent, {"runtime.clone", "runtime.newosproc", "runtime.retryOnEAGAIN", "runtime.newm1",
               "runtime.newm", "runtime.allocm", "runtime.startm", "runtime.systemstack"});
  r.put("created_by", opt(by));
  startup_thread t;
  t.tid = child;
  t.parent = parent;
  t.born_us = r.t_us;
  t.name = mid ? fmt::format("M{}", *mid) : fmt::format("thread {}", child);
  if (startfn) t.name += " " + *startfn;
  threads_.push_back(t);
}

// runtime.newproc(fn *funcval), ABIInternal: fn in RAX at the entry. The new g is in the P's
// runnext when newproc returns (runqput(pp, newg, true)).
void machine::on_newproc(pid_t tid) {
  const auto& rg = regs(tid);
  auto ret = word(rg.rsp);
  if (!ret) return;
  // A second entry from the same call: morestack restarted newproc after growing the stack.
  if (!pending_newproc_.insert({tid, *ret}).second) return;
  auto& r = add("runtime.newproc", tid);
  std::optional<std::uint64_t> fn_pc;
  if (rg.rax) fn_pc = word(rg.rax);
  std::optional<std::string> start;
  if (fn_pc) start = rt().physical_function_name(*fn_pc);
  r.put("new_goid", nullptr);
  r.put("start_function", opt(start));
  r.put("created_by", opt(caller_of(tid, {"runtime.newproc"})));
  r.put("startpc", opt(fn_pc));
  newproc_waiting_[tid] = &r;
  std::uint64_t key = *ret;
  arm_return(tid, [this, &r, fn_pc, tid, key](pid_t) {
    pending_newproc_.erase({tid, key});
    newproc_waiting_.erase(tid);
    r.dur_us = now_us() - r.t_us;
    if (!r.get("new_goid").is_null()) return;
    // newproc1's return was missed: the g newproc put in its P's runnext.
    auto g = rt().g_on_thread(tid);
    if (!g) return;
    auto next = rt().runnext_of_g(*g);
    if (!next) return;
    auto startpc = rt().g_startpc(*next);
    if (fn_pc && startpc && *startpc == *fn_pc) r.put("new_goid", opt(rt().goid_of(*next)));
  });
}

// newproc1(fn, callergp, callerpc, ...) *g returns the new g in RAX, on the same thread as the
// newproc that called it (through systemstack, which changes stacks, not threads).
void machine::on_newproc1(pid_t tid) {
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

// Package init: runtime.main calls doInit (Go < 1.21: once for the runtime's task, once for
// main's) or doInit1 (Go >= 1.21, doInit inlined: once per package task). Calls from
// runtime.main before gcenable are the runtime's init, after it main's (and its imports').
void machine::on_doinit(const std::string& fn_name, pid_t tid) {
  auto ret = word(regs(tid).rsp);
  if (!ret) return;
  auto caller = rt().physical_function_name(*ret - 1);
  if (!caller || *caller != "runtime.main") return;
  std::string phase = gcenable_seen_ ? "main" : "runtime";
  if (!init_phase_ || init_phase_name_ != phase) {
    init_phase_ = &add(fn_name, tid);
    init_phase_name_ = phase;
    init_phase_->put("package", phase);
    init_phase_->put("tasks", nullptr);
  }
  stage_rec* r = init_phase_;
  if (fn_name == "runtime.doInit1") {
    auto n = r->get("tasks");
    r->put("tasks", n.is_null() ? 1 : n.integer().value_or(0) + 1);
  } else if (minor_ && *minor_ >= 21) {
    r->put("tasks", regs(tid).rbx);  // doInit(ts []*initTask): len(ts) in RBX
  }
  arm_return(tid, [this, r](pid_t) { r->dur_us = now_us() - r->t_us; });
}

// Without DWARF the M's start function (m.mstartfn) cannot be read at the clone; once every
// thread is stopped, a thread's own stack tells: the frame mstart1 called is that function
// (runtime.sysmon, runtime.templateThread) or, for an M that runs goroutines, runtime.schedule.
void machine::name_threads_from_stacks() {
  std::map<int, std::string> found;
  for (auto& r : stages_) {
    if (r.stage != "clone" || !r.get("mstartfn").is_null()) continue;
    if (!s_.process().has_thread(r.tid)) continue;
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
        if (fn != "runtime.schedule") {
          r.put("mstartfn", fn);
          found[r.tid] = fn;
        }
        break;
      }
  }
  for (auto& t : threads_)
    if (auto it = found.find(t.tid); it != found.end()) t.name += " " + it->second;
}

void machine::on_main_main(pid_t tid) {
  auto& r = add("main.main", tid);
  name_threads_from_stacks();
  auto& proc = s_.process();
  r.put("goid", opt(r.goid));
  r.put("tid", tid);
  r.put("main_thread", tid == pid_);
  r.put("threads", proc.thread_ids().size());
  r.put("Ms", opt(rt().m_count()));
  r.put("goroutines", opt(rt().goroutine_count()));
  // Checked before the run began, so arming cannot fail here; if it did, stop at main.main.
  done_ = !o_.until || !arm_function(*o_.until, true, true, 0, [this](pid_t t) { on_until(t); });
}

void machine::on_until(pid_t tid) {
  auto& r = add(*o_.until, tid);
  r.put("until", true);
  r.put("goid", opt(r.goid));
  r.put("tid", tid);
  r.put("main_thread", tid == pid_);
  r.put("goroutine1_thread", opt(thread_running_goroutine(1)));
  r.put("threads", s_.process().thread_ids().size());
  done_ = true;
}

void machine::arm_chain() {
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
    arm_return(t, [this, &r](pid_t) { r.dur_us = now_us() - r.t_us; });
  });
  // runtime.args(c int32, v **byte): ABIInternal, c in AX, v in BX.
  arm_function("runtime.args", false, true, 0, [this](pid_t t) {
    auto& r = add("runtime.args", t);
    const auto& rg = regs(t);
    auto argc = std::int32_t(rg.rax);
    r.put("argc", argc);
    r.put("argv", argc >= 0 ? argv_from(rg.rbx, std::uint64_t(argc)) : json(nullptr));
    arm_return(t, [this, &r](pid_t) { r.dur_us = now_us() - r.t_us; });
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
      r.dur_us = now_us() - r.t_us;
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
      r.dur_us = now_us() - r.t_us;
      auto gmp = rt().gomaxprocs();
      r.put("gomaxprocs", gmp ? json(*gmp) : opt(nprocs_from_call_));
      r.put("Ps", opt(rt().nprocs()));
      r.put("GOMAXPROCS_env", opt(env_var(pid_, "GOMAXPROCS")));
    });
  });
  arm_function("runtime.newproc", false, false, 0, [this](pid_t t) { on_newproc(t); });
  arm_function("runtime.newproc1", false, false, 0, [this](pid_t t) { on_newproc1(t); });
  arm_function("runtime.mstart", false, true, pid_, [this](pid_t t) { add("runtime.mstart", t); });
  arm_function("runtime.main", true, true, 0, [this](pid_t t) {
    auto& r = add("runtime.main", t);
    r.put("goid", opt(r.goid));
    r.put("threads", s_.process().thread_ids().size());
  });
  for (std::string f : {"runtime.doInit", "runtime.doInit1"})
    arm_function(f, false, false, 0, [this, f](pid_t t) { on_doinit(f, t); });
  arm_function("runtime.gcenable", false, true, 0, [this](pid_t t) {
    gcenable_seen_ = true;
    auto& r = add("runtime.gcenable", t);
    arm_return(t, [this, &r](pid_t) { r.dur_us = now_us() - r.t_us; });
  });
  if (!arm_function("main.main", true, true, 0, [this](pid_t t) { on_main_main(t); }))
    fail("startup: {} has no main.main", s_.bin().path());
}

startup_result machine::run() {
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
    machine* m;
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
  arm_chain();
  // The clock starts when the program is let go (arming reads symbols, which takes a while).
  t0_ = steady::now();
  stopped_at_ = t0_;
  if (proc.pc(s_.current_tid()) == s_.bias().to_virt(s_.bin().elf().entry()).value())
    on_entry_stop();

  startup_result res;
  using k = inferior_event::kind;
  while (!done_) {
    note_resumed();
    auto o = s_.run_until({});
    note_stopped();
    const auto& ev = o.ev;
    if (ev.what != k::breakpoint) {
      res.stopped_by = o;
      break;
    }
    const std::vector<int>& hits = o.internal;
    for (int h : hits) {
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
    if (hits.empty() || !o.breakpoints.empty()) {
      res.stopped_by = o;
      break;
    }
    if (done_) res.final_event = o;
  }
  res.complete = done_;
  res.pid = pid_;
  res.program = s_.bin().path();
  for (auto& r : stages_) {
    startup_stage st;
    st.stage = r.stage;
    st.t_us = r.t_us;
    st.tid = r.tid;
    st.goid = r.goid;
    st.summary = summarize(r, pid_);
    st.values = r.values;
    if (r.dur_us) st.values.emplace_back("duration_us", *r.dur_us);
    res.stages.push_back(std::move(st));
    res.durations_us.push_back(r.dur_us);
  }
  res.threads = threads_;
  return res;
}

}  // namespace

startup_result trace_startup(session& s, const startup_options& o) {
  if (!s.has_process()) fail("startup: the program is not running");
  if (!s.bin().is_go()) fail("startup: {} is not a Go program", s.bin().path());
  startup_options opts = o;
  if (opts.until && (*opts.until == "main.main" || *opts.until == "main")) opts.until.reset();
  machine m(s, opts);
  return m.run();
}

std::optional<bool> startup_already_done(session& s) {
  if (!s.has_process()) return false;
  auto& rt = s.runtime();
  if (auto started = rt.main_started()) return *started;
  // Without symbols: runtime.main has started once goroutine 1 exists on some thread or a
  // second thread (sysmon) does.
  auto& proc = s.process();
  if (proc.thread_ids().size() > 1) return true;
  for (pid_t t : proc.thread_ids())
    if (auto g = rt.g_on_thread(t))
      if (auto id = rt.goid_of(*g); id && *id >= 1) return true;
  return std::nullopt;
}

}  // namespace godbg
