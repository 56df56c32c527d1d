// Issue 22 at the library level: ends of a session while the program runs through an int3 all
// the time (demos/sigcount's hot loop), breakpoints deleted while it runs, and the program's
// death seen outside a run. What the CLI cannot do (delete while running) is done here through
// the session, as the DAP front end does it. Trials: GODBG_UNIT_TRIALS (default 40).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "debugger/session.hpp"
#include "demo_paths.hpp"

using namespace godbg;

namespace {

int trials() {
  const char* v = std::getenv("GODBG_UNIT_TRIALS");
  return v ? std::atoi(v) : 40;
}

// sigcount started by us, not traced: a program to attach to. Its stdout goes nowhere.
struct program {
  pid_t pid = 0;
  explicit program(const std::string& path) {
    pid = fork();
    if (pid == 0) {
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);  // the test runner may block SIGCHLD
      freopen("/dev/null", "w", stdout);
      execl(path.c_str(), path.c_str(), nullptr);
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  // Still running: not ended (by a stray SIGTRAP, say) and not a zombie.
  bool alive() const {
    int st = 0;
    return waitpid(pid, &st, WNOHANG) == 0;
  }
  ~program() {
    kill(pid, SIGKILL);
    int st = 0;
    waitpid(pid, &st, 0);
  }
};

int traced_threads(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto& t :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(t.path() / "status");
    for (std::string line; std::getline(in, line);)
      if (line.rfind("TracerPid:", 0) == 0 && std::atoi(line.c_str() + 10) != 0) ++n;
  }
  return n;
}

void run_for(session& s, int ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    auto r = s.poll_resume(false);
    REQUIRE_MESSAGE(!r.has_value(), "the program stopped or ended by itself");
    std::this_thread::sleep_for(std::chrono::microseconds(300));
  }
}

std::string newest(const char* name) {
  return test::demo(test::go_versions().back(), "normal", name);
}

// The session attached to the program, stopped.
void attach(session& s, const std::string& path, const program& p) {
  s.load(path);
  s.attach(p.pid);
}

// A breakpoint on sigcount's hot loop whose condition never holds: every pass is a hit that is
// not reported, so the program runs through an int3 all the time.
user_breakpoint& never_holding(session& s) {
  auto& bp = s.add_breakpoint("main.work", false);
  bp.set_condition("i < 0");
  return bp;
}

}  // namespace

TEST_CASE("a breakpoint deleted while threads run through it, then a detach, leave no trap") {
  auto path = newest("sigcount");
  program p(path);
  int n = trials();
  for (int i = 0; i < n; ++i) {
    CAPTURE(i);
    session s;
    attach(s, path, p);
    int id = never_holding(s).id;
    s.begin_resume();
    run_for(s, 5 + i % 20);
    s.delete_breakpoint(id);  // while running: the session stops, takes the int3 out, resumes
    run_for(s, 5);
    if (i % 2 == 0) {
      s.detach();  // while running
    } else {
      s.interrupt();
      std::optional<run_result> r;
      while (!(r = s.poll_resume(true))) {
      }
      REQUIRE(std::holds_alternative<stop_record>(*r));
      CHECK(std::get<stop_record>(*r).reason == stop_reason::interrupt);
      s.detach();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(p.alive());
    CHECK(traced_threads(p.pid) == 0);
  }
}

TEST_CASE("a detach while threads run through a breakpoint that never holds leaves no trap") {
  auto path = newest("sigcount");
  program p(path);
  int n = trials();
  for (int i = 0; i < n; ++i) {
    CAPTURE(i);
    {
      session s;
      attach(s, path, p);
      never_holding(s);
      s.begin_resume();
      run_for(s, 2 + i % 30);
    }  // the session ends while running: its destructor detaches
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(p.alive());
    CHECK(traced_threads(p.pid) == 0);
  }
}

TEST_CASE("a program killed while stopped is reported once, then it is not running") {
  auto path = newest("sigcount");
  program p(path);
  session s;
  attach(s, path, p);
  CHECK(!s.take_exit(0).has_value());  // alive: nothing to say
  kill(p.pid, SIGKILL);
  auto end = s.take_exit(2000);
  REQUIRE(end.has_value());
  CHECK(end->signal == SIGKILL);
  CHECK(!end->status.has_value());
  CHECK(!s.has_process());
  CHECK(!s.take_exit(0).has_value());  // said once
  CHECK_THROWS_WITH_AS(s.process(), "the program is not running", error);
}

TEST_CASE("a program killed while running is reported by the run, once") {
  auto path = newest("sigcount");
  program p(path);
  session s;
  attach(s, path, p);
  never_holding(s);
  s.begin_resume();
  run_for(s, 30);
  kill(p.pid, SIGKILL);
  std::optional<run_result> r;
  for (int k = 0; k < 1000 && !r; ++k) r = s.poll_resume(true);
  REQUIRE(r.has_value());
  REQUIRE(std::holds_alternative<exit_record>(*r));
  CHECK(std::get<exit_record>(*r).signal == SIGKILL);
  CHECK(!s.has_process());
  CHECK(!s.take_exit(0).has_value());
}

TEST_CASE("a program killed during a single step is reported by the step") {
  auto path = newest("sigcount");
  program p(path);
  session s;
  attach(s, path, p);
  kill(p.pid, SIGKILL);
  // The step meets a dead thread: it says the program was killed (or, had the death been
  // collected first, that it is not running), never a ptrace error.
  try {
    auto r = s.step_instruction();
    REQUIRE(std::holds_alternative<exit_record>(r));
    CHECK(std::get<exit_record>(r).signal == SIGKILL);
  } catch (const error& e) {
    auto end = s.take_exit(2000);
    INFO(e.what());
    CHECK(end.has_value());
  }
  CHECK(!s.has_process());
}
