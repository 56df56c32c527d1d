#include "dwarf/binary.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/error.hpp"
#include "dwarf/dwarf_handle.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/eh_frame.hpp"
#include "dwarf/go_build_version.hpp"

namespace godbg {

std::string strip_abi_suffix(std::string_view name) {
  for (std::string_view suffix : {".abi0", ".abiinternal"})
    if (name.size() > suffix.size() && name.ends_with(suffix))
      return std::string(name.substr(0, name.size() - suffix.size()));
  return std::string(name);
}

std::unique_ptr<binary> binary::open_library(const std::string& path) {
  std::unique_ptr<binary> b(new binary);
  b->path_ = path;
  b->elf_ = elf_file::open(path);
  b->symbols_ = std::make_unique<elf_symbols>(*b->elf_);
  // A system library keeps only its exported names (.dynsym); Debian's -dbg packages put the
  // full symbol table in /usr/lib/debug/.build-id/, found by the library's build ID.
  if (auto id = b->elf_->build_id(); id.size() > 2) {
    std::string debug =
        "/usr/lib/debug/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug";
    try {
      auto dbg = elf_file::open(debug);
      if (dbg->section(".symtab")) {
        auto syms = std::make_unique<elf_symbols>(*dbg);
        if (!syms->empty()) b->symbols_ = std::move(syms);
      }
    } catch (const error&) {
      // no separate debug file: the exported names will do
    }
  }
  b->note_sections();
  return b;
}

std::unique_ptr<binary> binary::open(const std::string& path) {
  std::unique_ptr<binary> b(new binary);
  b->path_ = path;
  b->elf_ = elf_file::open(path);
  b->symbols_ = std::make_unique<elf_symbols>(*b->elf_);
  b->pclntab_ = gopclntab::load(*b->elf_);
  b->build_ = read_build_info(*b->elf_);
  if (b->build_ && !b->build_->go_version.empty()) {
    b->go_version_ = b->build_->go_version;
    b->go_version_from_ = "buildinfo";
  } else if (b->pclntab_) {
    // .go.buildinfo removed (objcopy) or unreadable: the runtime's own copy of the version.
    b->go_version_ = read_build_version(*b->elf_, *b->symbols_, b->pclntab_.get());
    if (b->go_version_) b->go_version_from_ = "runtime.buildVersion";
  }
  b->note_sections();
  return b;
}

void binary::note_sections() {
  // Only the headers: asking for the section itself would decompress it.
  for (auto& h : elf_->section_headers()) {
    if (h.name == ".debug_info" || h.name == ".zdebug_info") has_dwarf_sections_ = true;
    if (h.name.rfind(".debug_", 0) == 0 || h.name.rfind(".zdebug_", 0) == 0) dwarf_size_ += h.size;
    if (h.name == ".eh_frame") has_eh_frame_ = true;
  }
}

binary::~binary() = default;

const dwarf_info* binary::dwarf() const {
  if (!dwarf_tried_ && has_dwarf_sections_) {
    dwarf_tried_ = true;
    try {
      dwarf_ = dwarf_info::open(path_, std::move(prefetched_));
    } catch (const error& e) {
      dwarf_warnings_.push_back(e.what());
    }
    prefetched_.reset();
  }
  return dwarf_.get();
}

void binary::prefetch_dwarf() const {
  if (dwarf_tried_ || !has_dwarf_sections_ || prefetched_) return;
  try {
    prefetched_ = dw::prefetch_sections(path_);
  } catch (const error&) {
    // dwarf() says what is wrong, when it is asked.
  }
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
  return go_version_;
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
  // DWARF first: only its rows say which instructions begin a statement (is_stmt). The
  // optimizer hoists loads of a line above its first statement, and Go's own line table, which
  // has no such flag, would put the breakpoint on them, where Delve does not stop (and a step
  // from there sees other calls). Go's table for stripped binaries.
  if (auto* d = dwarf())
    pcs = d->pcs_for_line(file, line);
  else if (pclntab_)
    pcs = pclntab_->pcs_for_line(file, line);
  // One breakpoint per copy of the line: the first statement of it in each function, and in
  // each place the code was inlined into (told apart by the chain of call sites around it).
  std::sort(pcs.begin(), pcs.end());
  std::vector<file_addr> out;
  std::set<std::string> seen;
  for (auto pc : pcs) {
    auto f = function_at(pc);
    std::string key = std::to_string(f ? f->entry.value() : pc.value());
    if (pclntab_) {
      auto frames = pclntab_->inline_at(pc);
      for (std::size_t i = 1; i < frames.size(); ++i)
        key += "|" + frames[i].function + ":" + std::to_string(frames[i].line);
    }
    if (seen.insert(key).second) out.push_back(pc);
  }
  return out;
}

std::optional<std::string> binary::resolve_file(std::string_view file) const {
  if (pclntab_ && !dwarf_loaded()) {
    auto m = pclntab_->match_files(file);
    if (m.size() == 1) return m.front();
  }
  if (auto* d = dwarf()) return d->resolve_file(file);
  if (pclntab_) {
    auto m = pclntab_->match_files(file);
    if (m.size() == 1) return m.front();
  }
  return std::nullopt;
}

std::vector<function_info> binary::functions_where(
    const std::function<bool(std::string_view)>& pred, std::size_t limit) const {
  std::vector<function_info> out;
  if (pclntab_) {
    pclntab_->for_each_func([&](const go_func& f) {
      if (out.size() < limit && pred(f.name)) out.push_back(from_go(f));
    });
  } else {
    for (auto& s : symbols_->all())
      if (out.size() < limit && s.is_func && pred(strip_abi_suffix(s.name)))
        out.push_back(from_symbol(s));
  }
  std::sort(out.begin(), out.end(),
            [](const function_info& a, const function_info& b) { return a.entry < b.entry; });
  return out;
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

namespace {

// The package part of a symbol: "net/http" of "net/http.(*Server).Serve", "main" of
// "main.main.func1"; empty for names the toolchain makes up (go:string.*, type:*).
std::string_view symbol_package(std::string_view sym) {
  auto slash = sym.rfind('/', sym.find('('));
  auto dot = sym.find('.', slash == std::string_view::npos ? 0 : slash);
  if (dot == std::string_view::npos || dot == 0) return {};
  std::string_view pkg = sym.substr(0, dot);
  if (pkg == "go" || pkg == "type" || pkg.starts_with("go:") || pkg.starts_with("type:")) return {};
  for (char c : pkg)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '-' ||
          c == '_' || c == '~'))
      return {};
  return pkg;
}

// The name a package is imported under: the last element of its path ("http" of "net/http"),
// the one before a major version suffix ("rand" of "math/rand/v2").
std::string_view package_name(std::string_view path) {
  auto last = path.substr(path.rfind('/') + 1);
  if (last.size() > 1 && last[0] == 'v' &&
      last.find_first_not_of("0123456789", 1) == std::string_view::npos &&
      path.rfind('/') != std::string_view::npos) {
    auto head = path.substr(0, path.rfind('/'));
    return head.substr(head.rfind('/') + 1);
  }
  return last;
}

}  // namespace

