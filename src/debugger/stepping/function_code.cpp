#include "debugger/stepping/function_code.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/stepping/step_plan.hpp"
#include "dwarf/dwarf_info.hpp"

namespace godbg {

function_code::function_code(session& s, std::uint64_t pc) : s_(s) {
  auto fn = s.bin().function_at(s.bias().to_file(virt_addr(pc)));
  if (!fn) fail("no function at {:#x}: use stepi/nexti here", pc);
  fn_ = *fn;
  entry_ = s.bias().to_virt(fn_.entry).value();
  end_ = s.bias().to_virt(fn_.end).value();
  if (end_ <= entry_ || end_ - entry_ > (8u << 20)) fail("{}: bad function bounds", fn_.name);
  std::vector<std::uint8_t> code(end_ - entry_);
  if (!s.process().read(virt_addr(entry_), code)) fail("cannot read the code of {}", fn_.name);
  static const disassembler dis;
  insns_ = dis.decode(code, entry_);
}

std::vector<std::uint64_t> function_code::statement_pcs(const source_line& except) const {
  std::vector<std::uint64_t> out;
  if (const dwarf_info* dw = s_.bin().dwarf()) {
    std::uint64_t last = 0;
    for (const auto& r : dw->line_rows(fn_.entry, fn_.end)) {
      std::uint64_t pc = s_.bias().to_virt(r.addr).value();
      if (!r.is_stmt || pc <= last) continue;
      if (r.file == except.file && r.line == except.line) continue;
      out.push_back(pc);
      last = pc;
    }
    if (!out.empty() || !dw->line_rows(fn_.entry, fn_.end).empty()) return out;
  }
  // No line table for it: every instruction where the line changes.
  source_line prev{"", -1};
  for (const auto& i : insns_) {
    auto here = line_at(i.address);
    if (here != prev && here.line > 0 && here != except) out.push_back(i.address);
    prev = here;
  }
  return out;
}

source_line function_code::line_at(std::uint64_t pc) const {
  auto pos = s_.bin().line_at(s_.bias().to_file(virt_addr(pc)));
  if (!pos) return {};
  return {pos->file, pos->line};
}

std::vector<go_inline_frame> function_code::chain_at(std::uint64_t pc) const {
  file_addr fa = s_.bias().to_file(virt_addr(pc));
  if (auto* tab = s_.bin().pclntab()) {
    auto c = tab->inline_at(fa);
    if (!c.empty()) return c;
  }
  auto pos = line_at(pc);
  return {go_inline_frame{fn_.name, pos.file, pos.line, -1}};
}

int function_code::innermost_call(std::uint64_t pc) const {
  auto c = chain_at(pc);
  return c.size() > 1 ? c.front().call : -1;
}

std::vector<std::uint64_t> function_code::calls_to(std::string_view callee) const {
  std::vector<std::uint64_t> out;
  for (const auto& i : insns_) {
    if (!i.is_call || !i.branch_target) continue;
    auto f = s_.bin().function_at(s_.bias().to_file(virt_addr(*i.branch_target)));
    if (f && f->name == callee) out.push_back(i.address);
  }
  return out;
}

std::uint64_t function_code::frame_size() const {
  // The CFA rule at each instruction, for SP 0: the offset of the CFA above the SP there.
  std::uint64_t size = 8;
  for (const auto& i : insns_)
    if (auto cfa = cfa_of(s_, i.address, 0); cfa && *cfa < (1u << 30)) size = std::max(size, *cfa);
  return size;
}

std::vector<std::uint64_t> function_code::indirect_calls() const {
  std::vector<std::uint64_t> out;
  for (const auto& i : insns_)
    if (i.is_call && !i.branch_target) out.push_back(i.address);
  return out;
}

}  // namespace godbg
