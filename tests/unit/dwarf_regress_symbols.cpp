// Regressions found by fuzzing and mutation testing (issue 8): ELF symbols.
#include <doctest/doctest.h>

#include "demo_paths.hpp"
#include "dwarf/elf_file.hpp"
#include "dwarf/elf_symbols.hpp"

using namespace godbg;

TEST_CASE("regress: a size-0 symbol does not cover addresses outside its code segment") {
  // After an exec into /bin/true, a pc in ld.so was described as "runtime.etext": the size-0
  // symbol at the end of Go's text covered every address above it.
  for (const auto& go : test::go_versions()) {
    for (const char* variant : {"normal", "pie"}) {
      CAPTURE(go);
      CAPTURE(variant);
      auto f = elf_file::open(test::demo(go, variant, "hello"));
      elf_symbols syms(*f);
      auto* etext = syms.by_name("runtime.etext");
      if (!etext) continue;  // not a function symbol in every version
      CHECK(syms.containing(file_addr(0x7ffff7fe3000)) == nullptr);
      CHECK(syms.containing(file_addr(etext->addr.value() + 0x100000)) == nullptr);
      auto* m = syms.by_name("main.main");
      REQUIRE(m);
      auto* c = syms.containing(file_addr(m->addr.value() + 1));
      REQUIRE(c);
      CHECK(c->name == "main.main");
    }
  }
}
