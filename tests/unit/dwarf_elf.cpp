// elf_file and elf_symbols on the demo binaries, and on files that are not (whole) ELF files.
#include <doctest/doctest.h>
#include <elf.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "demo_paths.hpp"
#include "dwarf/elf_file.hpp"
#include "dwarf/elf_symbols.hpp"

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

// A scratch directory removed at the end of the test.
struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("godbg_elf_" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  return p.string();
}

std::string read_whole(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The message of the godbg::error that opening `path` throws ("" if it does not throw).
std::string open_error(const std::string& path) {
  try {
    elf_file::open(path);
  } catch (const godbg::error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("elf_file: headers, sections and segments of every demo") {
  for (const auto& go : test::go_versions()) {
    for (const char* v : variants) {
      CAPTURE(go);
      const std::string variant(v);
      CAPTURE(variant);
      auto f = elf_file::open(test::demo(go, v, "hello"));
      CHECK(f->is_pie() == (std::string(v) == "pie"));
      auto* text = f->section(".text");
      REQUIRE(text);
      CHECK(text->type == SHT_PROGBITS);
      CHECK((text->flags & SHF_EXECINSTR));
      CHECK(text->data.size() == text->size);
      CHECK(f->section(".no_such_section") == nullptr);
      CHECK(f->entry() >= text->addr);
      CHECK(f->entry() < text->addr + std::int64_t(text->size));
      CHECK(!f->load_segments().empty());
      // The code bytes at the entry, through the segments, are those of .text.
      auto at_entry = f->bytes_at(f->entry(), 16);
      REQUIRE(at_entry);
      CHECK(std::equal(at_entry->begin(), at_entry->end(),
                       text->data.begin() + (f->entry() - text->addr)));
      CHECK_FALSE(f->bytes_at(file_addr(0), 1));
      CHECK_FALSE(f->bytes_at(file_addr(~0ull - 4), 8));
      // A range running past the end of a segment's file bytes is refused.
      const auto& seg = f->load_segments().front();
      CHECK_FALSE(f->bytes_at(seg.vaddr + std::int64_t(seg.filesz) - 4, 8));
      CHECK(f->bytes_at(seg.vaddr + std::int64_t(seg.filesz) - 4, 4));
      // Non-stripped builds carry compressed DWARF: it comes back inflated.
      if (std::string(v) != "stripped") {
        // Inflated only when asked for.
        auto hdr = std::find_if(f->section_headers().begin(), f->section_headers().end(),
                                [](const elf_section& s) { return s.name == ".debug_info"; });
        REQUIRE(hdr != f->section_headers().end());
        CHECK((hdr->flags & SHF_COMPRESSED));
        CHECK(hdr->data.empty());
        auto* info = f->section(".debug_info");
        CHECK(info == &*hdr);
        REQUIRE(info);
        CHECK(info->size > 0);
        CHECK(info->data.size() == info->size);
        // A DWARF 4/5 unit header: version is 2 bytes after the 4-byte length.
        auto version = load_le<std::uint16_t>(info->data, 4);
        REQUIRE(version);
        CHECK((*version >= 2 && *version <= 5));
      } else {
        CHECK(f->section(".debug_info") == nullptr);
        CHECK(f->section(".symtab") == nullptr);
      }
      for (const auto& s : f->sections())
        if (s.type != SHT_NOBITS && s.type != SHT_NULL) CHECK(s.data.size() == s.size);
      CHECK(f->warnings().empty());
    }
  }
}

TEST_CASE("elf_symbols: names with and without .abi0, entry point, containing") {
  for (const auto& go : test::go_versions()) {
    for (const char* v : {"normal", "pie"}) {
      CAPTURE(go);
      const std::string variant(v);
      CAPTURE(variant);
      auto f = elf_file::open(test::demo(go, v, "hello"));
      elf_symbols syms(*f);
      REQUIRE_FALSE(syms.empty());
      auto* rt0 = syms.by_name("_rt0_amd64_linux");
      REQUIRE(rt0);
      CHECK(rt0->addr == f->entry());
      CHECK(rt0->is_func);

      auto* rt0_go = syms.by_name("runtime.rt0_go");
      REQUIRE(rt0_go);
      CHECK(rt0_go->name == "runtime.rt0_go.abi0");
      CHECK(syms.by_name("runtime.rt0_go.abi0") == rt0_go);
      auto* mm = syms.by_name("main.main");
      REQUIRE(mm);
      CHECK(mm->is_func);
      CHECK(mm->size > 0);
      CHECK(syms.by_name("main.main.abi0") == mm);  // a trailing .abi0 in the query is accepted
      CHECK(syms.by_name("main.no_such_function") == nullptr);

      CHECK(syms.containing(mm->addr) == mm);
      CHECK(syms.containing(mm->addr + std::int64_t(mm->size) - 1) == mm);
      CHECK(syms.containing(rt0_go->addr + 10) == rt0_go);
      CHECK(syms.containing(file_addr(0x10)) == nullptr);

      const auto& all = syms.all();
      CHECK(std::is_sorted(all.begin(), all.end(),
                           [](const symbol& a, const symbol& b) { return a.addr < b.addr; }));
    }
  }
}

TEST_CASE("elf_symbols: stripped builds have none") {
  for (const auto& go : test::go_versions()) {
    auto f = elf_file::open(test::demo(go, "stripped", "hello"));
    elf_symbols syms(*f);
    CHECK(syms.empty());
    CHECK(syms.by_name("main.main") == nullptr);
    CHECK(syms.containing(f->entry()) == nullptr);
  }
}

TEST_CASE("elf_file: bad files give one-line errors") {
  temp_dir tmp;
  auto one_line = [](const std::string& msg) {
    CHECK(!msg.empty());
    CHECK(msg.find('\n') == std::string::npos);
  };

  auto missing = (tmp.path / "missing").string();
  CHECK(open_error(missing) == missing + ": no such file");

  auto text = write_file(tmp.path / "text", "hello, this is not an ELF file\n");
  CHECK(open_error(text) == text + ": not an ELF file");
  auto empty = write_file(tmp.path / "empty", "");
  CHECK(open_error(empty) == empty + ": not an ELF file");
  CHECK(open_error(tmp.path.string()).find("is a directory") != std::string::npos);

  auto go = test::go_versions();
  REQUIRE(!go.empty());
  for (const auto& ver : go) {
    for (const char* v : variants) {
      auto whole = read_whole(test::demo(ver, v, "hello"));
      REQUIRE(whole.size() > 4096);
      for (std::size_t n : {std::size_t(16), std::size_t(63), std::size_t(1000), whole.size() / 2,
                            whole.size() * 9 / 10}) {
        CAPTURE(n);
        auto p = write_file(tmp.path / "cut", whole.substr(0, n));
        auto msg = open_error(p);
        one_line(msg);
        CHECK(msg == p + ": truncated ELF file");
      }
    }
  }

  // A 32-bit ELF and a big-endian one are refused as not x86-64.
  std::string ident =
      "\x7f"
      "ELF";
  auto elf32 =
      write_file(tmp.path / "elf32", ident + std::string(1, char(ELFCLASS32)) +
                                         std::string(1, char(ELFDATA2LSB)) + std::string(58, '\0'));
  CHECK(open_error(elf32) == elf32 + ": not an x86-64 ELF file");
  auto be =
      write_file(tmp.path / "be", ident + std::string(1, char(ELFCLASS64)) +
                                      std::string(1, char(ELFDATA2MSB)) + std::string(58, '\0'));
  CHECK(open_error(be) == be + ": not an x86-64 ELF file");
}

TEST_CASE("elf_file: corrupt headers never crash") {
  // Flip bytes in the ELF, program and section headers of a real binary; every result must be
  // an error or a usable object.
  temp_dir tmp;
  auto go = test::go_versions();
  REQUIRE(!go.empty());
  auto whole = read_whole(test::demo(go.front(), "normal", "hello"));
  std::uint32_t seed = 12345;
  auto rnd = [&] { return seed = seed * 1103515245 + 12345; };
  auto ehdr =
      *load_le<Elf64_Ehdr>(std::span<const std::uint8_t>(
                               reinterpret_cast<const std::uint8_t*>(whole.data()), whole.size()),
                           0);
  std::size_t header_end = ehdr.e_shoff + std::size_t(ehdr.e_shnum) * ehdr.e_shentsize;
  for (int round = 0; round < 200; ++round) {
    std::string bad = whole;
    for (int k = 0; k < 4; ++k) bad[rnd() % header_end] = char(rnd() >> 8);
    auto p = write_file(tmp.path / "bad", bad);
    try {
      auto f = elf_file::open(p);
      elf_symbols syms(*f);
      for (const auto& s : f->sections()) CHECK(s.data.size() <= s.size);
      (void)f->bytes_at(f->entry(), 16);
    } catch (const godbg::error& e) {
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  }
}

TEST_CASE("elf_file and elf_symbols on the go command (if built)") {
  for (const char* p : {"/tmp/gocmd"}) {
    if (!fs::exists(p)) continue;
    auto f = elf_file::open(p);
    elf_symbols syms(*f);
    auto* rt0 = syms.by_name("_rt0_amd64_linux");
    REQUIRE(rt0);
    CHECK(rt0->addr == f->entry());
    CHECK(syms.by_name("main.main"));
  }
}
