// The program called execve: the image godbg loaded is gone. As gdb does, the new program is
// loaded from /proc/PID/exe, its load bias taken from the new auxv, and every user breakpoint set
// again from the location the user wrote; one that names nothing in the new program stays
// pending (no sites) until the next exec. `*ADDR` breakpoints stay pending: an address of the
// old image means nothing in the new one. Internal stops (startup stages, finish) and the Go
// runtime's cached state belonged to the old image and are dropped.
#include <filesystem>

#include "common/error.hpp"
#include "goruntime/go_runtime.hpp"
#include "debugger/session.hpp"

namespace godbg {

void session::on_exec(stop_record& rec) {
  pid_t pid = proc_->pid();
  internal_.clear();
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

  for (int id : breakpoints_.ids()) {
    auto* bp = breakpoints_.find(id);
    bp->sites.clear();
    if (!bin_ || bp->spec.empty() || bp->spec[0] == '*') continue;
    std::vector<virt_addr> sites;
    try {
      sites = resolve_location(bp->spec);
      for (auto a : sites) retain_site(a);
    } catch (const error&) {
      for (auto a : sites) release_site(a);
      continue;  // pending: nothing of that name in the new program
    }
    bp->sites = sites;
  }
}

}  // namespace godbg
