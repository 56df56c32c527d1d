#pragma once
// One physical function's code as stepping sees it: its instructions, its statement starts (from
// the DWARF line table as Delve reads it, from the pclntab's line changes without DWARF), and
// which inlined call each pc belongs to. Addresses are run-time ones.
#include <cstdint>
#include <string>
#include <vector>

#include "arch_amd64/disassembler.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

class session;

struct source_line {
  std::string file;
  int line = 0;
  bool operator==(const source_line&) const = default;
};

class function_code {
 public:
  // The function around pc; throws godbg::error when there is none or its code is unreadable.
  function_code(session& s, std::uint64_t pc);

  const function_info& info() const { return fn_; }
  const std::string& name() const { return fn_.name; }
  std::uint64_t entry() const { return entry_; }
  std::uint64_t end() const { return end_; }
  bool contains(std::uint64_t pc) const { return pc >= entry_ && pc < end_; }
  const std::vector<instruction>& instructions() const { return insns_; }

  // Delve's AllPCsBetween: the statement rows of the function, the first of each address, other
  // than those of `except` (the line being stepped from).
  std::vector<std::uint64_t> statement_pcs(const source_line& except) const;
  // The innermost file:line of pc (inlined bodies at their own lines).
  source_line line_at(std::uint64_t pc) const;
  // The logical frames at pc, innermost first, the physical function last.
  std::vector<go_inline_frame> chain_at(std::uint64_t pc) const;
  // The inlined call pc is innermost in (its inline tree index), -1 when in the function itself.
  int innermost_call(std::uint64_t pc) const;
  // The call instructions of the function to `callee`.
  std::vector<std::uint64_t> calls_to(std::string_view callee) const;
  // How far the CFA is above the SP in the function's body (its deepest frame size, the return
  // address included): the body's SP is CFA - frame_size().
  std::uint64_t frame_size() const;
  // Its indirect calls (call through a register or memory).
  std::vector<std::uint64_t> indirect_calls() const;

 private:
  session& s_;
  function_info fn_;
  std::uint64_t entry_ = 0, end_ = 0;
  std::vector<instruction> insns_;
};

}  // namespace godbg
