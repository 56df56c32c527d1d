// gopclntab on the demo binaries of every Go version, as normal, PIE and stripped builds.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "demo_paths.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/elf_file.hpp"
#include "dwarf/elf_symbols.hpp"
#include "dwarf/gopclntab.hpp"

using namespace godbg;

template <>
struct doctest::StringMaker<godbg::file_addr> {
  static doctest::String convert(godbg::file_addr a) {
    return fmt::format("{:#x}", a.value()).c_str();
  }
};
namespace fs = std::filesystem;

namespace {

const char* variants[] = {"normal", "pie", "stripped"};

struct loaded {
  std::unique_ptr<elf_file> f;
  std::unique_ptr<gopclntab> t;
};

loaded load(const std::string& path) {
  loaded l;
  l.f = elf_file::open(path);
  l.t = gopclntab::load(*l.f);
  return l;
}

int expected_format(const std::string& go) {
  // "go1.19.8" -> 19
  int minor = std::stoi(go.substr(4));
  return minor >= 20 ? 120 : minor >= 18 ? 118 : 116;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.ends_with(suffix);
}

}  // namespace

TEST_CASE("gopclntab: found on every variant, with the header's version") {
  for (const auto& go : test::go_versions()) {
    for (const char* v : variants) {
      CAPTURE(go);
      const std::string variant(v);
      CAPTURE(variant);
      auto l = load(test::demo(go, v, "hello"));
      REQUIRE(l.t);
      CHECK(l.t->warnings().empty());
      CHECK(l.t->found_by() == "section");
      CHECK(l.t->format() == expected_format(go));
      CHECK(l.t->func_count() > 500);
      CHECK(l.t->text_start() == l.f->section(".text")->addr);
      // runtime.asmcgocall has an ABI wrapper of the same name in pclntab: the assembly body
      // is the one found.
      CHECK((l.t->func_by_name("runtime.asmcgocall")->flag & 4));
      for (const char* name : {"main.main", "runtime.rt0_go", "runtime.mstart", "runtime.main",
                               "_rt0_amd64_linux", "runtime.schedinit"}) {
        CAPTURE(name);
        auto fn = l.t->func_by_name(name);
        REQUIRE(fn);
        CHECK(fn->name == name);
        CHECK(fn->entry < fn->end);
        auto back = l.t->func_at(fn->entry);
        REQUIRE(back);
        CHECK(back->name == name);
        CHECK(l.t->func_at(fn->end - 1)->name == name);
      }
      CHECK(l.t->func_by_name("runtime.rt0_go.abi0")->name == "runtime.rt0_go");
      CHECK(l.t->func_by_name("_rt0_amd64_linux")->entry == l.f->entry());
      CHECK_FALSE(l.t->func_by_name("main.nope"));
      CHECK_FALSE(l.t->func_at(file_addr(0x1000)));
      CHECK_FALSE(l.t->func_at(file_addr(~0ull)));
    }
  }
}

TEST_CASE("gopclntab: function entries agree with the ELF symbols") {
  for (const auto& go : test::go_versions()) {
    for (const char* v : {"normal", "pie"}) {
      CAPTURE(go);
      const std::string variant(v);
      CAPTURE(variant);
      auto l = load(test::demo(go, v, "waiters"));
      REQUIRE(l.t);
      elf_symbols syms(*l.f);
      int checked = 0, runtime_seen = 0, mains = 0;
      l.t->for_each_func([&](const go_func& fn) {
        bool is_main = fn.name.starts_with("main.");
        bool is_runtime = fn.name.starts_with("runtime.");
        if (!is_main && !(is_runtime && runtime_seen++ % 7 == 0)) return;
        CAPTURE(fn.name);
        // pclntab names an ABI wrapper like the function it wraps; in the ELF symbols one of
        // the two has ".abi0" appended.
        auto* s = syms.by_name(fn.name);
        auto* s0 = syms.by_name(fn.name + ".abi0");
        REQUIRE((s || s0));
        CHECK(((s && s->addr == fn.entry) || (s0 && s0->addr == fn.entry)));
        ++checked;
        mains += is_main;
      });
      CHECK(mains >= 3);
      CHECK(checked > 50);
    }
  }
}

TEST_CASE("gopclntab: stripped builds still name the bootstrap functions") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto normal = load(test::demo(go, "normal", "hello"));
    auto stripped = load(test::demo(go, "stripped", "hello"));
    REQUIRE(stripped.t);
    CHECK(elf_symbols(*stripped.f).empty());
    for (const char* name : {"main.main", "runtime.rt0_go", "runtime.mstart"}) {
      CAPTURE(name);
      auto a = normal.t->func_by_name(name), b = stripped.t->func_by_name(name);
      REQUIRE(b);
      // -s -w drops tables, not code: the addresses are the same as in the normal build.
      CHECK(a->entry == b->entry);
      CHECK(a->end == b->end);
    }
    CHECK(stripped.t->func_count() == normal.t->func_count());
  }
}

