// Starting, attaching, killing and detaching: the life cycle of the traced process.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "common/error.hpp"
#include "process/inferior.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

namespace {

std::set<pid_t> task_ids(pid_t pid) {
  std::set<pid_t> out;
  std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    out.insert(pid_t(std::atoi(e->d_name)));
  }
  closedir(d);
  return out;
}

char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s;
  std::getline(in, s);
  auto close = s.rfind(')');
  if (close == std::string::npos || close + 2 >= s.size()) return '?';
  return s[close + 2];
}

int tracer_of(pid_t pid, pid_t tid = 0) {
  std::ifstream in("/proc/" + std::to_string(pid) +
                   (tid ? "/task/" + std::to_string(tid) : std::string()) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("TracerPid:", 0) == 0) return std::atoi(line.c_str() + 10);
  return 0;
}

thread_state fresh_thread(pid_t tid) {
  thread_state t;
  t.tid = tid;
  return t;
}

int open_mem(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/mem";
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd == -1) fail_errno("open {}", path);
  return fd;
}

// Set by the SIGTERM handler; read by every wait that might not end.
std::atomic<bool> terminate_pending{false};

}  // namespace

void inferior::request_termination() {
  terminate_pending = true;
  request_interrupt();
}

bool inferior::termination_requested() {
  return terminate_pending;
}

std::unique_ptr<inferior> inferior::launch(const std::string& path,
                                           const std::vector<std::string>& args,
                                           const launch_options& opts) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) == -1) fail_errno("create a pipe");
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  if (opts.capture_output && (pipe2(out_pipe, O_CLOEXEC) == -1 || pipe2(err_pipe, O_CLOEXEC) == -1))
    fail_errno("create the pipes for the program's output");
  // Everything the child needs is made before fork: it only calls async-signal-safe functions.
  std::vector<char*> envp;
  if (opts.env) {
    for (auto& e : *opts.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
  }
  pid_t child = fork();
  if (child == -1) fail_errno("fork");
  if (child == 0) {
    // godbg blocks SIGCHLD for its event loop (inferior::wait_fd); the program must not inherit
    // that, nor anything else godbg blocked.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (opts.capture_output) {
      dup2(out_pipe[1], STDOUT_FILENO);
      dup2(err_pipe[1], STDERR_FILENO);
    }
    if (opts.cwd && chdir(opts.cwd->c_str()) == -1) {
      int e = errno;
      (void)!::write(report[1], &e, sizeof e);
      _exit(127);
    }
    // Own process group: Ctrl-C at the terminal reaches godbg, which then stops the program.
    setpgid(0, 0);
    // As gdb does: the same addresses on every run, so a PIE program's breakpoints stay put.
    personality(ADDR_NO_RANDOMIZE);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // Stop before execve so the parent can seize us; every later thread inherits the seizure.
    raise(SIGSTOP);
    if (opts.env)
      execve(path.c_str(), argv.data(), envp.data());
    else
      execv(path.c_str(), argv.data());
    int e = errno;
    (void)!::write(report[1], &e, sizeof e);
    _exit(127);
  }
  close(report[1]);
  std::unique_ptr<inferior> inf(new inferior);
  inf->pid_ = child;
  inf->launched_ = true;
  inf->alive_ = true;
  if (opts.capture_output) {
    close(out_pipe[1]);
    close(err_pipe[1]);
    inf->out_fd_ = out_pipe[0];
    inf->err_fd_ = err_pipe[0];
    fcntl(inf->out_fd_, F_SETFL, O_NONBLOCK);
    fcntl(inf->err_fd_, F_SETFL, O_NONBLOCK);
  }

  int status = 0;
  if (waitpid(child, &status, WUNTRACED) == -1 || !WIFSTOPPED(status)) {
    close(report[0]);
    fail("start {}: the child did not stop before exec", path);
  }
  try {
    ptrace_ops::seize(child);
  } catch (...) {
    ::kill(child, SIGKILL);
    waitpid(child, &status, 0);
    close(report[0]);
    inf->alive_ = false;
    throw;
  }
  ::kill(child, SIGCONT);
  // Run to the exec event, passing along the job-control noise of the SIGSTOP/SIGCONT dance.
  for (;;) {
    auto w = wait_thread(child);
    if (!w) {
      if (terminate_pending) {
        ::kill(child, SIGKILL);
        waitpid(child, &status, __WALL);
        close(report[0]);
        inf->alive_ = false;
        fail("start {}: godbg was told to end before the program reached its exec", path);
      }
      continue;
    }
    if (w->what != wait_result::kind::stopped) {
      int e = 0;
      ssize_t n = ::read(report[0], &e, sizeof e);
      close(report[0]);
      inf->alive_ = false;
      if (n == sizeof e) fail("cannot run {}: {}", path, std::strerror(e));
      fail("cannot run {}: it ended before starting", path);
    }
    if (w->event == PTRACE_EVENT_EXEC) break;
    // Deliver a real signal: an execve that fails past its point of no return (a corrupt
    // program header) kills the child with SIGSEGV; suppressing it restarted the fault forever.
    ptrace_ops::cont(child, w->event == 0 && w->code != SIGSTOP ? w->code : 0);
  }
  close(report[0]);
  thread_state t;
  t.tid = child;
  t.stopped = true;
  inf->threads_[child] = t;
  inf->mem_fd_ = open_mem(child);
  return inf;
}

