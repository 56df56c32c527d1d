// The dynamic linker's r_debug and link map: on memory laid out by hand (loops, bad entries)
// and in live programs stopped at their entry, held to /proc/PID/maps and the auxv.
#include <doctest/doctest.h>
#include <elf.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "demo_paths.hpp"
#include "dwarf/elf_file.hpp"
#include "process/inferior.hpp"
#include "process/link_map.hpp"

using namespace godbg;

namespace {

// Memory as a set of byte ranges; everything else is unmapped.
class fake_memory final : public target {
 public:
  void put(std::uint64_t at, const void* p, std::size_t n) {
    auto& b = bytes_[at];
    b.assign(static_cast<const std::uint8_t*>(p), static_cast<const std::uint8_t*>(p) + n);
  }
  void word(std::uint64_t at, std::uint64_t v) { put(at, &v, 8); }
  // Padded as a real page would be: readers fetch strings in chunks.
  void str(std::uint64_t at, const std::string& s) {
    std::string padded = s;
    padded.resize(std::max<std::size_t>(s.size() + 1, 256), '\0');
    put(at, padded.data(), padded.size());
  }

  pid_t pid() const override { return 1; }
  bool live() const override { return false; }
  std::vector<pid_t> thread_ids() const override { return {}; }
  bool has_thread(pid_t) const override { return false; }
  const user_regs_struct& regs(pid_t) override { return regs_; }
  std::optional<user_fpregs_struct> fpregs(pid_t) override { return std::nullopt; }
  bool read(virt_addr a, std::span<std::uint8_t> out) const override {
    for (std::size_t i = 0; i < out.size(); ++i) {
      std::uint64_t at = a.value() + i;
      auto it = bytes_.upper_bound(at);
      if (it == bytes_.begin()) return false;
      --it;
      if (at - it->first >= it->second.size()) return false;
      out[i] = it->second[at - it->first];
    }
    return true;
  }

 private:
  std::map<std::uint64_t, std::vector<std::uint8_t>> bytes_;
  user_regs_struct regs_{};
};

// r_debug at 0x1000, link_maps at 0x2000 + 0x100*i, names at 0x3000 + 0x100*i.
void lay_out(fake_memory& m, const std::vector<std::string>& names, int version = 1) {
  std::uint32_t v[2] = {std::uint32_t(version), 0};
  m.put(0x1000, v, 8);
  m.word(0x1008, names.empty() ? 0 : 0x2000);
  m.word(0x1010, 0x7000);  // r_brk
  std::uint32_t st[2] = {0, 0};
  m.put(0x1018, st, 8);
  m.word(0x1020, 0x7ff000);  // r_ldbase
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::uint64_t lm = 0x2000 + 0x100 * i;
    m.word(lm, 0x10000 * i);             // l_addr
    m.word(lm + 8, 0x3000 + 0x100 * i);  // l_name
    m.word(lm + 16, 0x5000 + i);         // l_ld
    m.word(lm + 24, i + 1 < names.size() ? lm + 0x100 : 0);
    m.word(lm + 32, i ? lm - 0x100 : 0);
    m.str(0x3000 + 0x100 * i, names[i]);
  }
}

std::map<std::string, std::uint64_t> auxv_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/auxv", std::ios::binary);
  std::map<std::string, std::uint64_t> out;
  std::uint64_t kv[2];
  while (in.read(reinterpret_cast<char*>(kv), sizeof kv) && kv[0] != AT_NULL) {
    if (kv[0] == AT_ENTRY) out["entry"] = kv[1];
    if (kv[0] == AT_BASE) out["base"] = kv[1];
  }
  return out;
}

// The lowest address each file is mapped at (its first mapping, offset 0).
std::map<std::string, std::uint64_t> mapped_files(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  std::map<std::string, std::uint64_t> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ls(line);
    std::string range, perms, off, dev, inode, path;
    ls >> range >> perms >> off >> dev >> inode >> path;
    if (path.empty() || path[0] != '/' || std::stoull(off, nullptr, 16) != 0) continue;
    out.try_emplace(path, std::stoull(range.substr(0, range.find('-')), nullptr, 16));
  }
  return out;
}

}  // namespace