TEST_CASE("gopclntab: lines of hello's main.main") {
  for (const auto& go : test::go_versions()) {
    for (const char* v : variants) {
      CAPTURE(go);
      const std::string variant(v);
      CAPTURE(variant);
      auto l = load(test::demo(go, v, "hello"));
      REQUIRE(l.t);
      auto mm = l.t->func_by_name("main.main");
      REQUIRE(mm);
      auto line = l.t->line_at(mm->entry);
      REQUIRE(line);
      CHECK(ends_with(line->file, "/demos/hello/main.go"));
      CHECK(line->file.starts_with("/"));
      CHECK(line->line == 5);
      CHECK(l.t->sp_delta_at(mm->entry) == 0);

      auto pcs = l.t->pcs_for_line("main.go", 6);
      REQUIRE(!pcs.empty());
      for (auto pc : pcs) {
        CHECK(l.t->func_at(pc)->name == "main.main");
        CHECK(l.t->line_at(pc)->line == 6);
      }
      CHECK(l.t->pcs_for_line(line->file, 6) == pcs);       // full path
      CHECK(l.t->pcs_for_line("hello/main.go", 6) == pcs);  // longer suffix
      CHECK(l.t->pcs_for_line("ain.go", 6).empty());        // not at a '/' boundary
      CHECK(l.t->pcs_for_line("main.go", 1000).empty());
      CHECK(l.t->pcs_for_line("nosuchfile.go", 6).empty());
      // "print.go" is in fmt and runtime at least.
      CHECK_THROWS_AS(l.t->pcs_for_line("print.go", 1), godbg::error);
      CHECK(l.t->match_files("print.go").size() >= 2);

      auto files = l.t->files();
      CHECK(std::find(files.begin(), files.end(), line->file) != files.end());

      // Past the prologue, the frame is allocated: SP is below its entry value.
      bool frame_seen = false;
      for (auto pc = mm->entry; pc < mm->end; pc += 1)
        if (auto d = l.t->sp_delta_at(pc); d && *d > 0) frame_seen = true;
      CHECK(frame_seen);
    }
  }
}

TEST_CASE("gopclntab: inlined fmt.Println inside main.main") {
  for (const auto& go : test::go_versions()) {
    for (const char* v : variants) {
      CAPTURE(go);
      const std::string variant(v);
      CAPTURE(variant);
      auto l = load(test::demo(go, v, "hello"));
      REQUIRE(l.t);
      auto mm = l.t->func_by_name("main.main");
      REQUIRE(mm);
      // fmt.Println is a one-line wrapper: the compiler inlines it into main.main, so some pcs
      // of main.main are in fmt/print.go.
      bool found = false;
      for (auto pc = mm->entry; pc < mm->end && !found; pc += 1) {
        auto line = l.t->line_at(pc);
        if (!line || !ends_with(line->file, "fmt/print.go")) continue;
        auto frames = l.t->inline_at(pc);
        REQUIRE(frames.size() == 2);
        CHECK(frames[0].function == "fmt.Println");
        CHECK(frames[0].file == line->file);
        CHECK(frames[0].line == line->line);
        CHECK(frames[1].function == "main.main");
        CHECK(ends_with(frames[1].file, "hello/main.go"));
        CHECK(frames[1].line == 6);
        found = true;
      }
      CHECK(found);
      // No inlining at the entry: one frame, the function itself.
      auto at_entry = l.t->inline_at(mm->entry);
      REQUIRE(at_entry.size() == 1);
      CHECK(at_entry[0].function == "main.main");
      CHECK(at_entry[0].line == 5);
      CHECK(l.t->inline_at(file_addr(0x10)).empty());
    }
  }
}

