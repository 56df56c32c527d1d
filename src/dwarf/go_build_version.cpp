#include "dwarf/go_build_version.hpp"

#include <algorithm>
#include <cctype>

namespace godbg {

namespace {

constexpr std::uint64_t max_version_len = 256;  // "go1.N.P X:exp,exp,..." stays far below

// The Go string whose header {ptr, len} is at `header`, if it reads as a version.
std::optional<std::string> version_at(const elf_file& f, file_addr header) {
  auto ptr = f.pointer_at(header);
  auto len_bytes = f.bytes_at(header + 8, 8);
  if (!ptr || !len_bytes) return std::nullopt;
  auto len = *load_le<std::uint64_t>(*len_bytes, 0);
  if (len < 4 || len > max_version_len) return std::nullopt;
  auto text = f.bytes_at(file_addr(*ptr), len);
  if (!text) return std::nullopt;
  std::string s(reinterpret_cast<const char*>(text->data()), text->size());
  if (!looks_like_go_version(s)) return std::nullopt;
  return s;
}

}  // namespace

bool looks_like_go_version(std::string_view s) {
  if (s.starts_with("devel ")) return s.size() > 6;
  if (!s.starts_with("go1.") || s.size() < 5 || !std::isdigit(static_cast<unsigned char>(s[4])))
    return false;
  // Experiments follow " X:" (or "-X:" since Go 1.27): "go1.27.3-X:staticlockranking".
  auto x = std::min(s.find(" X:"), s.find("-X:"));
  for (char c : s.substr(0, x))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  return true;
}

std::optional<std::string> read_build_version(const elf_file& f, const elf_symbols& syms,
                                              const gopclntab* pclntab) {
  if (auto* s = syms.by_name("runtime.buildVersion"))
    if (auto v = version_at(f, s->addr)) return v;
  if (!pclntab) return std::nullopt;
  auto fn = pclntab->func_by_name("runtime.schedinit");
  if (!fn || fn->end <= fn->entry) return std::nullopt;
  auto code = f.bytes_at(fn->entry, std::size_t(fn->end - fn->entry));
  if (!code) return std::nullopt;
  // Any 32-bit field could be a RIP-relative displacement; the instruction ends right after it
  // or after an immediate of 1 or 4 bytes (cmpq $0, x(%rip) has one). The string the target
  // holds must read as a version, which no stray match does. The check may address the
  // length word (buildVersion+8) rather than the header itself.
  for (std::size_t i = 0; i + 4 <= code->size(); ++i) {
    auto disp = *load_le<std::int32_t>(*code, i);
    for (std::uint64_t imm : {0, 1, 4}) {
      file_addr target = fn->entry + std::int64_t(i + 4 + imm) + disp;
      for (std::int64_t back : {0, 8})
        if (auto v = version_at(f, target - back)) return v;
    }
  }
  return std::nullopt;
}

}  // namespace godbg
