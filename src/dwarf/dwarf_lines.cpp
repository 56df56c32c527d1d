// Line tables: decoded per CU on first use (dwarf_srclines_b), then answered from sorted rows.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "dwarf/dwarf_impl.hpp"

namespace godbg {

namespace {

// Owns a libdwarf line context.
struct line_context {
  Dwarf_Line_Context ctx = nullptr;
  ~line_context() {
    if (ctx) dwarf_srclines_dealloc_b(ctx);
  }
};

bool ends_with_path(std::string_view full, std::string_view spec) {
  if (full == spec) return true;
  return full.size() > spec.size() && full.ends_with(spec) &&
         full[full.size() - spec.size() - 1] == '/';
}

}  // namespace

const line_table& dwarf_info::impl::lines_of(std::size_t cu) {
  load_cus();
  if (lines[cu]) return *lines[cu];
  auto table = std::make_unique<line_table>();
  dw::die cu_die = dw::die_at(d(), cus[cu].die_offset);
  dw::err_slot err(d());
  line_context lc;
  Dwarf_Unsigned version = 0;
  Dwarf_Small table_count = 0;
  Dwarf_Line* buf = nullptr;
  Dwarf_Signed n = 0;
  if (!cu_die) {
    warn(fmt::format("CU {:#x}: cannot read its DIE", cus[cu].die_offset));
  } else if (int r = dwarf_srclines_b(cu_die.get(), &version, &table_count, &lc.ctx, err.p());
             r != DW_DLV_OK) {
    if (r == DW_DLV_ERROR)
      warn(fmt::format("CU {} ({:#x}): line table: {}", cus[cu].name, cus[cu].die_offset,
                       err.message()));
    lc.ctx = nullptr;
  } else if (dwarf_srclines_from_linecontext(lc.ctx, &buf, &n, err.p()) != DW_DLV_OK) {
    warn(fmt::format("CU {}: line rows: {}", cus[cu].name, err.message()));
    n = 0;
  }
  // File numbers map to full paths through dwarf_linesrc, asked once per file number.
  std::map<Dwarf_Unsigned, std::uint32_t> file_index;
  table->rows.reserve(std::size_t(std::max<Dwarf_Signed>(n, 0)));
  for (Dwarf_Signed i = 0; i < n; ++i) {
    Dwarf_Line ln = buf[i];
    line_row row;
    Dwarf_Addr addr = 0;
    Dwarf_Unsigned lineno = 0, fileno = 0, isa = 0, discr = 0;
    Dwarf_Bool stmt = false, end = false, pend = false, ebegin = false;
    if (dwarf_lineaddr(ln, &addr, err.p()) != DW_DLV_OK) continue;
    dwarf_lineno(ln, &lineno, err.p());
    dwarf_linebeginstatement(ln, &stmt, err.p());
    dwarf_lineendsequence(ln, &end, err.p());
    dwarf_prologue_end_etc(ln, &pend, &ebegin, &isa, &discr, err.p());
    dwarf_line_srcfileno(ln, &fileno, err.p());
    auto [it, fresh] = file_index.try_emplace(fileno, std::uint32_t(table->files.size()));
    if (fresh) {
      char* src = nullptr;
      std::string name = "?";
      if (dwarf_linesrc(ln, &src, err.p()) == DW_DLV_OK && src) {
        name = clean_path(src);
        dwarf_dealloc(d(), src, DW_DLA_STRING);
      }
      // A DWARF 5 line program that never sets the file register means file 1 (the register
      // starts at 1), but this libdwarf starts it at 0, where Go's linker writes "?".
      if (name == "?" && fileno == 0 && version >= 5) {
        const auto& names = srcfiles_of(cu);
        if (names.size() > 1) name = names[1];
      }
      table->files.push_back(std::move(name));
    }
    row.addr = addr;
    row.file = it->second;
    row.line = int(lineno);
    row.is_stmt = stmt;
    row.end_sequence = end;
    row.prologue_end = pend;
    table->rows.push_back(row);
  }
  const auto& rows = table->rows;
  for (std::size_t i = 0; i + 1 < rows.size(); ++i)
    if (!rows[i].end_sequence && rows[i + 1].addr > rows[i].addr)
      table->by_addr.push_back(std::uint32_t(i));
  std::stable_sort(table->by_addr.begin(), table->by_addr.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return rows[a].addr < rows[b].addr; });
  lines[cu] = std::move(table);
  return *lines[cu];
}

std::string clean_path(std::string_view p) {
  while (p.starts_with("./")) p.remove_prefix(2);
  return std::string(p);
}

const std::vector<std::string>& dwarf_info::impl::srcfiles_of(std::size_t cu) {
  load_cus();
  if (srcfiles.size() != cus.size()) {
    srcfiles.resize(cus.size());
    srcfiles_loaded.assign(cus.size(), false);
  }
  if (!srcfiles_loaded[cu]) {
    srcfiles_loaded[cu] = true;
    // dwarf_srcfiles reads only the line program header: much cheaper than the rows.
    dw::die cu_die = dw::die_at(d(), cus[cu].die_offset);
    dw::err_slot err(d());
    char** names = nullptr;
    Dwarf_Signed n = 0;
    if (cu_die && dwarf_srcfiles(cu_die.get(), &names, &n, err.p()) == DW_DLV_OK) {
      for (Dwarf_Signed i = 0; i < n; ++i) {
        srcfiles[cu].push_back(clean_path(names[i] ? names[i] : "?"));
        dwarf_dealloc(d(), names[i], DW_DLA_STRING);
      }
      dwarf_dealloc(d(), names, DW_DLA_LIST);
    }
  }
  return srcfiles[cu];
}

