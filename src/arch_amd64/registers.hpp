#pragma once
// The amd64 register table, defined once: everything that names, numbers, reads, writes or
// prints a register goes through it, so `regs`, DWARF locations and CFI never disagree.
#include <sys/user.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace godbg {

// The registers a frame can know, numbered as DWARF numbers them (amd64 psABI), so a CFI rule's
// or a location expression's register converts with a cast and no table.
enum class reg_id : int {
  rax = 0,
  rdx = 1,
  rcx = 2,
  rbx = 3,
  rsi = 4,
  rdi = 5,
  rbp = 6,
  rsp = 7,
  r8 = 8,
  r9 = 9,
  r10 = 10,
  r11 = 11,
  r12 = 12,
  r13 = 13,
  r14 = 14,
  r15 = 15,
  rip = 16,
};
constexpr int frame_register_count = 17;
constexpr int dwarf_number(reg_id r) {
  return int(r);
}

// What a frame knows of its registers: all of them for a thread's innermost frame; pc, SP and
// the saved rbp for an outer frame (what unwinding recovered); nothing else is guessed.
class frame_registers_set {
 public:
  std::optional<std::uint64_t> get(reg_id r) const { return v_[std::size_t(r)]; }
  std::optional<std::uint64_t> get_dwarf(int n) const {
    if (n < 0 || n >= frame_register_count) return std::nullopt;
    return v_[std::size_t(n)];
  }
  void set(reg_id r, std::uint64_t value) { v_[std::size_t(r)] = value; }
  void clear(reg_id r) { v_[std::size_t(r)].reset(); }

 private:
  std::array<std::optional<std::uint64_t>, frame_register_count> v_{};
};
// Every one of them from a stopped thread's registers.
frame_registers_set registers_of_thread(const user_regs_struct& regs);

enum class reg_kind {
  general,       // rax..r15 and their 32/16/8-bit parts
  instruction,   // rip
  flags,         // eflags
  segment,       // cs ss ds es fs gs
  segment_base,  // fs_base gs_base (fs_base - 8 holds Go's g)
  kernel,        // orig_rax: the syscall number the kernel saw; not an architectural register
};

struct reg_info {
  std::string_view name;
  int dwarf;           // DWARF register number (amd64 psABI), -1 if none
  std::size_t size;    // bytes
  std::size_t offset;  // byte offset in user_regs_struct (sub-registers: of their low byte)
  reg_kind kind;
  // For a sub-register ("eax", "al", "ah"): the full register it lives in; else the register
  // itself.
  std::string_view full;
};

// The 27 fields of user_regs_struct, in the order gdb prints them (rax rbx rcx rdx ...).
std::span<const reg_info> all_registers();
// The 32/16/8-bit views of the general registers (eax, ax, al, ah, r8d, r8w, r8b, sil...),
// named as Capstone names them so decoded operands resolve through this table too.
std::span<const reg_info> sub_registers();

// Full names, sub-register names and aliases (pc, sp, fp, flags, rflags, fsbase, gsbase).
// nullptr when unknown. Case-sensitive, without a leading '$' or '%'.
const reg_info* register_by_name(std::string_view name);
const reg_info* register_by_dwarf(int dwarf_regno);

// Zero-extended value of the register's bytes.
std::uint64_t read_register(const user_regs_struct& regs, const reg_info& info);
// Writes only the register's own bytes (writing "eax" keeps rax's upper half, as gdb does).
void write_register(user_regs_struct& regs, const reg_info& info, std::uint64_t value);

// gdb's rendering of eflags, lowest bit first: 0x246 -> "[ PF ZF IF ]".
std::string format_flags(std::uint64_t eflags);

// One row of `regs`, shared by the text and the JSON printers.
struct reg_value {
  std::string_view name;
  std::uint64_t value;
  std::string display;  // "0x000000c000012345"; eflags: "0x246 [ PF ZF IF ]"
  reg_kind kind;
};
std::vector<reg_value> register_values(const user_regs_struct& regs);

}  // namespace godbg