std::unique_ptr<inferior> inferior::attach(pid_t pid) {
  if (pid <= 0) fail("attach {}: not a process id", pid);
  if (::kill(pid, 0) == -1 && errno == ESRCH) fail("attach {}: no such process", pid);
  if (pid == getpid()) fail("attach {}: that is godbg itself", pid);
  if (process_state(pid) == 'Z') fail("attach {}: the process is a zombie", pid);
  if (int tracer = tracer_of(pid)) fail("attach {}: already traced by process {}", pid, tracer);

  std::unique_ptr<inferior> inf(new inferior);
  inf->pid_ = pid;
  inf->alive_ = true;
  // Seize every thread; repeat until the task list is stable, because a thread we have not
  // seized yet can create another one behind our back. (One that a seized thread creates is
  // ours from birth, and cannot create any behind our back: it does not count as growth, or a
  // program that makes threads all the time would keep us here.)
  for (bool grew = true; grew;) {
    grew = false;
    for (pid_t tid : task_ids(pid)) {
      if (inf->threads_.count(tid)) continue;
      // No EXITKILL: a program we attached to must outlive godbg, however godbg ends.
      long opts = ptrace_ops::options & ~ptrace_ops::exit_kill;
      if (ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(opts)) == 0) {
        inf->threads_[tid] = fresh_thread(tid);
        grew = true;
        continue;
      }
      int e = errno;
      if (e == ESRCH) continue;  // it exited meanwhile
      if (e == EPERM) {
        // The kernel also says EPERM for a thread that is already ours (the clone of a thread
        // seized a moment ago, traced from birth) and for one that is exiting (a zombie). Only
        // a live thread traced by no one, or by someone else, is a refusal.
        if (tracer_of(pid, tid) == getpid()) {
          inf->threads_[tid] = fresh_thread(tid);
          continue;
        }
        char st = thread_state_of(pid, tid);
        if (st == 0 || st == 'Z' || st == 'X') continue;
      }
      inf->alive_ = inf->threads_.empty() ? false : inf->alive_;
      if (e == EPERM) {
        if (int other = tracer_of(pid, tid))
          fail("attach {}: thread {} is traced by process {}", pid, tid, other);
        fail("attach {}: permission denied (ptrace_scope, capabilities, or another tracer)", pid);
      }
      fail("attach {}: {}", pid, std::strerror(e));
    }
  }
  auto ended_during_attach = [&] {
    inf->alive_ = false;
    inf->threads_.clear();
    fail("attach {}: the process ended during the attach", pid);
  };
  if (inf->threads_.empty()) {
    if (process_state(pid) == 'Z' || ::kill(pid, 0) == -1) ended_during_attach();
    fail("attach {}: no such process", pid);
  }
  try {
    inf->mem_fd_ = open_mem(pid);
  } catch (const error&) {
    if (process_dying(pid)) {
      inf->ended_now(1000);
      if (!inf->alive_) ended_during_attach();
    }
    throw;
  }
  inf->stop_all();
  if (!inf->alive_) {
    auto end = inf->end_event();
    if (end.what == inferior_event::kind::exited)
      fail("attach {}: the process exited during the attach, with status {}", pid, end.code);
    if (end.code)
      fail("attach {}: the process was killed by {} during the attach", pid, signal_name(end.code));
    ended_during_attach();
  }
  return inf;
}

void inferior::reopen_memory() {
  if (mem_fd_ != -1) close(mem_fd_);
  mem_fd_ = -1;
  mem_fd_ = open_mem(pid_);
}

inferior::~inferior() {
  try {
    if (alive_) {
      if (launched_)
        kill();
      else
        detach();
    }
  } catch (...) {
    // Destructors must not throw; with EXITKILL the kernel finishes a launched process anyway.
  }
  if (mem_fd_ != -1) close(mem_fd_);
  for (int fd : {sigchld_fd_, out_fd_, err_fd_})
    if (fd != -1) close(fd);
}

}  // namespace godbg
