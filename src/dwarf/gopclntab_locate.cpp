// Finding the pclntab and its moduledata in a file, and reading the pcHeader.
#include <elf.h>

#include <algorithm>

#include "common/error.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

namespace {

constexpr std::uint32_t magic_116 = 0xfffffffa;
constexpr std::uint32_t magic_118 = 0xfffffff0;
constexpr std::uint32_t magic_120 = 0xfffffff1;
constexpr std::uint32_t magic_12 = 0xfffffffb;

int format_of_magic(std::uint32_t m) {
  switch (m) {
    case magic_116:
      return 116;
    case magic_118:
      return 118;
    case magic_120:
      return 120;
    default:
      return 0;
  }
}

// moduledata field offsets (64-bit) that do not move between Go 1.16 and 1.26: the pcHeader
// pointer, funcnametab's data pointer, and text.
constexpr std::uint64_t md_pcheader = 0, md_funcnametab = 8, md_text = 22 * 8;

}  // namespace

bool gopclntab::parse_header(file_addr addr, std::span<const std::uint8_t> d) {
  auto magic = load_le<std::uint32_t>(d, 0);
  if (!magic) return false;
  if (*magic == magic_12) {
    warnings_.push_back("pclntab: Go 1.2-1.15 format is not supported");
    return false;
  }
  int fmt = format_of_magic(*magic);
  if (!fmt || d.size() < 16 || d[4] != 0 || d[5] != 0) return false;
  std::uint8_t quantum = d[6], ptrsize = d[7];
  if (quantum != 1 && quantum != 2 && quantum != 4) return false;
  if (ptrsize != 8) {
    warnings_.push_back(fmt::format("pclntab: pointer size {} is not supported", ptrsize));
    return false;
  }
  auto word = [&](unsigned i) { return load_le<std::uint64_t>(d, 8 + 8 * i); };
  // Header words after nfunc/nfiles; 1.18 inserted textStart before the table offsets.
  unsigned first_off = fmt == 116 ? 2 : 3;
  std::uint64_t off[5];
  for (unsigned i = 0; i < 5; ++i) {
    auto w = word(first_off + i);
    if (!w || *w >= d.size()) return false;
    off[i] = *w;
  }
  auto nfunc = word(0), nfiles = word(1);
  if (!nfunc || !nfiles || *nfunc == 0 || *nfunc > d.size() / 8 || *nfiles > d.size()) return false;
  std::uint64_t field = fmt == 116 ? 8 : 4;
  std::uint64_t ftab_size = (*nfunc * 2 + 1) * field;
  if (ftab_size > d.size() - off[4]) return false;

  format_ = fmt;
  quantum_ = quantum;
  table_addr_ = addr;
  nfunc_ = *nfunc;
  nfiles_ = *nfiles;
  header_text_start_ = fmt == 116 ? 0 : word(2).value_or(0);
  data_ = d;
  // The linker lays the tables out in this order; when it holds, each ends where the next
  // begins, which keeps a bad offset inside one table from reading the next.
  auto table = [&](unsigned i) {
    std::uint64_t end = d.size();
    if (i + 1 < 5 && off[i + 1] >= off[i]) end = off[i + 1];
    return d.subspan(off[i], end - off[i]);
  };
  funcnametab_ = table(0);
  cutab_ = table(1);
  filetab_ = table(2);
  pctab_ = table(3);
  funcdata_ = d.subspan(off[4]);
  functab_ = funcdata_.first(ftab_size);
  return true;
}

std::optional<std::uint64_t> gopclntab::read_ptr(file_addr a) const {
  auto b = f_.bytes_at(a, 8);
  if (!b) return std::nullopt;
  auto v = load_le<std::uint64_t>(*b, 0);
  if (v && *v) return v;
  // An external linker may leave a PIE's pointer slots zero and put the value in a
  // R_X86_64_RELATIVE addend instead.
  std::call_once(relocs_once_, [&] {
    for (const auto& s : f_.section_headers()) {
      if (s.type != SHT_RELA || (s.flags & SHF_COMPRESSED)) continue;
      for (std::size_t o = 0; o + sizeof(Elf64_Rela) <= s.data.size(); o += sizeof(Elf64_Rela)) {
        auto r = *load_le<Elf64_Rela>(s.data, o);
        if (ELF64_R_TYPE(r.r_info) == R_X86_64_RELATIVE)
          relative_relocs_.emplace_back(r.r_offset, std::uint64_t(r.r_addend));
      }
    }
    std::sort(relative_relocs_.begin(), relative_relocs_.end());
  });
  auto it = std::lower_bound(relative_relocs_.begin(), relative_relocs_.end(),
                             std::pair<std::uint64_t, std::uint64_t>(a.value(), 0));
  if (it != relative_relocs_.end() && it->first == a.value()) return it->second;
  return v;
}

