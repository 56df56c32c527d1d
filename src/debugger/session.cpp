#include "debugger/session.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "arch_amd64/go_prologue.hpp"
#include "common/error.hpp"
#include "debugger/describe.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "goruntime/go_runtime.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

session::session() = default;
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
  if (!proc_ || !proc_->alive()) fail("the program is not running");
  return *proc_;
}

go_runtime& session::runtime() {
  if (!runtime_) runtime_ = std::make_unique<go_runtime>(bin(), bias_, process());
  return *runtime_;
}

std::vector<std::string> session::load(const std::string& path) {
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
    rec.symbols = bin_->symbol_source();
  } else {
    rec.symbols = "none";
  }
  return rec;
}

session_start session::launch(const std::vector<std::string>& args, const launch_options& opts) {
  if (!bin_ || args.empty()) fail("no program loaded");
  if (has_process()) fail("the program is already running; kill it first");
  args_ = args;
  close_output();
  proc_ = inferior::launch(bin_->path(), args, opts);
  output_ = proc_->release_output();
  current_tid_ = proc_->pid();
  current_frame_ = 0;
  selected_goroutine_.reset();
  bias_ = bias_in(proc_->pid());
  for (auto& [addr, refs] : site_refs_) proc_->add_site(virt_addr(addr));
  run_to_entry();
  session_start out;
  out.start = start_of(proc_->pid(), bin_->path(), false);
  out.stop.reason = stop_reason::entry;
  out.stop.tid = current_tid_;
  out.stop.where = describe(proc_->pc(current_tid_));
  out.stop.goid = runtime().goid_on_thread(current_tid_);
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
  // Stopped before the entry's first instruction ran, as a static program is after exec: a
  // breakpoint there is hit by the next continue.
  proc_->clear_reported(current_tid_);
}

session_start session::attach(pid_t pid) {
  if (has_process()) fail("already debugging process {}", proc_->pid());
  std::string exe;
  {
    std::error_code ec;
    auto link = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
    if (!ec) exe = link.string();
  }
  if (!exe.empty() && !bin_) load(exe);
  proc_ = inferior::attach(pid);
  current_tid_ = pid;
  current_frame_ = 0;
  if (bin_) {
    bias_ = bias_in(pid);
    for (auto& [addr, refs] : site_refs_) proc_->add_site(virt_addr(addr));
  }
  session_start out;
  out.start = start_of(pid, exe, true);
  out.stop.reason = stop_reason::interrupt;
  out.stop.tid = current_tid_;
  out.stop.where = describe(proc_->pc(current_tid_));
  if (bin_) out.stop.goid = runtime().goid_on_thread(current_tid_);
  return out;
}

void session::select_thread(pid_t tid) {
  if (!process().has_thread(tid)) fail("no thread {}", tid);
  current_tid_ = tid;
  current_frame_ = 0;
  selected_goroutine_.reset();
}

// Which of the things waiting at an int3 want this hit reported. User breakpoints count their
// hits here, so a hit that only an internal stop wanted is still counted. What wanted it is
// written to `o`, the outcome of this run.
bool session::on_hit(pid_t tid, virt_addr site, const inferior::hit_filter& extra, outcome& o) {
  o.breakpoints.clear();
  o.internal.clear();
  bool stop = false;
  for (auto* bp : breakpoints_.at(site)) {
    if (!bp->enabled) continue;
    if (bp->condition) {
      auto verdict = breakpoint_condition_holds(*this, tid, *bp->condition);
      if (verdict.warning) o.warnings.push_back(*verdict.warning);
      if (!verdict.holds) continue;
    }
    ++bp->hits;
    o.breakpoints.push_back(bp->id);
    stop = true;
  }
  for (auto& [handle, s] : internal_)
    if (s.addr == site && s.wants(tid)) {
      o.internal.push_back(handle);
      stop = true;
    }
  if (extra && extra(tid, site)) stop = true;
  return stop;
}

session::outcome session::run_until(const inferior::hit_filter& extra) {
  current_frame_ = 0;
  selected_goroutine_.reset();
  outcome o;
  o.ev = process().resume([&](pid_t tid, virt_addr a) { return on_hit(tid, a, extra, o); });
  if (o.ev.what != inferior_event::kind::breakpoint) {
    o.breakpoints.clear();
    o.internal.clear();
  }
  if (proc_->alive()) current_tid_ = o.ev.tid;
  return o;
}

session::outcome session::single_step(pid_t tid) {
  outcome o;
  o.ev = process().single_step(tid);
  current_frame_ = 0;
  return o;
}

run_result session::resume() {
  return to_result(run_until({}));
}

void session::begin_resume() {
  current_frame_ = 0;
  selected_goroutine_.reset();
  running_outcome_ = outcome{};
  process().begin_resume(
      [this](pid_t tid, virt_addr a) { return on_hit(tid, a, {}, running_outcome_); });
}

std::optional<run_result> session::poll_resume(bool block) {
  if (!proc_ || !proc_->running()) fail("the program is not running");
  auto ev = proc_->poll(block);
  if (!ev) return std::nullopt;
  outcome o = std::move(running_outcome_);
  running_outcome_ = outcome{};
  o.ev = *ev;
  if (o.ev.what != inferior_event::kind::breakpoint) {
    o.breakpoints.clear();
    o.internal.clear();
  }
  if (proc_->alive()) current_tid_ = o.ev.tid;
  return to_result(o);
}

void session::interrupt() {
  inferior::request_interrupt();
}

int session::wait_fd() {
  return process().wait_fd();
}

template <typename F>
void session::while_paused(F&& change) {
  bool paused = proc_ && proc_->alive() && proc_->running();
  if (paused) proc_->pause_running();
  try {
    change();
  } catch (...) {
    if (paused) proc_->continue_after_pause();
    throw;
  }
  if (paused) proc_->continue_after_pause();
}

run_result session::to_result(const outcome& o) {
  using k = inferior_event::kind;
  const auto& ev = o.ev;
  if (ev.what == k::exited || ev.what == k::killed) {
    exit_record rec;
    if (ev.what == k::exited)
      rec.status = ev.code;
    else
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
    default:
      break;
  }
  if (ev.what == k::exec) on_exec(rec);
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
  }
  rec.goid = runtime().goid_on_thread(ev.tid);
  if (temp_to_delete) delete_breakpoint(*temp_to_delete);
  return rec;
}

void session::after_exit() {
  proc_.reset();
  runtime_.reset();
  current_frame_ = 0;
  selected_goroutine_.reset();
}

run_result session::step_instruction() {
  return to_result(single_step(current_tid_));
}

void session::kill() {
  process().kill();
  after_exit();
}

void session::detach() {
  process().detach();
  after_exit();
}

// Sites.
void session::retain_site(virt_addr a) {
  if (site_refs_[a.value()]++ == 0 && has_process()) {
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
  return bp;
}

void session::delete_breakpoint(int id) {
  auto* bp = breakpoints_.find(id);
  if (!bp) fail("no breakpoint {}", id);
  for (auto a : bp->sites) release_site(a);
  breakpoints_.remove(id);
}

int session::add_internal_stop(virt_addr a, std::function<bool(pid_t)> wants) {
  retain_site(a);
  int h = next_internal_++;
  internal_[h] = internal_stop{a, std::move(wants)};
  return h;
}

void session::remove_internal_stop(int handle) {
  auto it = internal_.find(handle);
  if (it == internal_.end()) return;
  release_site(it->second.addr);
  internal_.erase(it);
}

}  // namespace godbg
