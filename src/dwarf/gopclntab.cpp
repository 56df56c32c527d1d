// Queries on the pclntab: functions by pc and name, pc -> file:line, pcsp.
#include "dwarf/gopclntab.hpp"

#include <algorithm>

#include "dwarf/gopclntab_pcvalue.hpp"

namespace godbg {

namespace {
constexpr std::string_view abi0_suffix = ".abi0";
constexpr std::uint32_t no_cu = ~0u;
}  // namespace

std::optional<file_addr> gopclntab::entry_of(std::uint64_t i) const {
  if (i > nfunc_) return std::nullopt;
  // Since Go 1.18 the functab holds 32-bit offsets from text start; before, absolute pcs.
  if (format_ == 116) {
    auto v = load_le<std::uint64_t>(functab_, i * 16);
    return v ? std::optional<file_addr>(file_addr(*v)) : std::nullopt;
  }
  auto v = load_le<std::uint32_t>(functab_, i * 8);
  return v ? std::optional<file_addr>(text_start_ + *v) : std::nullopt;
}

std::optional<std::uint32_t> gopclntab::index_at(file_addr pc) const {
  if (!usable_) return std::nullopt;
  auto first = entry_of(0), last = entry_of(nfunc_);
  if (!first || !last || pc < *first || pc >= *last) return std::nullopt;
  // Largest i with entry(i) <= pc.
  std::uint64_t lo = 0, hi = nfunc_;  // entry(lo) <= pc < entry(hi)
  while (hi - lo > 1) {
    std::uint64_t mid = lo + (hi - lo) / 2;
    if (*entry_of(mid) <= pc)
      lo = mid;
    else
      hi = mid;
  }
  return static_cast<std::uint32_t>(lo);
}

std::optional<gopclntab::func_rec> gopclntab::record(std::uint32_t i) const {
  if (!usable_ || i >= nfunc_) return std::nullopt;
  auto entry = entry_of(i), end = entry_of(i + 1);
  std::uint64_t field = format_ == 116 ? 8 : 4;
  std::optional<std::uint64_t> off;
  if (format_ == 116)
    off = load_le<std::uint64_t>(functab_, (2 * i + 1) * field);
  else if (auto o = load_le<std::uint32_t>(functab_, (2 * i + 1) * field))
    off = *o;
  if (!entry || !end || !off || *end < *entry) return std::nullopt;

  func_rec r;
  r.index = i;
  r.entry = *entry;
  r.end = *end;
  r.rec_off = *off;
  // runtime._func: the entry (a pointer before 1.18, a text offset since), then int32 fields;
  // 1.20 added startLine before funcID.
  std::uint64_t base = *off;
  std::uint64_t p = base + (format_ == 116 ? 8 : 4);
  auto u32 = [&](std::uint64_t o) { return load_le<std::uint32_t>(funcdata_, o); };
  std::uint64_t id_off = p + (format_ == 120 ? 36 : 32);
  auto name = u32(p), pcsp = u32(p + 12), pcfile = u32(p + 16), pcln = u32(p + 20),
       npcdata = u32(p + 24), cu = u32(p + 28), ids = u32(id_off);
  if (!name || !pcsp || !pcfile || !pcln || !npcdata || !cu || !ids) return std::nullopt;
  // The record's own entry must agree with the functab's, or we are reading garbage.
  if (format_ == 116) {
    if (load_le<std::uint64_t>(funcdata_, base) != entry->value()) return std::nullopt;
  } else if (auto e = u32(base); !e || text_start_ + *e != *entry) {
    return std::nullopt;
  }
  r.name_off = static_cast<std::int32_t>(*name);
  r.pcsp = *pcsp;
  r.pcfile = *pcfile;
  r.pcln = *pcln;
  r.cu_off = *cu;
  r.func_id = static_cast<std::uint8_t>(*ids);
  r.flag = static_cast<std::uint8_t>(*ids >> 8);
  r.nfuncdata = static_cast<std::uint8_t>(*ids >> 24);
  // A pcdata count that runs off the table is corrupt; drop the arrays, keep the rest.
  std::uint64_t arrays = id_off + 4;
  r.npcdata = *npcdata <= (funcdata_.size() - std::min<std::uint64_t>(arrays, funcdata_.size())) / 4
                  ? *npcdata
                  : 0;
  return r;
}

std::optional<std::string_view> gopclntab::name_of(const func_rec& r) const {
  if (r.name_off < 0) return std::nullopt;
  return load_cstr(funcnametab_, static_cast<std::uint64_t>(r.name_off));
}

go_func gopclntab::to_go_func(const func_rec& r) const {
  go_func g;
  g.name = std::string(name_of(r).value_or("?"));
  g.entry = r.entry;
  g.end = r.end;
  g.func_id = r.func_id;
  g.flag = r.flag;
  g.index = static_cast<std::int32_t>(r.index);
  return g;
}

std::optional<go_func> gopclntab::func_at(file_addr pc) const {
  auto i = index_at(pc);
  if (!i) return std::nullopt;
  auto r = record(*i);
  if (!r) return std::nullopt;
  return to_go_func(*r);
}

std::optional<go_func> gopclntab::func_by_name(std::string_view name) const {
  if (!usable_) return std::nullopt;
  std::call_once(names_once_, [&] {
    names_.reserve(nfunc_);
    // Names repeat for ABI wrappers (a Go function and its ABI0 entry, an assembly function
    // and its ABIInternal entry). The wrappers come later in the table, so the first wins,
    // except that an assembly body (FuncFlag_ASM) beats the compiled wrapper of it.
    constexpr std::uint8_t flag_asm = 4;
    std::vector<std::uint8_t> flags;
    flags.reserve(nfunc_);
    for (std::uint32_t i = 0; i < nfunc_; ++i) {
      auto r = record(i);
      flags.push_back(r ? r->flag : 0);
      auto n = r ? name_of(*r) : std::nullopt;
      if (!n) continue;
      auto [it, fresh] = names_.try_emplace(*n, i);
      if (!fresh && (r->flag & flag_asm) && !(flags[it->second] & flag_asm)) it->second = i;
    }
  });
  auto it = names_.find(name);
  if (it == names_.end() && name.ends_with(abi0_suffix))
    it = names_.find(name.substr(0, name.size() - abi0_suffix.size()));
  if (it == names_.end()) return std::nullopt;
  auto r = record(it->second);
  if (!r) return std::nullopt;
  return to_go_func(*r);
}

bool gopclntab::knows_wrappers() const {
  std::call_once(wrapper_once_, [&] {
    if (auto d = func_by_name("runtime.deferreturn"); d && d->func_id) wrapper_id_ = d->func_id;
  });
  return wrapper_id_.has_value();
}

bool gopclntab::is_wrapper(const go_func& f) const {
  return knows_wrappers() && f.func_id == *wrapper_id_;
}

void gopclntab::for_each_func(const std::function<void(const go_func&)>& fn) const {
  if (!usable_) return;
  for (std::uint32_t i = 0; i < nfunc_; ++i)
    if (auto r = record(i)) fn(to_go_func(*r));
}

std::optional<std::int32_t> gopclntab::value_at(std::uint32_t table, const func_rec& r,
                                                file_addr pc) const {
  if (table == 0 || table >= pctab_.size()) return std::nullopt;  // 0: no table
  return pcvalue_at(pctab_.subspan(table), r.entry.value(), r.end.value(), quantum_, pc.value());
}

std::optional<std::uint32_t> gopclntab::file_off_of(const func_rec& r, std::int32_t fileno) const {
  // pcfile values index the function's compilation unit's slice of cutab, whose entries are
  // offsets into filetab (~0: no file).
  if (fileno < 0 || r.cu_off == no_cu) return std::nullopt;
  auto off = load_le<std::uint32_t>(cutab_, (std::uint64_t(r.cu_off) + std::uint64_t(fileno)) * 4);
  if (!off || *off == no_cu) return std::nullopt;
  return off;
}

std::optional<std::string_view> gopclntab::file_of(const func_rec& r, std::int32_t fileno) const {
  auto off = file_off_of(r, fileno);
  if (!off) return std::nullopt;
  return load_cstr(filetab_, *off);
}

std::optional<go_line> gopclntab::line_at(file_addr pc) const {
  auto i = index_at(pc);
  if (!i) return std::nullopt;
  auto r = record(*i);
  if (!r) return std::nullopt;
  auto fileno = value_at(r->pcfile, *r, pc);
  auto line = value_at(r->pcln, *r, pc);
  if (!fileno || !line || *line < 0) return std::nullopt;
  auto file = file_of(*r, *fileno);
  if (!file) return std::nullopt;
  return go_line{std::string(*file), *line};
}

std::optional<std::int64_t> gopclntab::sp_delta_at(file_addr pc) const {
  auto i = index_at(pc);
  if (!i) return std::nullopt;
  auto r = record(*i);
  if (!r) return std::nullopt;
  auto v = value_at(r->pcsp, *r, pc);
  if (!v) return std::nullopt;
  return *v;
}

std::vector<std::string> gopclntab::files() const {
  std::vector<std::string> out;
  if (!usable_) return out;
  std::uint64_t pos = 0;
  for (std::uint64_t i = 0; i < nfiles_; ++i) {
    auto s = load_cstr(filetab_, pos);
    if (!s) break;
    if (!s->empty()) out.emplace_back(*s);
    pos += s->size() + 1;
  }
  return out;
}

}  // namespace godbg
