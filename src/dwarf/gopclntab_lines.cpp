// pclntab queries that walk tables: file:line -> pcs, and the inline tree at a pc.
#include <algorithm>

#include "common/error.hpp"
#include "dwarf/gopclntab.hpp"
#include "dwarf/gopclntab_pcvalue.hpp"

namespace godbg {

namespace {
constexpr std::uint32_t pcdata_inl_tree_index = 2;  // abi.PCDATA_InlTreeIndex
constexpr std::uint32_t funcdata_inl_tree = 3;      // abi.FUNCDATA_InlTree (Go >= 1.16)
constexpr int max_inline_depth = 256;               // guards against a cyclic corrupt tree
}  // namespace

std::optional<std::uint32_t> gopclntab::pcdata_table(const func_rec& r, std::uint32_t k) const {
  if (k >= r.npcdata) return std::nullopt;
  std::uint64_t fixed = format_ == 118 ? 40 : 44;  // sizeof(_func) without the arrays
  return load_le<std::uint32_t>(funcdata_, r.rec_off + fixed + 4ull * k);
}

std::optional<file_addr> gopclntab::funcdata_addr(const func_rec& r, std::uint32_t k) const {
  if (k >= r.nfuncdata) return std::nullopt;
  std::uint64_t fixed = format_ == 118 ? 40 : 44;
  std::uint64_t arr = r.rec_off + fixed + 4ull * r.npcdata;
  if (format_ == 116) {
    // Go 1.16/1.17: pointer-aligned absolute pointers (0: none).
    std::uint64_t abs = table_addr_.value() + std::uint64_t(funcdata_.data() - data_.data()) + arr;
    if (abs % 8) arr += 4;
    auto p = load_le<std::uint64_t>(funcdata_, arr + 8ull * k);
    if (!p || *p == 0) return std::nullopt;
    return file_addr(*p);
  }
  // Go >= 1.18: 32-bit offsets from moduledata.gofunc (~0: none).
  auto off = load_le<std::uint32_t>(funcdata_, arr + 4ull * k);
  if (!off || *off == ~0u) return std::nullopt;
  auto base = gofunc();
  if (!base) return std::nullopt;
  return *base + *off;
}

std::vector<go_inline_frame> gopclntab::inline_at(file_addr pc) const {
  std::vector<go_inline_frame> out;
  auto i = index_at(pc);
  if (!i) return out;
  auto r = record(*i);
  if (!r) return out;
  auto here = [&](file_addr at, std::string function, int call) {
    go_inline_frame fr{std::move(function), "?", 0, call};
    auto fileno = value_at(r->pcfile, *r, at);
    auto line = value_at(r->pcln, *r, at);
    if (fileno)
      if (auto f = file_of(*r, *fileno)) fr.file = std::string(*f);
    if (line && *line >= 0) fr.line = *line;
    out.push_back(std::move(fr));
  };
  const std::string outer(name_of(*r).value_or("?"));
  auto tree_idx = pcdata_table(*r, pcdata_inl_tree_index);
  auto tree = funcdata_addr(*r, funcdata_inl_tree);
  // inlinedCall: Go >= 1.20 {funcID u8, _ [3]u8, nameOff i32, parentPc i32, startLine i32};
  // before, {parent i16, funcID u8, _ u8, file i32, line i32, nameOff i32, parentPc i32}.
  const std::uint64_t rec_size = format_ == 120 ? 16 : 20;
  const std::uint64_t name_at = format_ == 120 ? 4 : 12, parent_pc_at = format_ == 120 ? 8 : 16;

  // Each step moves to the call site of the current inlined body (runtime/symtabinl.go).
  file_addr at = pc;
  for (int depth = 0; depth < max_inline_depth; ++depth) {
    std::optional<std::int32_t> ix;
    if (tree_idx && tree) ix = value_at(*tree_idx, *r, at);
    if (!ix || *ix < 0) break;
    auto rec = f_.bytes_at(*tree + std::int64_t(*ix) * std::int64_t(rec_size), rec_size);
    if (!rec) break;
    auto name_off = *load_le<std::int32_t>(*rec, name_at);
    auto parent_pc = *load_le<std::int32_t>(*rec, parent_pc_at);
    std::optional<std::string_view> name;
    if (name_off >= 0) name = load_cstr(funcnametab_, std::uint64_t(name_off));
    here(at, std::string(name.value_or("?")), *ix);
    if (parent_pc < 0 || std::uint64_t(parent_pc) >= std::uint64_t(r->end - r->entry)) {
      at = file_addr();  // corrupt: the outer frame gets no line
      break;
    }
    at = r->entry + parent_pc;
  }
  if (at == file_addr())
    out.push_back({outer, "?", 0, -1});
  else
    here(at, outer, -1);
  return out;
}

std::vector<std::string> gopclntab::match_files(std::string_view file) const {
  std::vector<std::string> out;
  if (file.empty()) return out;
  for (auto& f : files()) {
    if (f == file) return {f};  // an exact path beats any suffix match
    if (f.size() > file.size() && f.ends_with(file) && f[f.size() - file.size() - 1] == '/' &&
        std::find(out.begin(), out.end(), f) == out.end())
      out.push_back(f);
  }
  return out;
}

void gopclntab::funcs_in_file(std::uint32_t file_off, int line, std::vector<file_addr>& out) const {
  for (std::uint32_t i = 0; i < nfunc_; ++i) {
    auto r = record(i);
    if (!r || r->cu_off == ~0u || r->pcfile == 0 || r->pcln == 0) continue;
    if (r->pcfile >= pctab_.size() || r->pcln >= pctab_.size()) continue;
    pcvalue_reader files(pctab_.subspan(r->pcfile), r->entry.value(), r->end.value(), quantum_);
    pcvalue_reader lines(pctab_.subspan(r->pcln), r->entry.value(), r->end.value(), quantum_);
    pc_run fl, ll;
    bool have_line = lines.next(ll);
    std::optional<std::uint64_t> prev_end;  // end of the last matching piece, to merge runs
    while (files.next(fl)) {
      if (file_off_of(*r, fl.value) != file_off) continue;
      while (have_line && ll.end <= fl.start) have_line = lines.next(ll);
      while (have_line && ll.start < fl.end) {
        if (ll.value == line) {
          std::uint64_t s = std::max(ll.start, fl.start), e = std::min(ll.end, fl.end);
          if (prev_end != s) out.push_back(file_addr(s));
          prev_end = e;
        }
        if (ll.end > fl.end) break;
        have_line = lines.next(ll);
      }
    }
  }
}

std::vector<file_addr> gopclntab::pcs_for_line(std::string_view file, int line) const {
  std::vector<file_addr> out;
  auto matches = match_files(file);
  if (matches.size() > 1) {
    std::string list;
    for (std::size_t k = 0; k < matches.size() && k < 5; ++k) list += (k ? ", " : "") + matches[k];
    if (matches.size() > 5) list += ", ...";
    fail("{}: ambiguous file name, matches {}", file, list);
  }
  if (matches.empty()) return out;
  // Files are compared by their offset in filetab, where the linker stores each path once.
  std::uint64_t pos = 0;
  for (std::uint64_t k = 0; k < nfiles_; ++k) {
    auto s = load_cstr(filetab_, pos);
    if (!s) break;
    if (*s == matches[0]) funcs_in_file(static_cast<std::uint32_t>(pos), line, out);
    pos += s->size() + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace godbg
