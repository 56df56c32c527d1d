#include "debugger/session.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <utility>

#include "arch_amd64/go_prologue.hpp"
#include "common/error.hpp"
#include "debugger/breakpoints/tracepoints.hpp"
#include "debugger/breakpoints/watchpoints.hpp"
#include "debugger/describe.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "goruntime/go_runtime.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

session::session() = default;

void session::set_in_target(bool on) {
  in_target_.on = on;
  in_target_.off_by.reset();
  // Off takes the jumps out now when the program is stopped (or paused for it); on puts them
  // in at the next resume.
  if (has_process() && !running()) sync_in_target(*this);
}

session::~session() {
  proc_.reset();  // the process first: it may still write into the pipes
  close_output();
}

void session::close_output() {
  for (int fd : {output_.first, output_.second})
    if (fd != -1) ::close(fd);
  output_ = {-1, -1};
}

const binary& session::bin() const {
  if (!bin_) fail("no program loaded");
  return *bin_;
}

inferior& session::process() {
  if (core_) fail_in_core();
  if (!proc_ || !proc_->alive()) fail("the program is not running");
  return *proc_;
}

go_runtime& session::runtime() {
  if (!runtime_) runtime_ = std::make_unique<go_runtime>(bin(), bias_, program());
  return *runtime_;
}

std::vector<std::string> session::load(const std::string& path) {
  forget_libraries();
  bin_ = binary::open(path);
  runtime_.reset();
  return bin_->warnings();
}

// The kernel tells where the program's entry landed: the load bias of a PIE binary.
load_bias session::bias_in(pid_t pid) const {
  std::ifstream in("/proc/" + std::to_string(pid) + "/auxv", std::ios::binary);
  std::uint64_t kv[2];
  while (in.read(reinterpret_cast<char*>(kv), sizeof kv)) {
    if (kv[0] == 9 /*AT_ENTRY*/) return load_bias(kv[1] - bin_->elf().entry().value());
    if (kv[0] == 0) break;
  }
  return load_bias(0);
}

start_record session::start_of(pid_t pid, const std::string& path, bool attached) {
  start_record rec;
  rec.pid = pid;
  rec.path = path;
  rec.attached = attached;
  if (attached) rec.threads = int(proc_->thread_ids().size());
  if (bin_) {
    rec.go_version = bin_->go_version();
    rec.is_go = bin_->is_go();
    rec.symbols = bin_->symbol_source();
    if (rec.is_go)
      if (auto src = runtime().layout_source()) {
        rec.layout_detail = *src;
        rec.layout = src->starts_with("inferred")  ? "inferred"
                     : src->starts_with("table (") ? "guessed"
                                                   : src->substr(0, src->find(' '));
      }
  } else {
    rec.symbols = "none";
  }
  return rec;
}

session_start session::launch(const std::vector<std::string>& args, const launch_options& opts) {
  if (!bin_ || args.empty()) fail("no program loaded");
  if (core_) fail_in_core();
  if (has_process()) fail("the program is already running; kill it first");
  args_ = args;
  launch_options_ = opts;
  close_output();
  proc_ = inferior::launch(bin_->path(), args, opts);
  output_ = proc_->release_output();
  current_tid_ = proc_->pid();
  current_frame_ = 0;
  selected_goroutine_.reset();
  bias_ = bias_in(proc_->pid());
  for (auto& [addr, refs] : site_refs_) proc_->add_site(virt_addr(addr));
  run_to_entry();
  forget_libraries();
  note_libraries();
  // The entry stop is a stop like any other: a continue from it executes a breakpoint set at
  // the entry instead of reporting it without running anything (as gdb and Delve do).
  proc_->mark_reported(current_tid_);
  traps_.install(*this);
  session_start out;
  out.start = start_of(proc_->pid(), bin_->path(), false);
  out.stop.reason = stop_reason::entry;
  out.stop.tid = current_tid_;
  out.stop.where = describe(proc_->pc(current_tid_));
  out.stop.goid = runtime().curg_goid_on_thread(current_tid_);
  return out;
}

// A dynamically linked program (PIE Go binaries are) starts in ld.so: run it to the program's
// own first instruction, where a statically linked one already is.
void session::run_to_entry() {
  virt_addr entry = bias_.to_virt(bin_->elf().entry());
  if (proc_->pc(current_tid_) == entry.value()) return;
  bool had = proc_->is_site(entry);
  if (!had) proc_->add_site(entry);
  for (;;) {
    auto ev = proc_->resume([&](pid_t, virt_addr a) { return a == entry; });
    if (ev.what == inferior_event::kind::breakpoint) {
      current_tid_ = ev.tid;
      break;
    }
    if (ev.what == inferior_event::kind::exited || ev.what == inferior_event::kind::killed)
      fail("{} ended before reaching its entry point", bin_->path());
    if (ev.what == inferior_event::kind::interrupt)
      fail("{}: interrupted before reaching its entry point", bin_->path());
  }
  if (!had) proc_->remove_site(entry);
}

