/* naive_tracer: the floor to beat in bench row B. The simplest ptrace breakpoint there is:
 * a PTRACE_TRACEME child, an int3 at ADDR (from `nm`), and on each hit: restore the byte, rewind
 * rip, single-step, reinsert the int3, continue. Two ptrace stops per hit, registers read and
 * written once, no condition evaluated. Threads are followed (PTRACE_O_TRACECLONE) so a hit on
 * any thread is handled; it does not stop the other threads while one steps (they may miss a hit
 * during that window, which only makes the floor lower).
 *
 *   naive_tracer ADDR_HEX PROG [ARGS...]     prints "naive_tracer: HITS hits" on stderr
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what) {
  perror(what);
  exit(1);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: naive_tracer ADDR_HEX PROG [ARGS...]\n");
    return 2;
  }
  uintptr_t addr = (uintptr_t)strtoull(argv[1], NULL, 16);
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    /* ASLR off, as godbg and gdb launch: a PIE lands at 0x555555554000, where run.sh's ADDR
     * points. */
    personality(ADDR_NO_RANDOMIZE);
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) die("PTRACE_TRACEME");
    execv(argv[2], argv + 2);
    die("execv");
  }
  int st;
  if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st)) die("waitpid exec");
  ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL);
  errno = 0;
  long orig = ptrace(PTRACE_PEEKTEXT, pid, (void *)addr, 0);
  if (errno) die("PEEKTEXT");
  long trapped = (orig & ~0xffL) | 0xcc;
  if (ptrace(PTRACE_POKETEXT, pid, (void *)addr, (void *)trapped) < 0) die("POKETEXT");
  if (ptrace(PTRACE_CONT, pid, 0, 0) < 0) die("CONT");
  long hits = 0;
  int status = 0;
  for (;;) {
    pid_t t = waitpid(-1, &st, __WALL);
    if (t < 0) {
      if (errno == ECHILD) break;
      die("waitpid");
    }
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      if (t == pid) status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      continue;
    }
    if (!WIFSTOPPED(st)) continue;
    int sig = WSTOPSIG(st);
    int deliver = 0;
    if (sig == SIGTRAP && (st >> 16) == 0) {
      struct user_regs_struct r;
      if (ptrace(PTRACE_GETREGS, t, 0, &r) < 0) die("GETREGS");
      if (r.rip - 1 == addr) {
        ++hits;
        ptrace(PTRACE_POKETEXT, t, (void *)addr, (void *)orig);
        r.rip = addr;
        ptrace(PTRACE_SETREGS, t, 0, &r);
        if (ptrace(PTRACE_SINGLESTEP, t, 0, 0) < 0) die("SINGLESTEP");
        if (waitpid(t, &st, __WALL) < 0) die("waitpid step");
        ptrace(PTRACE_POKETEXT, t, (void *)addr, (void *)trapped);
        if (!WIFSTOPPED(st)) continue;
        if (WSTOPSIG(st) != SIGTRAP) deliver = WSTOPSIG(st);
      } else {
        deliver = 0; /* a stray trap: swallow it */
      }
    } else if (sig == SIGTRAP) {
      deliver = 0; /* clone event */
    } else if (sig == SIGSTOP) {
      deliver = 0; /* a new thread's initial stop */
    } else {
      deliver = sig; /* SIGURG (preemption), SIGPIPE, ...: pass on */
    }
    ptrace(PTRACE_CONT, t, 0, (void *)(long)deliver);
  }
  fprintf(stderr, "naive_tracer: %ld hits\n", hits);
  return status;
}