TEST_CASE("link map: a list laid out by hand") {
  fake_memory m;
  lay_out(m, {"", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"});
  auto s = read_link_map(m, virt_addr(0x1000));
  REQUIRE(s);
  CHECK(s->version == 1);
  CHECK(s->brk == virt_addr(0x7000));
  CHECK(s->ldbase == virt_addr(0x7ff000));
  CHECK(s->state == link_map_state::consistent);
  CHECK_FALSE(s->truncated);
  REQUIRE(s->objects.size() == 3);
  CHECK(s->objects[0].path.empty());
  CHECK(s->objects[1].path == "/lib/x86_64-linux-gnu/libc.so.6");
  CHECK(s->objects[1].bias.value() == 0x10000);
  CHECK(s->objects[2].dynamic == virt_addr(0x5002));

  SUBCASE("a loop ends the list") {
    m.word(0x2000 + 0x200 + 24, 0x2000);  // the last entry's l_next back to the first
    auto l = read_link_map(m, virt_addr(0x1000));
    REQUIRE(l);
    CHECK(l->objects.size() == 3);
    CHECK(l->truncated);
  }
  SUBCASE("an entry in unmapped memory ends the list") {
    m.word(0x2000 + 0x100 + 24, 0xdead0000);
    auto l = read_link_map(m, virt_addr(0x1000));
    REQUIRE(l);
    CHECK(l->objects.size() == 2);
    CHECK(l->truncated);
  }
  SUBCASE("a name without a NUL ends the list") {
    std::string endless(5000, 'x');
    m.put(0x9000, endless.data(), endless.size());
    m.word(0x2000 + 0x100 + 8, 0x9000);
    auto l = read_link_map(m, virt_addr(0x1000));
    REQUIRE(l);
    CHECK(l->objects.size() == 1);
    CHECK(l->truncated);
  }
  SUBCASE("ld.so in the middle of a change") {
    std::uint32_t st[2] = {1, 0};
    m.put(0x1018, st, 8);
    CHECK(read_link_map(m, virt_addr(0x1000))->state == link_map_state::adding);
  }
}

TEST_CASE("link map: not an r_debug") {
  fake_memory m;
  lay_out(m, {""}, 0);
  CHECK_FALSE(read_link_map(m, virt_addr(0x1000)));
  CHECK_FALSE(read_link_map(m, virt_addr(0x900000)));
}

TEST_CASE("link map: DT_DEBUG in the dynamic section") {
  fake_memory m;
  std::uint64_t dyn[] = {DT_NEEDED, 1, DT_STRTAB, 0x400, DT_DEBUG, 0x1000, DT_NULL, 0};
  m.put(0x5000, dyn, sizeof dyn);
  CHECK(r_debug_address(m, virt_addr(0x5000)) == virt_addr(0x1000));
  std::uint64_t early[] = {DT_NEEDED, 1, DT_DEBUG, 0, DT_NULL, 0};  // before ld.so filled it in
  m.put(0x6000, early, sizeof early);
  CHECK_FALSE(r_debug_address(m, virt_addr(0x6000)));
  std::uint64_t none[] = {DT_NEEDED, 1, DT_NULL, 0};
  m.put(0x6800, none, sizeof none);
  CHECK_FALSE(r_debug_address(m, virt_addr(0x6800)));
  CHECK_FALSE(r_debug_address(m, virt_addr(0x999000)));  // unmapped
}

TEST_CASE("link map: live programs at their entry, against /proc/PID/maps") {
  std::vector<std::string> programs = {std::string(GODBG_DEMO_DIR) + "/native/debug/hello"};
  for (const auto& go : test::go_versions()) {
    programs.push_back(test::demo(go, "normal", "cgo"));
    programs.push_back(test::demo(go, "pie", "cgo"));
    programs.push_back(test::demo(go, "external", "hello"));
  }
  for (const auto& path : programs) {
    CAPTURE(path);
    auto exe = elf_file::open(path);
    REQUIRE(exe->dynamic_addr());
    CHECK(exe->interpreter().find("ld-linux") != std::string::npos);
    auto p = inferior::launch(path, {path});
    // Right after execve only ld.so runs: DT_DEBUG is still 0. At the program's entry every
    // DT_NEEDED library is loaded and listed.
    auto aux = auxv_of(p->pid());
    const std::uint64_t bias = aux.at("entry") - exe->entry().value();
    const virt_addr dynamic(exe->dynamic_addr()->value() + bias);
    CHECK_FALSE(r_debug_address(*p, dynamic));
    p->add_site(virt_addr(aux.at("entry")));
    auto ev = p->resume([](pid_t, virt_addr) { return true; });
    REQUIRE(ev.what == inferior_event::kind::breakpoint);
    auto rd = r_debug_address(*p, dynamic);
    REQUIRE(rd);
    auto s = read_link_map(*p, *rd);
    REQUIRE(s);
    CHECK_FALSE(s->truncated);
    CHECK(s->state == link_map_state::consistent);
    CHECK(s->ldbase.value() == aux.at("base"));
    REQUIRE(s->objects.size() >= 3);  // the program, libc, ld.so (and the vDSO)
    CHECK(s->objects[0].path.empty());
    CHECK(s->objects[0].bias.value() == bias);
    auto maps = mapped_files(p->pid());
    bool libc = false, ldso = false;
    for (const auto& o : s->objects) {
      if (o.path.empty() || o.path[0] != '/') continue;  // the program, the vDSO
      CAPTURE(o.path);
      auto lib = elf_file::open(o.path);
      // The bias is where its first PT_LOAD went, less that segment's own address.
      std::string real = std::filesystem::canonical(o.path);
      auto it = maps.find(real);
      if (it == maps.end()) it = maps.find(o.path);
      REQUIRE(it != maps.end());
      CHECK(o.bias.value() + lib->load_segments().front().vaddr.value() == it->second);
      libc |= o.path.find("libc.so") != std::string::npos;
      if (o.path.find("ld-linux") != std::string::npos) {
        ldso = true;
        CHECK(o.bias.value() == aux.at("base"));
        // r_brk is in ld.so's code.
        CHECK(s->brk.value() > it->second);
      }
    }
    CHECK(libc);
    CHECK(ldso);
    p->kill();
  }
}