session_start session::attach(pid_t pid) {
  if (core_) fail_in_core();
  if (has_process()) fail("already debugging process {}", proc_->pid());
  std::string exe;
  {
    std::error_code ec;
    auto link = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
    if (!ec) exe = link.string();
  }
  if (!exe.empty() && !bin_) load(exe);
  proc_ = inferior::attach(pid);
  try {
    current_tid_ = pid;
    current_frame_ = 0;
    if (bin_) {
      bias_ = bias_in(pid);
      for (auto& [addr, refs] : site_refs_) proc_->add_site(virt_addr(addr));
      forget_libraries();
      note_libraries();
      traps_.install(*this);
    }
    session_start out;
    out.start = start_of(pid, exe, true);
    out.stop.reason = stop_reason::interrupt;
    out.stop.tid = current_tid_;
    out.stop.where = describe(proc_->pc(current_tid_));
    if (bin_) out.stop.goid = runtime().curg_goid_on_thread(current_tid_);
    return out;
  } catch (const error&) {
    // Killed between the seizure and the first look at it: that is what to say.
    if (!proc_->ended_now(1000)) throw;
    after_exit();
    fail("attach {}: the process ended during the attach", pid);
  }
}

void session::select_thread(pid_t tid) {
  if (!program().has_thread(tid)) fail("no thread {}", tid);
  current_tid_ = tid;
  current_frame_ = 0;
  selected_goroutine_.reset();
}

// Which of the things waiting at an int3 want this hit reported. User breakpoints count their
// hits here, so a hit that only an internal stop wanted is still counted. What wanted it is
// written to `o`, the outcome of this run.
bool session::on_hit(pid_t tid, virt_addr site, const inferior::hit_filter& extra, outcome& o) {
  // Only this thread is stopped, the others run: a site added or removed here (a traced call's
  // return) is written as they run, never by stopping and restarting them all.
  ++pause_depth_;
  struct undo {
    int& n;
    ~undo() { --n; }
  } depth{pause_depth_};
  o.breakpoints.clear();
  o.internal.clear();
  services_.clear();
  extra_wanted_ = false;
  bool stop = false;
  for (auto* bp : breakpoints_.at(site)) {
    if (!bp->enabled) continue;
    if (bp->condition_tree) {
      auto verdict = breakpoint_condition_holds(*this, tid, *bp->condition_tree);
      if (verdict.warning) o.warnings.push_back(*verdict.warning);
      if (!verdict.holds) continue;
    }
    if (!bp->count_hit()) continue;
    if (bp->kind == breakpoint_kind::tracepoint) {
      trace_call(*this, *bp, tid, site, o);  // a line, and the program goes on
      continue;
    }
    o.breakpoints.push_back(bp->id);
    stop = true;
  }
  for (auto& [handle, s] : internal_)
    if (s.addr == site && s.wants(tid)) {
      (s.act ? services_ : o.internal).push_back(handle);
      stop = true;
    }
  if (extra && extra(tid, site)) stop = extra_wanted_ = true;
  for (int h : std::exchange(retired_, {})) remove_internal_stop(h);
  return stop;
}

session::outcome session::run_until(const inferior::hit_filter& extra) {
  auto& proc = process();  // first: a core session fails with its selection untouched
  current_frame_ = 0;
  selected_goroutine_.reset();
  outcome o;
  do {
    services_.clear();
    o.watch.reset();
    sync_in_target(*this);
    o.ev = proc.resume([&](pid_t tid, virt_addr a) { return on_hit(tid, a, extra, o); },
                       [&](pid_t tid, unsigned slots) { return watch_hit(*this, tid, slots, o); },
                       front_end_);
  } while (serviced(o));
  if (o.ev.what != inferior_event::kind::breakpoint &&
      o.ev.what != inferior_event::kind::watchpoint) {
    o.breakpoints.clear();
    o.internal.clear();
  }
  if (proc_->alive()) current_tid_ = o.ev.tid;
  drain_in_target(*this);  // the records up to the stop, before it is reported
  warn_of_drops(*this, o.warnings);
  return o;
}

