#include "debugger/stepping/prologue.hpp"

#include <algorithm>
#include <string_view>

#include "arch_amd64/disassembler.hpp"
#include "dwarf/dwarf_info.hpp"

namespace godbg {

namespace {

// The stack-bound check cmd/internal/obj/x86 puts at the entry of every function that may grow
// its stack: [mov rcx, fs:[-8]] (before the register ABI), [lea r12, [rsp-N]] (big frames),
// cmp rsp|r12, [r14|rcx+16|24], then the conditional jump to the morestack call. The address
// after that jump, moved past the frame-pointer setup to where the compiler's prologue_end row
// is: Go 1.26 and 1.27 set up the frame with push rbp; mov rbp, rsp; sub rsp, N and put it after
// the mov (after the push when no sub follows); Go 1.19 uses sub/mov/lea and puts it right
// after the jump. Checked against the prologue_end rows of every function with a check in the
// `go` command (go1.26.8) and the fixtures (1.19, 1.27), and by unit.debugger_prologue.
// nullopt when the code does not start with a check.
std::optional<std::uint64_t> past_stack_check(std::span<const std::uint8_t> code,
                                              std::uint64_t entry) {
  static const disassembler dis(asm_syntax::intel);
  auto insns = dis.decode(code, entry, 7);
  std::size_t i = 0;
  auto is = [&](std::string_view m, std::string_view operands_prefix) {
    return i < insns.size() && insns[i].mnemonic == m &&
           std::string_view(insns[i].operands).starts_with(operands_prefix);
  };
  if (is("mov", "rcx, qword ptr fs:")) ++i;
  if (is("lea", "r12, [rsp")) ++i;
  if (!(is("cmp", "rsp, qword ptr [r14") || is("cmp", "r12, qword ptr [r14") ||
        is("cmp", "rsp, qword ptr [rcx") || is("cmp", "r12, qword ptr [rcx")))
    return std::nullopt;
  ++i;
  if (i >= insns.size() || !insns[i].is_conditional) return std::nullopt;
  ++i;
  if (!is("push", "rbp")) return insns[i - 1].next_address();
  ++i;
  if (is("mov", "rbp, rsp") && i + 1 < insns.size() &&
      (insns[i + 1].mnemonic == "sub" || insns[i + 1].mnemonic == "add") &&
      std::string_view(insns[i + 1].operands).starts_with("rsp, "))
    return insns[i].next_address();
  return insns[i - 1].next_address();
}

std::optional<file_addr> code_rule(const binary& bin, const function_info& f) {
  std::uint64_t size = f.end.value() > f.entry.value() ? f.end.value() - f.entry.value() : 0;
  if (auto code = bin.elf().bytes_at(f.entry, std::min<std::uint64_t>(64, size)))
    if (auto past = past_stack_check(*code, f.entry.value())) return file_addr(*past);
  return std::nullopt;
}

// Whether every path into the function reaches pc once: no jump of the function lands in
// (entry, pc]. A first statement that is a loop's head (Go 1.19's frameless functions) would
// stop at every iteration.
bool reached_once(const binary& bin, const function_info& f, file_addr pc) {
  std::uint64_t size = f.end.value() > f.entry.value() ? f.end.value() - f.entry.value() : 0;
  auto code = bin.elf().bytes_at(f.entry, std::min<std::uint64_t>(size, 1u << 20));
  if (!code) return false;
  static const disassembler dis(asm_syntax::intel);
  for (const auto& i : dis.decode(*code, f.entry.value()))
    if (i.branch_target && *i.branch_target > f.entry.value() && *i.branch_target <= pc.value())
      return false;
  return true;
}

}  // namespace

file_addr first_pc_after_prologue(const binary& bin, const function_info& f) {
  // Past the stack check first, from the code alone: `break main.main` must not open DWARF
  // (inflating .debug_info costs the `go` command 0.7 s and 35 MB). It lands where Delve's
  // prologue_end row is (past_stack_check).
  if (auto past = code_rule(bin, f)) return *past;
  const dwarf_info* dw = bin.dwarf();
  if (!dw) return f.entry;
  auto rows = dw->line_rows(f.entry, f.end);
  for (const auto& r : rows)
    if (r.prologue_end) return r.addr;
  for (const auto& r : rows)
    if (r.is_stmt) return reached_once(bin, f, r.addr) ? r.addr : f.entry;
  return f.entry;
}

}  // namespace godbg
