#include "dwarf/buildinfo.hpp"

#include <elf.h>

#include <cstring>

namespace godbg {

namespace {

constexpr std::string_view magic = "\xff Go buildinf:";  // 14 bytes
constexpr std::size_t header_size = 32;
constexpr std::uint8_t flag_big_endian = 0x1, flag_inline = 0x2;

// Unsigned LEB128 as in encoding/binary.Uvarint; nullopt if truncated or over 64 bits.
std::optional<std::uint64_t> uvarint(std::span<const std::uint8_t> b, std::size_t& used) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < b.size() && i < 10; ++i) {
    v |= std::uint64_t(b[i] & 0x7f) << (7 * i);
    if (!(b[i] & 0x80)) {
      used = i + 1;
      return v;
    }
  }
  return std::nullopt;
}

// A varint-length-prefixed string at the start of `b`; advances `b` past it.
std::optional<std::string> inline_string(std::span<const std::uint8_t>& b) {
  std::size_t n = 0;
  auto len = uvarint(b, n);
  if (!len || *len > b.size() - n) return std::nullopt;
  std::string s(reinterpret_cast<const char*>(b.data() + n), *len);
  b = b.subspan(n + *len);
  return s;
}

// A Go string header {ptr, len} at address a (the pre-1.18 format).
std::optional<std::string> pointed_string(const elf_file& f, std::uint64_t a) {
  auto hdr = f.bytes_at(file_addr(a), 16);
  if (!hdr) return std::nullopt;
  auto ptr = *load_le<std::uint64_t>(*hdr, 0), len = *load_le<std::uint64_t>(*hdr, 8);
  if (len > (1u << 24)) return std::nullopt;
  auto data = f.bytes_at(file_addr(ptr), len);
  if (!data) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(data->data()), data->size());
}

std::span<const std::uint8_t> find_blob(const elf_file& f) {
  if (auto* s = f.section(".go.buildinfo")) return s->data;
  // No section headers: the linker puts the blob at the start of a writable segment (the
  // second one in a PIE, after the RELRO data); look near the start of each.
  for (const auto& seg : f.load_segments()) {
    if (!(seg.flags & PF_W)) continue;
    auto bytes = f.bytes_at(seg.vaddr, seg.filesz);
    if (!bytes) continue;
    std::size_t skew = (16 - seg.vaddr.value() % 16) % 16;
    for (std::size_t o = skew; o + magic.size() <= bytes->size() && o < (1u << 16); o += 16)
      if (std::memcmp(bytes->data() + o, magic.data(), magic.size()) == 0) return bytes->subspan(o);
  }
  return {};
}

// strconv.Unquote for the double-quoted values the go command writes for settings with
// spaces or quotes; common escapes only, anything else is kept as written.
std::string unquote(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  std::string out;
  for (std::size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] != '\\' || i + 2 >= v.size()) {
      out += v[i];
      continue;
    }
    char c = v[++i];
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      default:
        out += c;
        break;  // \\ and \" (and anything unusual, leniently)
    }
  }
  return out;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t pos = 0;;) {
    auto t = line.find('\t', pos);
    out.push_back(line.substr(pos, t == std::string_view::npos ? t : t - pos));
    if (t == std::string_view::npos) break;
    pos = t + 1;
  }
  return out;
}

}  // namespace

void parse_module_info(std::string_view text, build_info& out) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    auto f = split_tabs(line);
    if (f[0] == "path" && f.size() >= 2) {
      out.main_path = f[1];
    } else if (f[0] == "mod" && f.size() >= 3) {
      out.main_version = f[2];
    } else if (f[0] == "dep" && f.size() >= 3) {
      out.deps.push_back(
          {std::string(f[1]), std::string(f[2]), f.size() > 3 ? std::string(f[3]) : ""});
    } else if (f[0] == "=>" && f.size() >= 3 && !out.deps.empty()) {
      out.deps.back() = {std::string(f[1]), std::string(f[2]),
                         f.size() > 3 ? std::string(f[3]) : ""};
    } else if (f[0] == "build" && f.size() >= 2) {
      auto kv = line.substr(6);  // after "build\t": the value may itself hold tabs
      auto eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      out.settings.emplace_back(unquote(kv.substr(0, eq)), unquote(kv.substr(eq + 1)));
    }
  }
}

std::optional<build_info> read_build_info(const elf_file& f) {
  auto blob = find_blob(f);
  if (blob.size() < header_size || std::memcmp(blob.data(), magic.data(), magic.size()) != 0)
    return std::nullopt;
  std::uint8_t ptr_size = blob[14], flags = blob[15];
  std::optional<std::string> vers, mod;
  if (flags & flag_inline) {
    auto rest = blob.subspan(header_size);
    vers = inline_string(rest);
    if (vers) mod = inline_string(rest);
  } else {
    if (ptr_size != 8 || (flags & flag_big_endian)) return std::nullopt;
    vers = pointed_string(f, *load_le<std::uint64_t>(blob, 16));
    mod = pointed_string(f, *load_le<std::uint64_t>(blob, 24));
  }
  if (!vers || vers->empty()) return std::nullopt;
  build_info bi;
  bi.go_version = *vers;
  // The module text is framed by 16-byte sentinels (cmd/go/internal/modload infoStart/End).
  if (mod && mod->size() >= 33 && (*mod)[mod->size() - 17] == '\n')
    parse_module_info(std::string_view(*mod).substr(16, mod->size() - 32), bi);
  return bi;
}

}  // namespace godbg
