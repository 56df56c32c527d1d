// The program called execve: the image godbg loaded is gone. As gdb does, the new program is
// loaded from /proc/PID/exe, its load bias taken from the new auxv, and every user breakpoint set
// again from the location the user wrote; one that names nothing in the new program stays
// pending (no sites) until the next exec. `*ADDR` breakpoints stay pending: an address of the
// old image means nothing in the new one. Internal stops (startup stages, finish) and the Go
// runtime's cached state belonged to the old image and are dropped.
#include <filesystem>

#include "common/error.hpp"
#include "debugger/session.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

void session::on_exec(stop_record& rec) {
  pid_t pid = proc_->pid();
  forget_libraries();  // before internal_ goes: it holds the r_brk stop
  internal_.clear();
  in_target_.exit_stop.reset();  // an internal stop, gone with internal_
  in_target_.traces.clear();
  traps_.forget();
  site_refs_.clear();  // the inferior dropped its int3 sites with the old address space
  runtime_.reset();
  current_tid_ = pid;
  current_frame_ = 0;
  selected_goroutine_.reset();

  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  try {
    if (ec) fail("cannot read /proc/{}/exe: {}", pid, ec.message());
    load(exe.string());
    bias_ = bias_in(pid);
  } catch (const error& e) {
    // Nothing to describe the new program with: pcs stay bare, as for an unknown binary.
    rec.warnings.push_back(fmt::format("after exec: {}", e.what()));
    bin_.reset();
    bias_ = load_bias(0);
  }
  rec.exec_path = exe.string();

  resolve_breakpoints_again(false, &rec.warnings);
  if (bin_) traps_.install(*this);
}

void session::resolve_breakpoints_again(bool addresses, std::vector<std::string>* warnings) {
  for (int id : breakpoints_.ids()) {
    auto* bp = breakpoints_.find(id);
    bp->pending_returns.clear();  // internal stops, dropped above
    if (bp->kind == breakpoint_kind::watchpoint) {
      // Its memory went with the old image (the kernel cleared the debug registers too).
      if (warnings)
        warnings->push_back(
            fmt::format("watchpoint {} ({}) deleted: the memory it watched is gone", id, bp->spec));
      breakpoints_.remove(id);
      continue;
    }
    bp->sites.clear();
    if (!bin_ || bp->spec.empty() || (bp->spec[0] == '*' && !addresses)) continue;
    std::vector<virt_addr> sites;
    try {
      sites = resolve_location(bp->spec);
      if (bp->enabled)
        for (auto a : sites) retain_site(a);
    } catch (const error&) {
      if (bp->enabled)
        for (auto a : sites) release_site(a);
      continue;  // pending: nothing of that name in the new program
    }
    bp->sites = sites;
  }
}

session_start session::restart(const std::optional<std::vector<std::string>>& program_args) {
  if (!bin_) fail("no program loaded");
  if (has_process()) {
    if (!proc_->launched())
      fail("restart: godbg attached to process {}; detach first, then run it", proc_->pid());
    kill();
  }
  std::vector<std::string> argv = args_.empty() ? std::vector<std::string>{bin_->path()} : args_;
  if (program_args) {
    argv.resize(1);
    argv.insert(argv.end(), program_args->begin(), program_args->end());
  }
  // Every int3 site and internal stop belonged to the old process (and, for PIE, its addresses).
  internal_.clear();
  traps_.forget();
  site_refs_.clear();
  for (int id : breakpoints_.ids()) {
    auto* bp = breakpoints_.find(id);
    bp->sites.clear();
    bp->hits = 0;
  }
  auto out = launch(argv, launch_options_);
  resolve_breakpoints_again(true);
  return out;
}

}  // namespace godbg
