/* A plain C program for godbg's native (non-Go) support: break main, bt, regs, disassemble. */
#include <stdio.h>

static int depth(int n) { return n <= 0 ? 0 : 1 + depth(n - 1); }

int square(int x) {
  int y = x * x;
  return y + depth(3) - 3; /* line 8: a line breakpoint past square's prologue */
}

int main(int argc, char **argv) {
  int s = 0;
  for (int i = 0; i < 3; ++i) s += square(i + argc);
  printf("native hello %d\n", s);
  return argc > 1 ? 4 : 0;
}
