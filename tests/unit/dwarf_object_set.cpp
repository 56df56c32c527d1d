// object_set: the executable and its shared libraries at their load biases.
#include <doctest/doctest.h>

#include <filesystem>

#include "dwarf/binary.hpp"
#include "dwarf/eh_frame.hpp"
#include "dwarf/object_set.hpp"

using namespace godbg;

namespace {

std::string libc_path() {
  for (const char* p : {"/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"})
    if (std::filesystem::exists(p)) return p;
  return {};
}

}  // namespace

TEST_CASE("object set: addresses, functions and CFI across the executable and libc") {
  auto main_bin = binary::open(std::string(GODBG_DEMO_DIR) + "/native/debug/hello");
  const std::string libc = libc_path();
  REQUIRE(!libc.empty());
  const load_bias main_bias(0x555555554000), libc_bias(0x7ffff7d80000);
  object_set set(*main_bin, main_bias);
  CHECK(set.all().size() == 1);
  CHECK(set.set_libraries({{libc, libc_bias}, {"/nonexistent/libfoo.so", load_bias(0x7fff0000)}})
            .size() == 1);  // the missing one, in one line
  REQUIRE(set.all().size() == 2);
  const loaded_object* lc = &set.all()[1];
  CHECK(lc->path == libc);
  CHECK_FALSE(lc->is_main);
  CHECK(set.main().is_main);

  auto square = set.function_by_name("square");
  REQUIRE(square);
  CHECK(square->object == &set.main());
  CHECK(set.at(main_bias.to_virt(square->info.entry)) == &set.main());

  auto nanosleep = set.function_by_name("nanosleep");
  REQUIRE(nanosleep);
  CHECK(nanosleep->object == lc);
  virt_addr at = libc_bias.to_virt(nanosleep->info.entry) + 4;
  CHECK(set.at(at) == lc);
  auto fn = lc->bin->function_at(lc->to_file(at));
  REQUIRE(fn);
  CHECK(fn->name.find("nanosleep") != std::string::npos);
  // libc has no .debug_frame here; its .eh_frame unwinds it.
  const eh_frame* eh = lc->bin->eh_frames();
  REQUIRE(eh);
  CHECK(eh->cfa_at(nanosleep->info.entry));
  // A library is no Go program.
  CHECK_FALSE(lc->bin->is_go());
  CHECK(lc->bin->pclntab() == nullptr);

  CHECK(set.at(virt_addr(0x1000)) == nullptr);
  CHECK(set.at(virt_addr(0x7ffff7d80000 - 1)) == nullptr);

  // The same list again keeps what is open; a library gone from the list is dropped.
  const binary* before = lc->bin.get();
  set.set_libraries({{libc, libc_bias}});
  REQUIRE(set.all().size() == 2);
  CHECK(set.all()[1].bin.get() == before);
  set.set_libraries({});
  CHECK(set.all().size() == 1);
  CHECK_FALSE(set.function_by_name("nanosleep"));
}