std::optional<std::string> binary::package_path(std::string_view name) const {
  if (!packages_built_) {
    packages_built_ = true;
    auto add = [&](std::string_view sym) {
      std::string_view pkg = symbol_package(sym);
      if (pkg.empty()) return;
      packages_.emplace(std::string(pkg), std::string(pkg));
      // A short name keeps the first package met; vendored and internal copies come last.
      bool minor = pkg.find("internal") != std::string_view::npos ||
                   pkg.find("vendor/") != std::string_view::npos;
      std::string short_name(package_name(pkg));
      auto it = packages_.find(short_name);
      if (it == packages_.end())
        packages_.emplace(short_name, std::string(pkg));
      else if (!minor && it->second != short_name &&
               (it->second.find("internal") != std::string::npos ||
                it->second.find("vendor/") != std::string::npos))
        it->second = std::string(pkg);
    };
    if (pclntab_) pclntab_->for_each_func([&](const go_func& f) { add(f.name); });
    for (auto& s : symbols_->all()) add(s.name);
  }
  auto it = packages_.find(name);
  if (it == packages_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> binary::warnings() const {
  std::vector<std::string> w = elf_->warnings();
  if (pclntab_) w.insert(w.end(), pclntab_->warnings().begin(), pclntab_->warnings().end());
  w.insert(w.end(), dwarf_warnings_.begin(), dwarf_warnings_.end());
  if (dwarf_) w.insert(w.end(), dwarf_->warnings().begin(), dwarf_->warnings().end());
  return w;
}

}  // namespace godbg
