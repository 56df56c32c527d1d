// runtime.moduledata read by its structure, compiler wrappers, and the Go version from
// runtime.buildVersion: on the demos of every toolchain and on moduledata words laid out as a
// release newer than any godbg knows might lay them out.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "demo_paths.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/elf_file.hpp"
#include "dwarf/elf_symbols.hpp"
#include "dwarf/go_build_version.hpp"
#include "dwarf/go_moduledata.hpp"
#include "dwarf/gopclntab.hpp"

using namespace godbg;

namespace {

int minor_of(const std::string& go) {
  return std::stoi(go.substr(4));
}

// Where runtime/symtab.go of each release puts gofunc (words of 8 bytes): by hand, from the
// struct, so that the structural reader is held to the source.
std::uint32_t gofunc_word_of(int minor) {
  if (minor >= 27) return 43;  // typedesclen, itaboffset, itabsize added
  if (minor >= 20) return 40;  // covctrs, ecovctrs added
  return 38;
}

const symbol* gofunc_symbol(const elf_symbols& syms) {
  if (auto* s = syms.by_name("go:func.*")) return s;
  return syms.by_name("go.func.*");  // the name before Go 1.20
}

}  // namespace

TEST_CASE("moduledata: gofunc found by structure on every toolchain and variant") {
  for (const auto& go : test::go_versions()) {
    for (const char* v :
         {"normal", "pie", "stripped", "test", "test-stripped", "external", "race"}) {
      for (const char* demo : {"hello", "tracebacks", "gotest.test", "waiters"}) {
        if (!std::filesystem::exists(test::demo(go, v, demo))) continue;
        const std::string variant(v), name(demo);
        CAPTURE(go);
        CAPTURE(variant);
        CAPTURE(name);
        auto b = binary::open(test::demo(go, v, demo));
        const auto* t = b->pclntab();
        REQUIRE(t);
        REQUIRE(t->gofunc());
        CHECK(t->warnings().empty());
        CHECK(t->gofunc_found_by() ==
              (minor_of(go) >= 26 ? "after pclntable" : "before textsectmap"));
        if (!variant.ends_with("stripped")) {
          const auto& syms = b->symbols();
          auto* md = syms.by_name("runtime.firstmoduledata");
          REQUIRE(md);
          CHECK(t->moduledata_addr() == md->addr);
          auto* gf = gofunc_symbol(syms);
          REQUIRE(gf);
          CHECK(*t->gofunc() == gf->addr);
        }
        // The same answer as the release's own struct, read word by word.
        auto md = t->moduledata_addr();
        REQUIRE(md);
        auto word = b->elf().pointer_at(*md + 8 * gofunc_word_of(minor_of(go)));
        REQUIRE(word);
        CHECK(file_addr(*word) == *t->gofunc());
      }
    }
  }
}

TEST_CASE("moduledata: inlined frames read through gofunc on every toolchain") {
  for (const auto& go : test::go_versions()) {
    for (const char* v : {"normal", "pie", "stripped"}) {
      CAPTURE(go);
      const std::string variant(v);
      CAPTURE(variant);
      auto b = binary::open(test::demo(go, v, "tracebacks"));
      const auto* t = b->pclntab();
      REQUIRE(t);
      // main.worker's body is middle(ch), itself wait(ch): somewhere in worker, pc has both
      // inlined above worker, with their own lines (main.go:26 and :28).
      auto worker = t->func_by_name("main.worker");
      REQUIRE(worker);
      bool seen = false;
      for (file_addr pc = worker->entry; pc < worker->end && !seen; pc += 1) {
        auto chain = t->inline_at(pc);
        if (chain.size() != 3) continue;
        seen = true;
        CHECK(chain[0].function == "main.wait");
        CHECK(chain[0].line == 26);
        CHECK(chain[1].function == "main.middle");
        CHECK(chain[1].line == 28);
        CHECK(chain[2].function == "main.worker");
        CHECK(chain[2].file.ends_with("demos/tracebacks/main.go"));
      }
      CHECK(seen);
    }
  }
}

