/* Loads libm with dlopen after it started, then calls cbrt through the pointer dlsym gave (not
 * cos: an IFUNC, whose symbol is its resolver): the demo for a library that is not there at the
 * program's entry (the link map changes). */
#include <dlfcn.h>
#include <stdio.h>

typedef double (*math_fn)(double);

/* Called once libm is loaded: a place to stop at and ask for cbrt. */
__attribute__((noinline)) void after_dlopen(void *lib) { __asm__ volatile("" : : "r"(lib)); }

int main(void) {
  void *lib = dlopen("libm.so.6", RTLD_NOW);
  if (!lib) {
    fprintf(stderr, "dlopener: %s\n", dlerror());
    return 1;
  }
  after_dlopen(lib);
  math_fn f = (math_fn)dlsym(lib, "cbrt");
  printf("dlopener: cbrt(8) = %.1f\n", f ? f(8.0) : -1.0);
  return 0;
}