std::string dwarf_info::impl::file_of(std::size_t cu, std::uint64_t fileno) {
  const auto& files = srcfiles_of(cu);
  // DWARF 5 numbers files from 0; earlier versions from 1 (libdwarf's list starts at file 1).
  std::uint64_t idx = cus[cu].version >= 5 ? fileno : fileno - 1;
  if (idx >= files.size()) return {};
  return files[idx];
}

const std::vector<std::string>& dwarf_info::impl::all_files_list() {
  if (all_files) return *all_files;
  load_cus();
  std::set<std::string> s;
  for (std::size_t cu = 0; cu < cus.size(); ++cu)
    for (const auto& f : srcfiles_of(cu))
      if (f != "?" && f != "<autogenerated>") s.insert(f);
  all_files.emplace(s.begin(), s.end());
  return *all_files;
}

std::optional<std::string> dwarf_info::impl::resolve_file(std::string_view spec) {
  const auto& all = all_files_list();
  if (std::binary_search(all.begin(), all.end(), spec)) return std::string(spec);
  std::vector<std::string> hits;
  for (const auto& f : all)
    if (ends_with_path(f, spec)) hits.push_back(f);
  if (hits.empty()) return std::nullopt;
  if (hits.size() > 1) {
    std::string list;
    for (std::size_t i = 0; i < hits.size() && i < 5; ++i) list += (i ? ", " : "") + hits[i];
    if (hits.size() > 5) list += ", ...";
    fail("file name '{}' is ambiguous: {} files match ({})", spec, hits.size(), list);
  }
  return hits.front();
}

std::optional<dwarf_line> dwarf_info::line_at(file_addr pc) const {
  auto cu = impl_->cu_for_pc(pc.value());
  if (!cu) return std::nullopt;
  const line_table& t = impl_->lines_of(*cu);
  const auto& rows = t.rows;
  auto it = std::upper_bound(t.by_addr.begin(), t.by_addr.end(), pc.value(),
                             [&](std::uint64_t v, std::uint32_t i) { return v < rows[i].addr; });
  if (it == t.by_addr.begin()) return std::nullopt;
  std::uint32_t i = *std::prev(it);
  if (pc.value() >= rows[i + 1].addr) return std::nullopt;
  const line_row& r = rows[i];
  return dwarf_line{file_addr(r.addr), t.files[r.file], r.line, r.is_stmt, r.prologue_end};
}

std::vector<file_addr> dwarf_info::pcs_for_line(std::string_view file, int line) const {
  auto path = impl_->resolve_file(file);
  if (!path) return {};
  std::vector<file_addr> out;
  for (std::size_t cu = 0; cu < impl_->cus.size(); ++cu) {
    const auto& header_files = impl_->srcfiles_of(cu);
    if (std::find(header_files.begin(), header_files.end(), *path) == header_files.end()) continue;
    const line_table& t = impl_->lines_of(cu);
    auto f = std::find(t.files.begin(), t.files.end(), *path);
    if (f == t.files.end()) continue;
    auto fi = std::uint32_t(f - t.files.begin());
    for (const auto& r : t.rows)
      if (r.file == fi && r.line == line && r.is_stmt && !r.end_sequence)
        out.push_back(file_addr(r.addr));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> dwarf_info::files() const {
  return impl_->all_files_list();
}

std::optional<std::string> dwarf_info::resolve_file(std::string_view file) const {
  return impl_->resolve_file(file);
}

std::optional<file_addr> dwarf_info::body_start(const dwarf_function& f) const {
  auto cu = impl_->cu_for_pc(f.low.value());
  if (!cu) return std::nullopt;
  const line_table& t = impl_->lines_of(*cu);
  const auto& rows = t.rows;
  // All rows of the function, zero-length ones included: a prologue_end row may share its
  // address with the next row.
  std::vector<std::uint32_t> in;
  for (std::uint32_t i = 0; i < rows.size(); ++i)
    if (!rows[i].end_sequence && rows[i].addr >= f.low.value() && rows[i].addr < f.high.value())
      in.push_back(i);
  std::stable_sort(in.begin(), in.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return rows[a].addr < rows[b].addr; });
  if (in.empty()) return f.low;
  for (auto i : in)
    if (rows[i].prologue_end) return file_addr(rows[i].addr);
  int entry_line = rows[in.front()].line;
  for (auto i : in)
    if (rows[i].addr > f.low.value() && rows[i].is_stmt && rows[i].line != entry_line)
      return file_addr(rows[i].addr);
  return f.low;
}

std::vector<dwarf_line> dwarf_info::line_rows(file_addr low, file_addr high) const {
  std::vector<dwarf_line> out;
  auto cu = impl_->cu_for_pc(low.value());
  if (!cu) return out;
  const line_table& t = impl_->lines_of(*cu);
  const auto& rows = t.rows;
  // The first row whose span starts at or after low, found through the sorted spans; then back
  // over zero-length rows at its address and on through its sequence in program order.
  auto it = std::lower_bound(t.by_addr.begin(), t.by_addr.end(), low.value(),
                             [&](std::uint32_t i, std::uint64_t v) { return rows[i].addr < v; });
  if (it == t.by_addr.end()) return out;
  std::size_t i = *it;
  while (i > 0 && !rows[i - 1].end_sequence && rows[i - 1].addr == rows[i].addr) --i;
  for (; i < rows.size() && !rows[i].end_sequence; ++i) {
    const line_row& r = rows[i];
    if (r.addr >= high.value()) break;
    if (r.addr < low.value()) continue;
    out.push_back(
        dwarf_line{file_addr(r.addr), t.files[r.file], r.line, r.is_stmt, r.prologue_end});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const dwarf_line& a, const dwarf_line& b) { return a.addr < b.addr; });
  return out;
}

}  // namespace godbg
