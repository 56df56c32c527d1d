#include "process/run_tool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"
#include "process/inferior.hpp"

extern char** environ;

namespace godbg {

namespace {

struct spawn_setup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  spawn_setup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~spawn_setup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

std::optional<std::string> find_in_path(const std::string& name, const std::string& path) {
  for (std::size_t at = 0; at <= path.size();) {
    auto colon = path.find(':', at);
    std::string dir = path.substr(at, colon == std::string::npos ? std::string::npos : colon - at);
    std::string cand = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(cand.c_str(), X_OK) == 0) return cand;
    if (colon == std::string::npos) break;
    at = colon + 1;
  }
  return std::nullopt;
}

}  // namespace

tool_result run_tool(const std::vector<std::string>& argv, const std::optional<std::string>& cwd,
                     const std::optional<std::vector<std::string>>& env) {
  if (argv.empty()) fail("run a tool: no command");
  int out[2];
  if (::pipe2(out, O_CLOEXEC) == -1) fail_errno("create a pipe for {}", argv[0]);
  spawn_setup sp;
  posix_spawn_file_actions_adddup2(&sp.actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&sp.actions, out[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&sp.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (cwd) posix_spawn_file_actions_addchdir_np(&sp.actions, cwd->c_str());
  // godbg blocks SIGCHLD (and SIGPIPE in the DAP server) for itself; the tool gets neither.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGCHLD);
  posix_spawnattr_setsigmask(&sp.attr, &none);
  posix_spawnattr_setsigdefault(&sp.attr, &defaults);
  posix_spawnattr_setflags(&sp.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  auto args = c_strings(argv);
  std::vector<char*> envp = env ? c_strings(*env) : std::vector<char*>{};
  // posix_spawnp searches godbg's PATH; with an environment of its own, the tool's PATH counts.
  std::string exe = argv[0];
  if (env && exe.find('/') == std::string::npos)
    for (auto& e : *env)
      if (e.rfind("PATH=", 0) == 0)
        if (auto found = find_in_path(exe, e.substr(5))) exe = *found;
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, exe.c_str(), &sp.actions, &sp.attr, args.data(),
                          env ? envp.data() : environ);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    errno = rc;
    fail_errno("start {}", argv[0]);
  }
  tool_result res;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n > 0) {
      if (res.output.size() < (1u << 20)) res.output.append(buf, std::size_t(n));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      if (inferior::termination_requested()) ::kill(pid, SIGKILL);
      continue;
    }
    break;
  }
  ::close(out[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) == -1 && errno == EINTR) {
  }
  res.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return res;
}

}  // namespace godbg
