// Finding the pclntab and its moduledata in a file, and reading the pcHeader.
#include <elf.h>

#include <algorithm>
#include <array>

#include "common/error.hpp"
#include "dwarf/go_moduledata.hpp"
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

void gopclntab::find_moduledata() const {
  std::call_once(module_once_, [&] {
    const auto offset_of = [&](std::span<const std::uint8_t> t) {
      return table_addr_.value() + std::uint64_t(t.data() - data_.data());
    };
    moduledata_expect expect;
    expect.pcheader = table_addr_.value();
    expect.funcnametab = offset_of(funcnametab_);
    expect.pclntable = offset_of(funcdata_);
    expect.segment_of = [&](std::uint64_t a) -> std::optional<moduledata_expect::segment_kind> {
      for (const auto& seg : f_.load_segments())
        if (a >= seg.vaddr.value() && a - seg.vaddr.value() < seg.filesz)
          return moduledata_expect::segment_kind{(seg.flags & PF_X) != 0, (seg.flags & PF_W) != 0,
                                                 seg.vaddr.value(), seg.vaddr.value() + seg.filesz};
      return std::nullopt;
    };
    auto decode_at = [&](file_addr md) -> std::optional<moduledata_fields> {
      if (f_.pointer_at(md) != expect.pcheader) return std::nullopt;
      std::array<std::uint64_t, moduledata_words> words{};
      for (std::size_t k = 0; k < words.size(); ++k)
        words[k] = f_.pointer_at(md + 8 * k).value_or(0);
      return decode_moduledata(words, expect);
    };
    std::optional<file_addr> found;
    std::optional<moduledata_fields> fields;
    auto try_at = [&](file_addr md) {
      if (!found && (fields = decode_at(md))) found = md;
    };
    if (auto* s = f_.section(".go.module")) try_at(s->addr);
    // Before Go 1.26, runtime.firstmoduledata sits somewhere in the writable data: look for
    // the slot that points at our pcHeader, in the file or in a relocation.
    for (const auto& seg : f_.load_segments()) {
      if (found || !(seg.flags & PF_W)) continue;
      auto bytes = f_.bytes_at(seg.vaddr, seg.filesz);
      if (!bytes) continue;
      std::uint64_t skew = (8 - seg.vaddr.value() % 8) % 8;
      for (std::uint64_t o = skew; o + 8 <= bytes->size() && !found; o += 8)
        if (*load_le<std::uint64_t>(*bytes, o) == table_addr_.value()) try_at(seg.vaddr + o);
    }
    if (!found) {
      for (const auto& [where, addend] : f_.relative_relocations())
        if (addend == table_addr_.value()) try_at(file_addr(where));
    }
    if (!found) return;
    moduledata_info md{*found, fields->text, std::nullopt, fields->gofunc_by};
    // Go 1.16/1.17 funcdata are absolute pointers: there is no gofunc to use.
    if (format_ >= 118 && fields->gofunc && f_.bytes_from(*fields->gofunc)) {
      md.gofunc = fields->gofunc;
      // Where section headers are left, rodata says whether the structure was read right
      // (runtime.rodata starts .rodata, or lies inside it after an external linker's data).
      if (auto* ro = f_.section(".rodata");
          ro && (fields->rodata < ro->addr || *fields->rodata - ro->addr >= std::int64_t(ro->size)))
        warnings_.push_back(fmt::format(
            "moduledata: rodata {:#x} is outside the .rodata section; gofunc may be wrong",
            fields->rodata->value()));
    }
    module_ = md;
  });
}

std::optional<file_addr> gopclntab::gofunc() const {
  find_moduledata();
  return module_ ? module_->gofunc : std::nullopt;
}

std::optional<file_addr> gopclntab::moduledata_addr() const {
  find_moduledata();
  return module_ ? std::optional<file_addr>(module_->addr) : std::nullopt;
}

std::string_view gopclntab::gofunc_found_by() const {
  find_moduledata();
  return module_ && module_->gofunc ? module_->gofunc_by : std::string_view();
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