session::outcome session::single_step(pid_t tid) {
  outcome o;
  o.ev = process().single_step(tid);
  current_frame_ = 0;
  // The stepped instruction touched a watched address: said as the watchpoint it is.
  if (o.ev.what == inferior_event::kind::watchpoint &&
      !watch_hit(*this, tid, unsigned(o.ev.code), o))
    o.ev.what = inferior_event::kind::step;
  return o;
}

// A stop only service stops wanted (a watched stack moving, say): their work is done with every
// thread stopped, and true says the program goes on, nobody else having wanted the stop.
bool session::serviced(outcome& o) {
  if (o.ev.what != inferior_event::kind::breakpoint || services_.empty()) return false;
  bool report = !o.breakpoints.empty() || !o.internal.empty() || extra_wanted_;
  if (run_service(std::exchange(services_, {}), o)) report = true;
  return !report && proc_->alive();
}

run_result session::resume() {
  return to_result(run_until({}));
}

void session::begin_resume() {
  auto& proc = process();  // first: a core session fails with its selection untouched
  current_frame_ = 0;
  selected_goroutine_.reset();
  running_outcome_ = outcome{};
  services_.clear();
  sync_in_target(*this);
  proc.begin_resume(
      [this](pid_t tid, virt_addr a) { return on_hit(tid, a, {}, running_outcome_); },
      [this](pid_t tid, unsigned slots) { return watch_hit(*this, tid, slots, running_outcome_); });
}

std::optional<session::outcome> session::poll_outcome(bool block) {
  if (!proc_ || !proc_->running()) fail("the program is not running");
  auto ev = proc_->poll(block);
  if (!ev) return std::nullopt;
  running_outcome_.ev = *ev;
  if (serviced(running_outcome_)) {
    // The debugger's own stop: the program goes on, what the run gathered kept.
    auto warnings = std::move(running_outcome_.warnings);
    begin_resume();
    running_outcome_.warnings = std::move(warnings);
    return block ? poll_outcome(true) : std::nullopt;
  }
  outcome o = std::move(running_outcome_);
  running_outcome_ = outcome{};
  if (o.ev.what != inferior_event::kind::breakpoint &&
      o.ev.what != inferior_event::kind::watchpoint) {
    o.breakpoints.clear();
    o.internal.clear();
  }
  if (proc_->alive()) current_tid_ = o.ev.tid;
  drain_in_target(*this);
  warn_of_drops(*this, o.warnings);
  return o;
}

std::optional<run_result> session::poll_resume(bool block) {
  auto o = poll_outcome(block);
  if (!o) return std::nullopt;
  return to_result(*o);
}

void session::interrupt() {
  inferior::request_interrupt();
}

int session::wait_fd() {
  return process().wait_fd();
}

template <typename F>
void session::while_paused(F&& change) {
  // Nested (a watchpoint's set-up adds int3 sites): only the outermost stops and restarts.
  bool paused = pause_depth_ == 0 && proc_ && proc_->alive() && proc_->running();
  if (paused) proc_->pause_running();
  struct depth {
    int& n;
    explicit depth(int& d) : n(d) { ++n; }
    ~depth() { --n; }
  };
  try {
    depth inside(pause_depth_);
    change();
    // Every thread is stopped: the change's effect on in-target sites now, not at the next stop.
    if (paused && proc_->alive()) sync_in_target(*this);
  } catch (...) {
    if (paused) proc_->continue_after_pause();
    throw;
  }
  if (paused) proc_->continue_after_pause();
}

void session::paused(const std::function<void()>& change) {
  while_paused(change);
}

