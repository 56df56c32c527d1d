// Turning what users type into addresses, and addresses into what users read.
#include <regex>
#include <set>

#include "arch_amd64/go_prologue.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/describe.hpp"
#include "debugger/session.hpp"
#include "debugger/stepping/prologue.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

namespace {
constexpr std::size_t max_regex_functions = 2000;

// A Go function's name as its source spells it: main.(*Map[go.shape.int]).Set is main.(*Map).Set.
std::string without_type_arguments(std::string_view name) {
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '[') ++depth;
    if (depth == 0) out += c;
    if (c == ']' && depth > 0) --depth;
  }
  return out;
}
}  // namespace

std::optional<std::uint64_t> session::function_breakpoint_address(const function_info& f) const {
  if (!bin_->is_go()) return bias_.to_virt(f.entry).value();
  // Where Delve stops for `break F`: past the stack-bound check, on the func line.
  return bias_.to_virt(first_pc_after_prologue(*bin_, f)).value();
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
      if (!has_program()) fail("{}: no current file; use FILE:LINE", spec);
      auto where = describe(program().pc(current_tid_));
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
  if (auto f = b.function_by_name(spec))
    return {{virt_addr(*function_breakpoint_address(*f))}, f->name};
  std::vector<function_info> fns;
  if (spec.size() > 2 && spec.front() == '/' && spec.back() == '/') {
    // Delve's /REGEX/: every function whose name it matches.
    std::regex re;
    try {
      re = std::regex(spec.substr(1, spec.size() - 2));
    } catch (const std::regex_error& e) {
      fail("{}: not a regular expression: {}", spec, e.what());
    }
    fns = b.functions_where(
        [&](std::string_view n) { return std::regex_search(n.begin(), n.end(), re); },
        max_regex_functions + 1);
    if (fns.size() > max_regex_functions)
      fail("{}: matches more than {} functions; say which", spec, max_regex_functions);
    if (fns.empty()) fail("{}: no function matches", spec);
  } else {
    // A generic function by its source name: every instantiation. The compiler's shape
    // instantiations (main.Sum[go.shape.int]) hold the code; the wrappers with concrete type
    // arguments only call them, so they are left out when there are shaped ones.
    if (spec.find('[') == std::string::npos && spec.find('.') != std::string::npos)
      fns = b.functions_where(
          [&](std::string_view n) {
            return n.find('[') != std::string_view::npos && without_type_arguments(n) == spec;
          },
          max_regex_functions);
    bool shaped = std::any_of(fns.begin(), fns.end(), [](const function_info& f) {
      return f.name.find("go.shape.") != std::string::npos;
    });
    if (shaped)
      std::erase_if(fns, [](const function_info& f) {
        return f.name.find("go.shape.") == std::string::npos;
      });
    if (fns.empty()) {
      // A function with no body of its own (an inlined closure, say): each copy inlined into
      // another function, at the copy's first instruction.
      if (auto* dw = b.dwarf()) {
        resolved_location out;
        for (auto pc : dw->inlined_copies(spec)) out.sites.push_back(bias_.to_virt(pc));
        if (!out.sites.empty()) return out;
      }
      if (objects_)  // a C function of a shared library (libc's nanosleep)
        if (auto lib = objects_->function_by_name(spec); lib && !lib->object->is_main)
          return {{lib->object->bias.to_virt(lib->info.entry)}, lib->info.name};
      fail("{}: no function of that name", spec);
    }
  }
  resolved_location out;
  std::set<std::uint64_t> seen;
  for (auto& f : fns)
    if (auto a = function_breakpoint_address(f); a && seen.insert(*a).second)
      out.sites.push_back(virt_addr(*a));
  out.function_sites = true;
  return out;
}

code_location session::describe(std::uint64_t pc) const {
  return describe_pc(objects_.get(), bin_.get(), bias_, pc);
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
  if (bp.function) return describe_in(site.value(), *bp.function);
  if (bp.function_sites && bin_)
    if (auto f = bin_->function_at(bias_.to_file(site)))
      return describe_in(site.value(), strip_abi_suffix(f->name));
  return describe(site.value());
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
