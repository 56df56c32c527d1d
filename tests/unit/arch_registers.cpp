#include <doctest/doctest.h>

#include <set>

#include "arch_amd64/registers.hpp"

using namespace godbg;

TEST_CASE("every user_regs_struct field is in the table once, at its offset") {
  auto regs = all_registers();
  CHECK(regs.size() == sizeof(user_regs_struct) / 8);
  std::set<std::size_t> offsets;
  for (const auto& r : regs) {
    CHECK(r.size == 8);
    CHECK(r.offset % 8 == 0);
    CHECK(r.offset < sizeof(user_regs_struct));
    offsets.insert(r.offset);
    CHECK(register_by_name(r.name) == &r);
    if (r.dwarf >= 0) CHECK(register_by_dwarf(r.dwarf) == &r);
  }
  CHECK(offsets.size() == regs.size());
  CHECK(register_by_name("fs_base")->offset == offsetof(user_regs_struct, fs_base));
  CHECK(register_by_name("gs_base")->offset == offsetof(user_regs_struct, gs_base));
  CHECK(register_by_name("orig_rax")->dwarf == -1);
}

TEST_CASE("DWARF numbers follow the amd64 psABI") {
  const char* by_number[] = {"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8",
                             "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rip"};
  for (int i = 0; i <= 16; ++i) CHECK(register_by_dwarf(i)->name == by_number[i]);
  CHECK(register_by_dwarf(49)->name == "eflags");
  CHECK(register_by_dwarf(58)->name == "fs_base");
  CHECK(register_by_dwarf(59)->name == "gs_base");
  CHECK(register_by_dwarf(17) == nullptr);  // xmm0: not in user_regs_struct
  CHECK(register_by_dwarf(-1) == nullptr);
}

TEST_CASE("aliases and sub-registers") {
  CHECK(register_by_name("pc")->name == "rip");
  CHECK(register_by_name("sp")->name == "rsp");
  CHECK(register_by_name("fp")->name == "rbp");
  CHECK(register_by_name("rflags")->name == "eflags");
  CHECK(register_by_name("nosuch") == nullptr);
  CHECK(register_by_name("r8d")->full == "r8");

  user_regs_struct regs{};
  regs.rax = 0x1122334455667788;
  CHECK(read_register(regs, *register_by_name("eax")) == 0x55667788);
  CHECK(read_register(regs, *register_by_name("ax")) == 0x7788);
  CHECK(read_register(regs, *register_by_name("al")) == 0x88);
  CHECK(read_register(regs, *register_by_name("ah")) == 0x77);

  write_register(regs, *register_by_name("ah"), 0xab);
  CHECK(regs.rax == 0x112233445566ab88);
  write_register(regs, *register_by_name("eax"), 0xdeadbeef);
  CHECK(regs.rax == 0x11223344deadbeef);  // a debugger's write keeps the upper half, as gdb's
  write_register(regs, *register_by_name("rip"), 0x401000);
  CHECK(regs.rip == 0x401000);
  regs.r14 = 0xc000000180;
  CHECK(read_register(regs, *register_by_dwarf(14)) == 0xc000000180);
}

TEST_CASE("eflags formatting, as gdb") {
  CHECK(format_flags(0x246) == "[ PF ZF IF ]");
  CHECK(format_flags(0x202) == "[ IF ]");
  CHECK(format_flags(0x2) == "[ ]");
  CHECK(format_flags(0x10297) == "[ CF PF AF SF IF RF ]");
  CHECK(format_flags(0xa83) == "[ CF SF IF OF ]");
}

TEST_CASE("register_values: one row per register, flags decoded") {
  user_regs_struct regs{};
  regs.rip = 0x401000;
  regs.eflags = 0x246;
  auto rows = register_values(regs);
  REQUIRE(rows.size() == all_registers().size());
  CHECK(rows[0].name == "rax");
  bool saw_rip = false, saw_flags = false;
  for (const auto& r : rows) {
    if (r.name == "rip") {
      saw_rip = true;
      CHECK(r.value == 0x401000);
      CHECK(r.display == "0x0000000000401000");
    }
    if (r.name == "eflags") {
      saw_flags = true;
      CHECK(r.display == "0x246 [ PF ZF IF ]");
    }
  }
  CHECK(saw_rip);
  CHECK(saw_flags);
}
