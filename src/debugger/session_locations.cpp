// Turning what users type into addresses, and addresses into what users read.
#include "arch_amd64/go_prologue.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/describe.hpp"
#include "debugger/session.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

std::optional<std::uint64_t> session::function_breakpoint_address(const function_info& f) const {
  if (f.is_asm || !bin_->is_go()) return bias_.to_virt(f.entry).value();
  auto code = bin_->elf().bytes_at(f.entry, std::min<std::uint64_t>(64, f.end - f.entry));
  if (!code) return bias_.to_virt(f.entry).value();
  return bias_.to_virt(file_addr(skip_go_prologue(*code, f.entry.value()))).value();
}

std::vector<virt_addr> session::resolve_location(const std::string& spec) {
  return resolve(spec).sites;
}

session::resolved_location session::resolve(const std::string& spec) {
  if (spec.empty()) fail("a location is needed: FUNCTION, FILE:LINE or *ADDRESS");
  if (spec[0] == '*') {
    auto addr = parse_integer<std::uint64_t>(std::string_view(spec).substr(1), "an address");
    return {{virt_addr(addr)}, std::nullopt};
  }
  const binary& b = bin();
  auto colon = spec.rfind(':');
  std::optional<int> line_only = try_parse_integer<int>(spec, sign::refused);
  std::optional<int> file_line;
  if (colon != std::string::npos)
    file_line = try_parse_integer<int>(std::string_view(spec).substr(colon + 1), sign::refused);
  if (file_line || line_only) {
    std::string file;
    int line = 0;
    if (line_only) {
      // A bare line number means a line of the file we are stopped in.
      if (!has_process()) fail("{}: no current file; use FILE:LINE", spec);
      auto where = describe(process().pc(current_tid_));
      if (!where.file) fail("{}: no current file; use FILE:LINE", spec);
      file = *where.file;
      line = *line_only;
    } else {
      file = spec.substr(0, colon);
      line = *file_line;
    }
    std::vector<virt_addr> out;
    for (auto pc : b.pcs_for_line(file, line)) out.push_back(bias_.to_virt(pc));
    if (out.empty()) {
      if (!b.resolve_file(file)) fail("{}: no source file {} in the program", spec, file);
      fail("{}: no code at line {} of {}", spec, line, file);
    }
    return {out, std::nullopt};
  }
  auto f = b.function_by_name(spec);
  if (!f) fail("{}: no function of that name", spec);
  return {{virt_addr(*function_breakpoint_address(*f))}, f->name};
}

code_location session::describe(std::uint64_t pc) const {
  return describe_pc(bin_.get(), bias_, pc);
}

code_location session::describe_in(std::uint64_t pc, const std::string& function) const {
  code_location loc = describe(pc);
  const gopclntab* tab = bin_ ? bin_->pclntab() : nullptr;
  if (!tab) return loc;
  // Logical frames innermost first, the physical function last at the line of its call.
  auto frames = tab->inline_at(bias_.to_file(virt_addr(pc)));
  for (std::size_t i = 1; i < frames.size(); ++i) {
    if (strip_abi_suffix(frames[i].function) != function) continue;
    loc.function = frames[i].function;
    loc.file = frames[i].file;
    loc.line = frames[i].line;
    loc.inlined.clear();
    for (std::size_t j = 0; j < i; ++j)
      loc.inlined.push_back({frames[j].function, frames[j].file, frames[j].line});
    break;
  }
  return loc;
}

code_location session::describe_site(const user_breakpoint& bp, virt_addr site) const {
  return bp.function ? describe_in(site.value(), *bp.function) : describe(site.value());
}

std::vector<source_line_record> session::source_context(const code_location& where, int before,
                                                        int after) {
  std::vector<source_line_record> out;
  if (!where.file || !where.line) return out;
  auto* lines = sources_.lines(*where.file);
  if (!lines) return out;
  int lo = std::max(1, *where.line - before);
  int hi = std::min(int(lines->size()), *where.line + after);
  for (int l = lo; l <= hi; ++l) out.push_back({l, (*lines)[l - 1], l == *where.line});
  return out;
}

}  // namespace godbg