void gopclntab::find_moduledata() const {
  std::call_once(module_once_, [&] {
    const std::uint64_t funcnames = table_addr_.value() + (funcnametab_.data() - data_.data());
    auto is_moduledata = [&](file_addr md) {
      return read_ptr(md + md_pcheader) == table_addr_.value() &&
             read_ptr(md + md_funcnametab) == funcnames;
    };
    std::optional<file_addr> found;
    if (auto* s = f_.section(".go.module"); s && is_moduledata(s->addr)) found = s->addr;
    // Before Go 1.26, runtime.firstmoduledata sits somewhere in the writable data: look for
    // the slot that points at our pcHeader, in the file or in a relocation.
    for (const auto& seg : f_.load_segments()) {
      if (found || !(seg.flags & PF_W)) continue;
      auto bytes = f_.bytes_at(seg.vaddr, seg.filesz);
      if (!bytes) continue;
      std::uint64_t skew = (8 - seg.vaddr.value() % 8) % 8;
      for (std::uint64_t o = skew; o + 8 <= bytes->size(); o += 8) {
        if (*load_le<std::uint64_t>(*bytes, o) != table_addr_.value()) continue;
        if (is_moduledata(seg.vaddr + o)) {
          found = seg.vaddr + o;
          break;
        }
      }
    }
    if (!found) {
      read_ptr(file_addr(0));  // makes sure the relocations are indexed
      for (const auto& [where, addend] : relative_relocs_)
        if (addend == table_addr_.value() && is_moduledata(file_addr(where))) {
          found = file_addr(where);
          break;
        }
    }
    if (!found) return;
    moduledata_info md{*found, std::nullopt, std::nullopt};
    if (auto t = read_ptr(*found + md_text)) md.text = file_addr(*t);
    // gofunc follows rodata. Go 1.20 inserted covctrs/ecovctrs before them, so the slot moved
    // from 38 to 40 (x8); confirm it by rodata's value when the .rodata section says it.
    std::vector<std::uint64_t> slots =
        format_ >= 120 ? std::vector<std::uint64_t>{40, 38} : std::vector<std::uint64_t>{38, 40};
    std::uint64_t pick = slots[0];
    if (auto* ro = f_.section(".rodata")) {
      for (auto slot : slots)
        if (read_ptr(*found + (slot - 1) * 8) == ro->addr.value()) {
          pick = slot;
          break;
        }
    }
    if (auto g = read_ptr(*found + pick * 8); g && f_.bytes_from(file_addr(*g)))
      md.gofunc = file_addr(*g);
    module_ = md;
  });
}

std::optional<file_addr> gopclntab::gofunc() const {
  find_moduledata();
  return module_ ? module_->gofunc : std::nullopt;
}

bool gopclntab::resolve_text_start() {
  // The header's textStart is authoritative up to Go 1.25; 1.26 writes 0 there and the
  // runtime uses moduledata.text instead (see pcHeader in runtime/symtab.go).
  if (header_text_start_) {
    text_start_ = file_addr(header_text_start_);
  } else {
    find_moduledata();
    if (module_ && module_->text) {
      text_start_ = *module_->text;
    } else if (auto* t = f_.section(".text")) {
      warnings_.push_back("pclntab: no moduledata found; assuming text starts at .text");
      text_start_ = t->addr;
    } else if (format_ != 116) {
      warnings_.push_back("pclntab: cannot tell where text starts");
      return false;
    }
  }
  // Sanity: the first function must be code in the file.
  auto first = entry_of(0);
  bool in_exec = false;
  if (first)
    for (const auto& seg : f_.load_segments())
      if ((seg.flags & PF_X) && *first >= seg.vaddr &&
          first->value() - seg.vaddr.value() < seg.memsz)
        in_exec = true;
  if (!in_exec) {
    warnings_.push_back("pclntab: first function is not in an executable segment");
    return false;
  }
  if (format_ == 116 && text_start_ == file_addr()) text_start_ = *first;
  return true;
}

std::unique_ptr<gopclntab> gopclntab::load(const elf_file& f) {
  std::unique_ptr<gopclntab> t(new gopclntab(f));
  bool ok = false;
  for (const char* name : {".gopclntab", ".data.rel.ro.gopclntab"}) {
    if (auto* s = f.section(name); s && !ok) {
      ok = t->parse_header(s->addr, s->data);
      if (ok) t->found_by_ = "section";
      if (!ok) t->warnings_.push_back(fmt::format("pclntab: section {} has no valid header", name));
    }
  }
  if (!ok) {
    if (auto* s = f.section(".go.module")) {
      if (auto p = load_le<std::uint64_t>(s->data, 0))
        if (auto d = f.bytes_from(file_addr(*p))) ok = t->parse_header(file_addr(*p), *d);
      if (ok) t->found_by_ = "moduledata";
    }
  }
  // Last resort: the header magic at an 8-aligned address in a read-only segment.
  for (const auto& seg : f.load_segments()) {
    if (ok || (seg.flags & PF_X)) continue;
    auto bytes = f.bytes_at(seg.vaddr, seg.filesz);
    if (!bytes) continue;
    std::uint64_t skew = (8 - seg.vaddr.value() % 8) % 8;
    for (std::uint64_t o = skew; o + 8 <= bytes->size() && !ok; o += 8) {
      auto m = *load_le<std::uint32_t>(*bytes, o);
      if (!format_of_magic(m)) continue;
      std::size_t nwarn = t->warnings_.size();
      ok = t->parse_header(seg.vaddr + o, bytes->subspan(o)) && t->resolve_text_start() &&
           (t->usable_ = true, t->record(0).has_value());
      if (!ok) {
        t->usable_ = false;
        t->warnings_.resize(nwarn);
      }
    }
    if (ok) {
      t->found_by_ = "scan";
      return t;
    }
  }
  if (!ok) return nullptr;
  if (!t->resolve_text_start()) return t;  // a table that answers nothing, with the reason
  t->usable_ = true;
  if (!t->record(0)) t->warnings_.push_back("pclntab: first function record is corrupt");
  return t;
}

}  // namespace godbg