TEST_CASE("moduledata: a layout with words no release has yet") {
  // Go 1.27's shape with two more words ahead of rodata, and the older shape with three, as a
  // later release could lay them out: the fields are found where they went.
  constexpr std::uint64_t pch = 0x500000, text = 0x401000, etext = 0x480000;
  moduledata_expect e;
  e.pcheader = pch;
  e.funcnametab = pch + 0x40;
  e.pclntable = pch + 0x9000;
  e.segment_of = [](std::uint64_t a) -> std::optional<moduledata_expect::segment_kind> {
    if (a >= 0x401000 && a < 0x480000)
      return moduledata_expect::segment_kind{true, false, 0x401000, 0x480000};
    if (a >= 0x480000 && a < 0x560000)
      return moduledata_expect::segment_kind{false, false, 0x480000, 0x560000};
    if (a >= 0x560000 && a < 0x600000)
      return moduledata_expect::segment_kind{false, true, 0x560000, 0x600000};
    return std::nullopt;
  };
  auto head = [&] {
    std::array<std::uint64_t, moduledata_words> w{};
    w[0] = pch;
    w[1] = pch + 0x40;
    w[13] = w[16] = pch + 0x9000;
    w[14] = w[15] = 0x40000;
    w[20] = w[22] = text;
    w[21] = etext - 0x10;
    w[23] = etext;
    for (std::size_t k = 24; k < 40; ++k) w[k] = 0x560000 + 0x100 * k;  // data, bss, ...
    return w;
  };

  SUBCASE("gofunc after pclntable, two words later than 1.27") {
    auto w = head();
    w[44] = 0x480000;                // rodata
    w[45] = pch + 0x9000 + 0x40000;  // gofunc: the end of pclntable
    w[46] = w[45] + 0x8000;          // epclntab
    w[47] = 0x560100;                // textsectmap
    w[48] = w[49] = 1;
    auto f = decode_moduledata(w, e);
    REQUIRE(f);
    CHECK(f->text == file_addr(text));
    CHECK(f->etext == file_addr(etext));
    CHECK(f->gofunc_word == 45);
    CHECK(f->gofunc == file_addr(w[45]));
    CHECK(f->rodata == file_addr(0x480000));
    CHECK(f->epclntab == file_addr(w[46]));
    CHECK(f->gofunc_by == "after pclntable");
  }
  SUBCASE("gofunc after pclntable, aligned up past its end (a go test -c binary)") {
    auto w = head();
    w[42] = 0x480000;
    w[43] = pch + 0x9000 + 0x40000 + 8;  // pclntable ends 8 bytes short of a 16-byte boundary
    w[44] = w[43] + 0x8000;
    w[45] = 0x560100;
    w[46] = w[47] = 1;
    auto f = decode_moduledata(w, e);
    REQUIRE(f);
    CHECK(f->gofunc_word == 43);
    CHECK(f->gofunc_by == "after pclntable");
  }
  SUBCASE("gofunc before textsectmap, three words later than 1.20") {
    auto w = head();
    w[42] = 0x480000;  // rodata
    w[43] = 0x4a0000;  // gofunc, in rodata
    w[44] = 0x560200;  // textsectmap {ptr, 1, 1}
    w[45] = w[46] = 1;
    w[47] = 0x4b0000;  // typelinks {ptr, 0x137, 0x137}: a later slice, not the one
    w[48] = w[49] = 0x137;
    auto f = decode_moduledata(w, e);
    REQUIRE(f);
    CHECK(f->gofunc_word == 43);
    CHECK(f->gofunc == file_addr(0x4a0000));
    CHECK(f->gofunc_by == "before textsectmap");
    CHECK_FALSE(f->epclntab);
  }
  SUBCASE("not ours") {
    auto w = head();
    w[0] = pch + 8;
    CHECK_FALSE(decode_moduledata(w, e));
    w = head();
    w[13] = pch + 0x9008;  // pclntable elsewhere
    CHECK_FALSE(decode_moduledata(w, e));
    w = head();
    w[22] = 0x560000;  // text not in code
    w[20] = 0x560000;
    CHECK_FALSE(decode_moduledata(w, e));
    w = head();
    w[21] = etext + 8;  // maxpc past etext
    CHECK_FALSE(decode_moduledata(w, e));
  }
  SUBCASE("no recognisable tail: the head still answers, gofunc does not") {
    auto f = decode_moduledata(head(), e);
    REQUIRE(f);
    CHECK_FALSE(f->gofunc);
    CHECK(f->gofunc_by.empty());
  }
}

TEST_CASE("wrappers: the closures that start go f(x) and ABI wrappers, never user code") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto b = binary::open(test::demo(go, "stripped", "tracebacks"));
    const auto* t = b->pclntab();
    REQUIRE(t);
    // Go >= 1.22 names them gowrapN; before, funcN after the user's own closures (two here).
    const std::string wrap = minor_of(go) >= 22 ? "main.main.gowrap1" : "main.main.func3";
    auto w = t->func_by_name(wrap);
    REQUIRE(w);
    CHECK(t->is_wrapper(*w));
    for (const char* user : {"main.main", "main.main.func1", "main.main.func2", "main.worker"}) {
      CAPTURE(user);
      auto f = t->func_by_name(user);
      REQUIRE(f);
      CHECK_FALSE(t->is_wrapper(*f));
    }
  }
}

TEST_CASE("go version without .go.buildinfo: runtime.buildVersion") {
  for (const auto& go : test::go_versions()) {
    for (const char* kind : {"nobuildinfo", "nobuildinfo-stripped"}) {
      for (const char* demo : {"hello", "waiters"}) {
        CAPTURE(go);
        const std::string k(kind), name(demo);
        CAPTURE(k);
        CAPTURE(name);
        auto b = binary::open(test::demo(go, kind, demo));
        CHECK_FALSE(b->build());
        CHECK(b->elf().section(".go.buildinfo") == nullptr);
        CHECK(b->is_go());
        CHECK(b->go_version() == go);
        CHECK(b->go_version_source() == "runtime.buildVersion");
        // Without a symbol table, through runtime.schedinit's code.
        if (k == "nobuildinfo-stripped") CHECK(b->symbols().empty());
      }
    }
    auto with = binary::open(test::demo(go, "stripped", "hello"));
    CHECK(with->go_version() == go);
    CHECK(with->go_version_source() == "buildinfo");
  }
}

TEST_CASE("go version strings") {
  for (const char* ok : {"go1.19.8", "go1.27.3", "go1.21rc2", "go1.22.0 X:boringcrypto",
                         "go1.27.3-X:staticlockranking", "devel go1.28-abcdef Mon Jan 1"})
    CHECK(looks_like_go_version(ok));
  for (const char* bad : {"", "go1.", "go2.0", "1.22", "go1.x", "go1.22\n", "go1.2 2", "unknown"})
    CHECK_FALSE(looks_like_go_version(bad));
}
