#include "arch_amd64/go_prologue.hpp"

#include <string_view>

#include "arch_amd64/disassembler.hpp"

namespace godbg {

namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// The shapes cmd/compile and cmd/internal/obj/x86 emit (Go 1.17 to 1.26):
//   mov rcx, qword ptr fs:[-8]          (before the register ABI)
//   lea r12, [rsp - N]                  (big frames)
//   cmp rsp|r12, qword ptr [r14|rcx + 0x10]
//   jbe|jb|jna  morestack
//   push rbp ; mov rbp, rsp ; sub rsp, N                  (Go >= 1.21)
//   sub rsp, N ; mov qword ptr [rsp + N-8], rbp ; lea rbp, [rsp + N-8]   (older)
bool is_prologue(const instruction& i) {
  const auto& m = i.mnemonic;
  const auto& o = i.operands;
  if (m == "cmp")
    return starts_with(o, "rsp, qword ptr [r14") || starts_with(o, "r12, qword ptr [r14") ||
           starts_with(o, "rsp, qword ptr [rcx") || starts_with(o, "r12, qword ptr [rcx");
  if (m == "jbe" || m == "jb" || m == "jna") return true;
  if (m == "mov" && starts_with(o, "rcx, qword ptr fs:")) return true;
  if (m == "lea") return starts_with(o, "r12, [rsp") || starts_with(o, "rbp, [rsp");
  if (m == "push") return o == "rbp";
  if (m == "mov")
    return o == "rbp, rsp" || (starts_with(o, "qword ptr [rsp") && o.ends_with("], rbp"));
  if (m == "sub" || m == "add") return starts_with(o, "rsp, ");
  return false;
}

}  // namespace

std::uint64_t skip_go_prologue(std::span<const std::uint8_t> code, std::uint64_t entry) {
  static const disassembler dis(asm_syntax::intel);
  auto insns = dis.decode(code, entry, 12);
  std::uint64_t body = entry;
  bool saw_check = false;
  for (const auto& i : insns) {
    if (!is_prologue(i)) break;
    if (i.mnemonic == "cmp") saw_check = true;
    // A conditional jump is part of the prologue only right after the stack check.
    if (i.is_conditional && !saw_check) break;
    body = i.next_address();
  }
  return body;
}

}  // namespace godbg