run_result session::to_result(const outcome& o) {
  using k = inferior_event::kind;
  const auto& ev = o.ev;
  if (ev.what == k::exited || ev.what == k::killed) {
    exit_record rec;
    if (ev.what == k::exited)
      rec.status = ev.code;
    else if (ev.code)  // 0: gone, how is not known (inferior::wait_any)
      rec.signal = ev.code;
    after_exit();
    return rec;
  }
  stop_record rec;
  rec.tid = ev.tid;
  rec.warnings = o.warnings;
  switch (ev.what) {
    case k::breakpoint:
      rec.reason = stop_reason::breakpoint;
      break;
    case k::step:
      rec.reason = stop_reason::step;
      break;
    case k::signal:
      rec.reason = stop_reason::signal;
      rec.signal = ev.code;
      break;
    case k::interrupt:
      rec.reason = stop_reason::interrupt;
      break;
    case k::exec:
      rec.reason = stop_reason::exec;
      break;
    case k::watchpoint:
      rec.reason = stop_reason::watchpoint;
      break;
    case k::trap:
      rec.reason = stop_reason::breakpoint;
      rec.trap = true;
      runtime_traps::leave_breakpoint_function(*this, ev.tid);
      break;
    default:
      break;
  }
  if (ev.what == k::exec) on_exec(rec);
  note_libraries();  // a program stopped in ld.so at its start has them by its next stop
  std::optional<int> temp_to_delete;
  std::uint64_t pc = process().pc(ev.tid);
  rec.where = describe(pc);
  if (ev.what == k::breakpoint) {
    rec.breakpoints = o.breakpoints;
    rec.internal_stops = o.internal;
    if (!o.breakpoints.empty()) {
      rec.breakpoint = o.breakpoints.front();
      if (auto* bp = breakpoints_.find(*rec.breakpoint)) {
        rec.hits = bp->hits;
        if (bp->temporary) temp_to_delete = bp->id;
        // Said as the breakpoint was asked for: `break main.main` hits in main.main.
        rec.where = describe_site(*bp, virt_addr(pc));
      }
    } else if (!o.internal.empty()) {
      rec.reason = stop_reason::step;
    }
    traps_.describe(*this, o.internal, ev.tid, rec);
  }
  if (o.watch) {
    rec.reason = stop_reason::watchpoint;
    rec.watch = o.watch;
    if (auto* wp = breakpoints_.find(o.watch->id)) rec.hits = wp->hits;
    // A watched local whose frame returned: gone, as in gdb and Delve.
    if (o.watch->out_of_scope) temp_to_delete = o.watch->id;
  }
  rec.goid = runtime().curg_goid_on_thread(ev.tid);
  if (temp_to_delete) delete_breakpoint(*temp_to_delete);
  return rec;
}

void session::after_exit() {
  forget_program_state();
  proc_.reset();
  forget_libraries();
  runtime_.reset();
  current_frame_ = 0;
  selected_goroutine_.reset();
}

run_result session::step_instruction() {
  return to_result(single_step(current_tid_));
}

void session::kill() {
  drain_in_target(*this);  // what the rings hold is said before the program goes
  process().kill();
  after_exit();
}

void session::detach() {
  drain_in_target(*this);
  process().detach();
  after_exit();
}

std::optional<exit_record> session::take_exit(int grace_ms) {
  if (!proc_ || proc_->running()) return std::nullopt;
  if (proc_->alive() && !proc_->ended_now(grace_ms)) return std::nullopt;
  auto ev = proc_->take_end();
  after_exit();
  if (!ev) return std::nullopt;
  exit_record rec;
  if (ev->what == inferior_event::kind::exited)
    rec.status = ev->code;
  else if (ev->code)
    rec.signal = ev->code;
  return rec;
}

// Sites.
void session::retain_site(virt_addr a) {
  int before = site_refs_[a.value()]++;
  // A second holder wants every hit: the jump becomes an int3 at once (one byte, safe while
  // the threads run).
  if (before > 0 && has_process() && proc_->in_target(a)) {
    proc_->remove_in_target(a);
    in_target_.installed.erase(a.value());
  }
  if (before == 0 && has_process()) {
    try {
      while_paused([&] { proc_->add_site(a); });
    } catch (...) {
      if (--site_refs_[a.value()] == 0) site_refs_.erase(a.value());
      throw;
    }
  }
}

void session::release_site(virt_addr a) {
  auto it = site_refs_.find(a.value());
  if (it == site_refs_.end()) return;
  if (--it->second == 0) {
    site_refs_.erase(it);
    if (has_process()) while_paused([&] { proc_->remove_site(a); });
  }
}

user_breakpoint& session::add_breakpoint(const std::string& spec, bool temporary) {
  auto where = resolve(spec);
  if (where.sites.empty()) fail("{}: no code at that location", spec);
  // Check the int3s can go in before recording anything.
  for (auto a : where.sites) retain_site(a);
  auto& bp = breakpoints_.add(spec, where.sites, temporary);
  bp.function = where.function;
  bp.function_sites = where.function_sites;
  return bp;
}

void session::delete_breakpoint(int id) {
  auto* bp = breakpoints_.find(id);
  if (!bp) fail("no breakpoint {}", id);
  drop_breakpoint_state(*bp);
  if (bp->enabled)
    for (auto a : bp->sites) release_site(a);
  breakpoints_.remove(id);
}

int session::add_internal_stop(virt_addr a, std::function<bool(pid_t)> wants) {
  retain_site(a);
  int h = next_internal_++;
  internal_[h] = internal_stop{a, std::move(wants), {}};
  return h;
}

void session::remove_internal_stop(int handle) {
  auto it = internal_.find(handle);
  if (it == internal_.end()) return;
  release_site(it->second.addr);
  internal_.erase(it);
}

}  // namespace godbg