TEST_CASE("gopclntab: found without section headers (scan for the header and moduledata)") {
  auto tmp = fs::temp_directory_path() / ("godbg_nosh_" + std::to_string(::getpid()));
  for (const auto& go : test::go_versions()) {
    for (const char* v : variants) {
      const std::string variant(v);
      CAPTURE(go);
      CAPTURE(variant);
      auto src = test::demo(go, v, "hello");
      std::ifstream in(src, std::ios::binary);
      std::string bytes{std::istreambuf_iterator<char>(in), {}};
      // Zero e_shoff, e_shnum and e_shstrndx, as sstrip-like tools do.
      std::fill(bytes.begin() + 0x28, bytes.begin() + 0x30, '\0');
      std::fill(bytes.begin() + 0x3c, bytes.begin() + 0x40, '\0');
      std::ofstream(tmp, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
      auto orig = load(src);
      auto l = load(tmp.string());
      CHECK(l.f->sections().empty());
      REQUIRE(l.t);
      CHECK(l.t->found_by() == "scan");
      CHECK(l.t->table_addr() == orig.t->table_addr());
      CHECK(l.t->text_start() == orig.t->text_start());
      CHECK(l.t->gofunc() == orig.t->gofunc());
      auto a = orig.t->func_by_name("main.main"), b = l.t->func_by_name("main.main");
      REQUIRE(b);
      CHECK(a->entry == b->entry);
      CHECK(l.t->pcs_for_line("main.go", 6) == orig.t->pcs_for_line("main.go", 6));
    }
  }
  fs::remove(tmp);
}

TEST_CASE("gopclntab: a file without Go tables and corrupt tables") {
  // A non-Go ELF file: this test binary's own image is C++.
  auto self = elf_file::open("/proc/self/exe");
  auto none = gopclntab::load(*self);
  CHECK(none == nullptr);

  // Corrupt the table bytes in a copy (as a file) and make sure every query stays safe.
  auto go = test::go_versions();
  REQUIRE(!go.empty());
  auto src = test::demo(go.back(), "normal", "hello");
  std::ifstream in(src, std::ios::binary);
  std::string whole{std::istreambuf_iterator<char>(in), {}};
  auto orig = load(src);
  REQUIRE(orig.t);
  auto* sec = orig.f->section(".gopclntab");
  REQUIRE(sec);
  auto tmp = fs::temp_directory_path() / ("godbg_pcln_" + std::to_string(::getpid()));
  std::uint32_t seed = 7;
  auto rnd = [&] { return seed = seed * 1103515245 + 12345; };
  auto mm = orig.t->func_by_name("main.main");
  for (int round = 0; round < 60; ++round) {
    std::string bad = whole;
    // Early rounds hit the header, later ones the tables.
    std::size_t span = round < 20 ? 96 : sec->size;
    for (int k = 0; k < 16; ++k) bad[sec->offset + rnd() % span] = char(rnd() >> 8);
    std::ofstream(tmp, std::ios::binary).write(bad.data(), std::streamsize(bad.size()));
    auto l = load(tmp.string());
    if (!l.t) continue;
    for (auto pc = mm->entry; pc < mm->end; pc += 3) {
      (void)l.t->func_at(pc);
      (void)l.t->line_at(pc);
      (void)l.t->inline_at(pc);
      (void)l.t->sp_delta_at(pc);
    }
    (void)l.t->func_by_name("main.main");
    (void)l.t->files();
    try {
      (void)l.t->pcs_for_line("main.go", 6);
    } catch (const godbg::error&) {
    }
  }
  fs::remove(tmp);
}

TEST_CASE("gopclntab: the go command loads fast (if built)") {
  const char* path = "/tmp/gocmd";
  if (!fs::exists(path)) return;
  auto f = elf_file::open(path);
  auto t0 = std::chrono::steady_clock::now();
  auto t = gopclntab::load(*f);
  auto dt = std::chrono::steady_clock::now() - t0;
  REQUIRE(t);
  MESSAGE("gopclntab::load of the go command: "
          << std::chrono::duration_cast<std::chrono::microseconds>(dt).count() << " us, "
          << t->func_count() << " functions");
  CHECK(dt < std::chrono::milliseconds(50));
  auto mm = t->func_by_name("main.main");
  REQUIRE(mm);
  CHECK(t->func_at(mm->entry)->name == "main.main");
  CHECK(t->line_at(mm->entry));
  elf_symbols syms(*f);
  if (!syms.empty()) {
    int checked = 0;
    t->for_each_func([&](const go_func& fn) {
      if (fn.index % 97) return;
      auto* s = syms.by_name(fn.name);
      auto* s0 = syms.by_name(fn.name + ".abi0");
      if (!s && !s0) return;
      CHECK(((s && s->addr == fn.entry) || (s0 && s0->addr == fn.entry)));
      ++checked;
    });
    CHECK(checked > 50);
  }
}

TEST_CASE("binary: functions by name agree through the symbol table and through .gopclntab") {
  // With a symbol table, names are looked up there (no index of .gopclntab's names); a stripped
  // build has only .gopclntab. Both must pick the same function, wrappers and assembly alike.
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto normal = binary::open(test::demo(go, "normal", "waiters"));
    auto stripped = binary::open(test::demo(go, "stripped", "waiters"));
    REQUIRE(normal->pclntab());
    REQUIRE(!normal->symbols().empty());
    REQUIRE(stripped->symbols().empty());
    int compared = 0;
    normal->pclntab()->for_each_func([&](const go_func& f) {
      auto a = normal->function_by_name(f.name);
      auto b = stripped->function_by_name(f.name);
      CAPTURE(f.name);
      REQUIRE(a);
      REQUIRE(b);
      CHECK(a->entry == b->entry);
      CHECK(a->is_asm == b->is_asm);
      ++compared;
    });
    CHECK(compared > 1000);
    for (const char* name : {"runtime.args", "runtime.rt0_go", "runtime.mstart", "main.main"}) {
      CAPTURE(name);
      auto a = normal->function_by_name(name);
      REQUIRE(a);
      CHECK(a->entry == normal->symbols().by_name(name)->addr);
    }
  }
}
