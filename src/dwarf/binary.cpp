#include "dwarf/binary.hpp"

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/eh_frame.hpp"

namespace godbg {

std::string strip_abi_suffix(std::string_view name) {
  for (std::string_view suffix : {".abi0", ".abiinternal"})
    if (name.size() > suffix.size() && name.ends_with(suffix))
      return std::string(name.substr(0, name.size() - suffix.size()));
  return std::string(name);
}

std::unique_ptr<binary> binary::open(const std::string& path) {
  std::unique_ptr<binary> b(new binary);
  b->path_ = path;
  b->elf_ = elf_file::open(path);
  b->symbols_ = std::make_unique<elf_symbols>(*b->elf_);
  b->pclntab_ = gopclntab::load(*b->elf_);
  b->build_ = read_build_info(*b->elf_);
  // Only the headers: asking for the section itself would decompress it.
  for (auto& h : b->elf_->section_headers()) {
    if (h.name == ".debug_info" || h.name == ".zdebug_info") b->has_dwarf_sections_ = true;
    if (h.name == ".eh_frame") b->has_eh_frame_ = true;
  }
  return b;
}

binary::~binary() = default;

const dwarf_info* binary::dwarf() const {
  if (!dwarf_tried_ && has_dwarf_sections_) {
    dwarf_tried_ = true;
    try {
      dwarf_ = dwarf_info::open(path_);
    } catch (const error& e) {
      dwarf_warnings_.push_back(e.what());
    }
  }
  return dwarf_.get();
}

const eh_frame* binary::eh_frames() const {
  if (!eh_tried_ && has_eh_frame_) {
    eh_tried_ = true;
    try {
      eh_ = eh_frame::open(path_);
    } catch (const error& e) {
      dwarf_warnings_.push_back(e.what());
    }
  }
  return eh_.get();
}

std::optional<std::string> binary::go_version() const {
  if (build_ && !build_->go_version.empty()) return build_->go_version;
  return std::nullopt;
}

std::string binary::symbol_source() const {
  // From the section headers alone: opening DWARF here would make every session pay for it.
  if (has_dwarf_sections_ && !(dwarf_tried_ && !dwarf_)) return "dwarf";
  if (!symbols_->empty()) return "symtab";
  if (pclntab_) return "pclntab";
  return "none";
}

namespace {
function_info from_go(const go_func& f) {
  // FuncFlagAsm (4): hand-written assembly, whose entry is where a breakpoint belongs.
  return {f.name, f.entry, f.end, (f.flag & 4) != 0};
}
function_info from_symbol(const symbol& s) {
  return {strip_abi_suffix(s.name), s.addr, s.addr + std::int64_t(s.size),
          s.name.ends_with(".abi0")};
}
}  // namespace

// Through the ELF symbol table, which is indexed by name at open anyway, plus a binary search of
// .gopclntab: indexing .gopclntab's names would read every function record (MBs on a big
// program). Of a function and its ABI wrapper the assembly body wins, as in func_by_name.
std::optional<function_info> binary::go_function_by_symbol(std::string_view plain) const {
  auto go_at = [&](const symbol* s) -> std::optional<go_func> {
    if (!s || !s->is_func || strip_abi_suffix(s->name) != plain) return std::nullopt;
    auto f = pclntab_->func_at(s->addr);
    if (!f || f->entry != s->addr) return std::nullopt;
    return f;
  };
  // by_name prefers the exact name: the Go body, or an assembly function's ABIInternal wrapper.
  const symbol* exact = symbols_->by_name(plain);
  auto f = go_at(exact);
  if (!f) return std::nullopt;
  auto info = from_go(*f);
  if (exact->name.ends_with(".abi0")) info.is_asm = true;  // only the assembly name exists
  // An assembly body under its ".abi0" name beats the compiled wrapper of it (FuncFlagAsm).
  if (const symbol* abi0 = symbols_->by_name(std::string(plain) + ".abi0"); abi0 != exact)
    if (auto body = go_at(abi0); body && (body->flag & 4)) return from_go(*body);
  return info;
}

std::optional<function_info> binary::function_by_name(std::string_view name) const {
  std::string plain = strip_abi_suffix(name);
  if (pclntab_ && !symbols_->empty())
    if (auto f = go_function_by_symbol(plain)) return f;
  // Names only .gopclntab spells so ("type..eq.[...]..."), and stripped builds: its own index.
  if (pclntab_)
    if (auto f = pclntab_->func_by_name(plain)) {
      auto info = from_go(*f);
      // The ELF symbol table knows assembly functions by their ".abi0" name even where the
      // pclntab format has no flag for them.
      if (auto* s = symbols_->by_name(plain); s && s->name.ends_with(".abi0")) info.is_asm = true;
      return info;
    }
  if (auto* s = symbols_->by_name(name); s && s->is_func) return from_symbol(*s);
  if (auto* d = dwarf())
    if (auto f = d->function_by_name(plain)) return function_info{f->name, f->low, f->high, false};
  return std::nullopt;
}

std::optional<function_info> binary::function_at(file_addr pc) const {
  if (pclntab_)
    if (auto f = pclntab_->func_at(pc)) return from_go(*f);
  if (auto* s = symbols_->containing(pc)) return from_symbol(*s);
  if (auto* d = dwarf())
    if (auto f = d->function_at(pc)) return function_info{f->name, f->low, f->high, false};
  return std::nullopt;
}

std::optional<source_pos> binary::line_at(file_addr pc) const {
  if (pclntab_)
    if (auto l = pclntab_->line_at(pc)) return source_pos{l->file, l->line};
  if (auto* d = dwarf())
    if (auto l = d->line_at(pc)) return source_pos{l->file, l->line};
  return std::nullopt;
}

std::optional<std::string> binary::innermost_function_at(file_addr pc) const {
  if (pclntab_) {
    auto frames = pclntab_->inline_at(pc);
    if (!frames.empty()) return frames.front().function;
  }
  if (auto f = function_at(pc)) return f->name;
  return std::nullopt;
}

std::vector<file_addr> binary::pcs_for_line(std::string_view file, int line) const {
  std::vector<file_addr> pcs;
  if (auto* d = dwarf())
    pcs = d->pcs_for_line(file, line);
  else if (pclntab_)
    pcs = pclntab_->pcs_for_line(file, line);
  // One breakpoint per function: the first statement of the line in each.
  std::sort(pcs.begin(), pcs.end());
  std::vector<file_addr> out;
  std::set<std::uint64_t> seen;
  for (auto pc : pcs) {
    auto f = function_at(pc);
    std::uint64_t key = f ? f->entry.value() : pc.value();
    if (seen.insert(key).second) out.push_back(pc);
  }
  return out;
}

std::optional<std::string> binary::resolve_file(std::string_view file) const {
  if (auto* d = dwarf()) return d->resolve_file(file);
  if (pclntab_) {
    auto m = pclntab_->match_files(file);
    if (m.size() == 1) return m.front();
  }
  return std::nullopt;
}

std::vector<std::string> binary::function_names(std::string_view prefix, std::size_t limit) const {
  std::set<std::string> names;
  auto add = [&](std::string n) {
    if (names.size() < limit && n.starts_with(prefix)) names.insert(std::move(n));
  };
  if (pclntab_) pclntab_->for_each_func([&](const go_func& f) { add(f.name); });
  for (auto& s : symbols_->all())
    if (s.is_func) add(strip_abi_suffix(s.name));
  return {names.begin(), names.end()};
}

std::vector<std::string> binary::warnings() const {
  std::vector<std::string> w = elf_->warnings();
  if (pclntab_) w.insert(w.end(), pclntab_->warnings().begin(), pclntab_->warnings().end());
  w.insert(w.end(), dwarf_warnings_.begin(), dwarf_warnings_.end());
  if (dwarf_) w.insert(w.end(), dwarf_->warnings().begin(), dwarf_->warnings().end());
  return w;
}

}  // namespace godbg
