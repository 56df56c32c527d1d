#include "dwarf/elf_symbols.hpp"

#include <elf.h>

#include <algorithm>

#include "common/error.hpp"

namespace godbg {

namespace {
constexpr std::string_view abi0_suffix = ".abi0";
}

elf_symbols::elf_symbols(const elf_file& f) {
  const elf_section* tab = nullptr;
  for (std::uint32_t want : {SHT_SYMTAB, SHT_DYNSYM}) {
    const auto& hdrs = f.section_headers();
    for (std::size_t i = 0; i < hdrs.size() && !tab; ++i)
      if (hdrs[i].type == want) tab = f.section_at(i);
  }
  if (tab) read_table(f, *tab);
  for (const auto& seg : f.load_segments())
    if (seg.flags & PF_X) code_.emplace_back(seg.vaddr.value(), seg.vaddr.value() + seg.memsz);

  std::stable_sort(syms_.begin(), syms_.end(),
                   [](const symbol& a, const symbol& b) { return a.addr < b.addr; });
  by_name_.reserve(syms_.size());
  for (std::uint32_t i = 0; i < syms_.size(); ++i) {
    // Prefer a function when a name is defined twice (a local data symbol can share a name).
    auto [it, fresh] = by_name_.try_emplace(syms_[i].name, i);
    if (!fresh && !syms_[it->second].is_func && syms_[i].is_func) it->second = i;
    if (syms_[i].is_func) funcs_.push_back(i);
  }
}

void elf_symbols::read_table(const elf_file& f, const elf_section& tab) {
  std::span<const std::uint8_t> strtab;
  if (auto* str = f.section_at(tab.link); str && str->type == SHT_STRTAB) strtab = str->data;
  if (strtab.empty())
    warnings_.push_back(fmt::format("{}: symbol table without strings", f.path()));

  const std::size_t n = tab.data.size() / sizeof(Elf64_Sym);
  if (tab.data.size() % sizeof(Elf64_Sym) != 0)
    warnings_.push_back(
        fmt::format("{}: symbol table size not a multiple of the entry size", f.path()));
  syms_.reserve(n);
  std::size_t bad_names = 0;
  for (std::size_t i = 1; i < n; ++i) {  // entry 0 is the null symbol
    auto s = *load_le<Elf64_Sym>(tab.data, i * sizeof(Elf64_Sym));
    unsigned type = ELF64_ST_TYPE(s.st_info);
    if (type == STT_SECTION || type == STT_FILE || s.st_shndx == SHN_UNDEF) continue;
    auto name = load_cstr(strtab, s.st_name);
    if (!name) {
      ++bad_names;
      continue;
    }
    if (name->empty()) continue;
    syms_.push_back({std::string(*name), file_addr(s.st_value), s.st_size, type == STT_FUNC});
  }
  if (bad_names)
    warnings_.push_back(
        fmt::format("{}: {} symbols with bad name offsets skipped", f.path(), bad_names));
}

const symbol* elf_symbols::by_name(std::string_view name) const {
  auto find = [&](std::string_view n) -> const symbol* {
    auto it = by_name_.find(n);
    return it == by_name_.end() ? nullptr : &syms_[it->second];
  };
  if (auto* s = find(name)) return s;
  if (name.ends_with(abi0_suffix)) return find(name.substr(0, name.size() - abi0_suffix.size()));
  std::string with(name);
  with += abi0_suffix;
  return find(with);
}

const symbol* elf_symbols::containing(file_addr a) const {
  auto it = std::upper_bound(funcs_.begin(), funcs_.end(), a,
                             [&](file_addr x, std::uint32_t i) { return x < syms_[i].addr; });
  // Several symbols may start at one address (aliases): take one that covers a, else a
  // size-0 one at the nearest start below a.
  const symbol* sizeless = nullptr;
  while (it != funcs_.begin()) {
    const symbol& s = syms_[*--it];
    if (s.size == 0) {
      if (!sizeless) sizeless = &s;
    } else if (a.value() - s.addr.value() < s.size) {
      return &s;
    }
    if (it != funcs_.begin() && syms_[*(it - 1)].addr != s.addr) break;
  }
  if (sizeless && !code_.empty()) {
    bool same_segment = false;
    for (auto [lo, hi] : code_)
      if (sizeless->addr.value() >= lo && sizeless->addr.value() < hi && a.value() < hi)
        same_segment = true;
    if (!same_segment) return nullptr;
  }
  return sizeless;
}

}  // namespace godbg
