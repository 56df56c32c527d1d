// A C program that vforks: the child runs tick() (in the memory it shares with its parent, so a
// breakpoint there is in its path) and execs /bin/true. With an argument N the child first
// sleeps N seconds: all that time the parent thread waits in the kernel, where PTRACE_INTERRUPT
// cannot stop it, which is what a debugger must cope with when told to end (SIGTERM). With a
// second argument M the program first sleeps M seconds: time to attach to it.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int tick(int i) {
  return i * 2;
}

int main(int argc, char** argv) {
  int secs = argc > 1 ? atoi(argv[1]) : 0;
  printf("vforker %d\n", getpid());
  fflush(stdout);
  if (argc > 2) sleep(atoi(argv[2]));
  int sum = 0;
  for (int i = 0; i < 3; i++) sum += tick(i);
  pid_t child = vfork();
  if (child == 0) {
    char line[64];
    int n = snprintf(line, sizeof line, "vfork child %d %d\n", getpid(), tick(50));
    if (write(1, line, n) != n) _exit(126);
    if (secs) sleep(secs);
    execl("/bin/true", "true", (char*)0);
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  for (int i = 0; i < 3; i++) sum += tick(i);
  printf("vforker done %d %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1, sum);
  return 0;
}
