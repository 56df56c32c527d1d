#include "arch_amd64/registers.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>

// Tables laid out by hand, a row per line: clang-format would put one field per line.
// clang-format off
namespace godbg {
namespace {

#define GODBG_FULL(name, dwarf, kind) \
  reg_info { #name, dwarf, 8, offsetof(user_regs_struct, name), reg_kind::kind, #name }

// DWARF numbers: System V amd64 psABI, figure 3.36 (0 rax, 1 rdx, 2 rcx, 3 rbx, ... 49 rflags).
constexpr std::array<reg_info, 27> full_table{{
    GODBG_FULL(rax, 0, general),      GODBG_FULL(rbx, 3, general),
    GODBG_FULL(rcx, 2, general),      GODBG_FULL(rdx, 1, general),
    GODBG_FULL(rsi, 4, general),      GODBG_FULL(rdi, 5, general),
    GODBG_FULL(rbp, 6, general),      GODBG_FULL(rsp, 7, general),
    GODBG_FULL(r8, 8, general),       GODBG_FULL(r9, 9, general),
    GODBG_FULL(r10, 10, general),     GODBG_FULL(r11, 11, general),
    GODBG_FULL(r12, 12, general),     GODBG_FULL(r13, 13, general),
    GODBG_FULL(r14, 14, general),     GODBG_FULL(r15, 15, general),
    GODBG_FULL(rip, 16, instruction), GODBG_FULL(eflags, 49, flags),
    GODBG_FULL(cs, 51, segment),      GODBG_FULL(ss, 52, segment),
    GODBG_FULL(ds, 53, segment),      GODBG_FULL(es, 50, segment),
    GODBG_FULL(fs, 54, segment),      GODBG_FULL(gs, 55, segment),
    GODBG_FULL(fs_base, 58, segment_base), GODBG_FULL(gs_base, 59, segment_base),
    GODBG_FULL(orig_rax, -1, kernel),
}};
#undef GODBG_FULL

#define GODBG_SUB(name, full, size, byte) \
  reg_info { #name, -1, size, offsetof(user_regs_struct, full) + (byte), reg_kind::general, #full }
#define GODBG_LEGACY(r, e, w, l, h)                                           \
  GODBG_SUB(e, r, 4, 0), GODBG_SUB(w, r, 2, 0), GODBG_SUB(l, r, 1, 0), \
      GODBG_SUB(h, r, 1, 1)
#define GODBG_INDEX(r, e, w, l) GODBG_SUB(e, r, 4, 0), GODBG_SUB(w, r, 2, 0), GODBG_SUB(l, r, 1, 0)
#define GODBG_NEW(r) GODBG_SUB(r##d, r, 4, 0), GODBG_SUB(r##w, r, 2, 0), GODBG_SUB(r##b, r, 1, 0)

constexpr reg_info sub_table[] = {
    GODBG_LEGACY(rax, eax, ax, al, ah), GODBG_LEGACY(rbx, ebx, bx, bl, bh),
    GODBG_LEGACY(rcx, ecx, cx, cl, ch), GODBG_LEGACY(rdx, edx, dx, dl, dh),
    GODBG_INDEX(rsi, esi, si, sil),     GODBG_INDEX(rdi, edi, di, dil),
    GODBG_INDEX(rbp, ebp, bp, bpl),     GODBG_INDEX(rsp, esp, sp, spl),
    GODBG_NEW(r8),  GODBG_NEW(r9),  GODBG_NEW(r10), GODBG_NEW(r11),
    GODBG_NEW(r12), GODBG_NEW(r13), GODBG_NEW(r14), GODBG_NEW(r15),
    GODBG_SUB(eip, rip, 4, 0),          GODBG_SUB(ip, rip, 2, 0),
};
#undef GODBG_NEW
#undef GODBG_INDEX
#undef GODBG_LEGACY
#undef GODBG_SUB

struct alias {
  std::string_view name, target;
};
// gdb's $pc/$sp/$fp and Delve's/DWARF's spellings.
constexpr std::array<alias, 7> aliases{{
    {"pc", "rip"}, {"sp", "rsp"}, {"fp", "rbp"}, {"flags", "eflags"},
    {"rflags", "eflags"}, {"fsbase", "fs_base"}, {"gsbase", "gs_base"},
}};

const reg_info* find(std::span<const reg_info> table, std::string_view name) {
  for (const auto& r : table)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace

std::span<const reg_info> all_registers() { return full_table; }
std::span<const reg_info> sub_registers() { return sub_table; }

const reg_info* register_by_name(std::string_view name) {
  // "sp" is both gdb's alias of rsp and the 16-bit register; the alias wins, as in gdb.
  for (const auto& a : aliases)
    if (a.name == name) return find(full_table, a.target);
  if (auto* r = find(full_table, name)) return r;
  return find(sub_table, name);
}

const reg_info* register_by_dwarf(int dwarf_regno) {
  if (dwarf_regno < 0) return nullptr;
  for (const auto& r : full_table)
    if (r.dwarf == dwarf_regno) return &r;
  return nullptr;
}

std::uint64_t read_register(const user_regs_struct& regs, const reg_info& info) {
  std::uint64_t v = 0;  // little-endian: the low `size` bytes of v are the register's bytes
  std::memcpy(&v, reinterpret_cast<const std::byte*>(&regs) + info.offset, info.size);
  return v;
}

void write_register(user_regs_struct& regs, const reg_info& info, std::uint64_t value) {
  std::memcpy(reinterpret_cast<std::byte*>(&regs) + info.offset, &value, info.size);
}

std::string format_flags(std::uint64_t eflags) {
  // gdb's i386 eflags type; bit 1 is reserved (always 1) and unnamed. IOPL is a 2-bit field
  // gdb leaves out too.
  static constexpr std::array<std::pair<int, std::string_view>, 16> names{{
      {0, "CF"}, {2, "PF"}, {4, "AF"}, {6, "ZF"}, {7, "SF"}, {8, "TF"}, {9, "IF"}, {10, "DF"},
      {11, "OF"}, {14, "NT"}, {16, "RF"}, {17, "VM"}, {18, "AC"}, {19, "VIF"}, {20, "VIP"},
      {21, "ID"},
  }};
  std::string out = "[ ";
  for (auto [bit, name] : names)
    if (eflags & (std::uint64_t{1} << bit)) {
      out += name;
      out += ' ';
    }
  out += ']';
  return out;
}

std::vector<reg_value> register_values(const user_regs_struct& regs) {
  std::vector<reg_value> out;
  out.reserve(full_table.size());
  for (const auto& r : full_table) {
    auto v = read_register(regs, r);
    std::string display = r.kind == reg_kind::flags
                              ? fmt::format("{:#x} {}", v, format_flags(v))
                              : fmt::format("{:#018x}", v);
    out.push_back({r.name, v, std::move(display), r.kind});
  }
  return out;
}

frame_registers_set registers_of_thread(const user_regs_struct& regs) {
  frame_registers_set out;
  for (int n = 0; n < frame_register_count; ++n)
    if (auto* info = register_by_dwarf(n)) out.set(reg_id(n), read_register(regs, *info));
  return out;
}

}  // namespace godbg
// clang-format on
