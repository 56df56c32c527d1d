#include "process/link_map.hpp"

#include <elf.h>

#include <array>
#include <set>

namespace godbg {

namespace {

constexpr std::size_t max_dynamic_entries = 1024;  // a real one has a few dozen
constexpr std::size_t max_objects = 4096;
constexpr std::size_t max_path = 4096;  // PATH_MAX

// glibc's struct r_debug and struct link_map on x86-64 (the fields godbg reads).
constexpr std::uint64_t rd_version = 0, rd_map = 8, rd_brk = 16, rd_state = 24, rd_ldbase = 32;
constexpr std::uint64_t lm_addr = 0, lm_name = 8, lm_ld = 16, lm_next = 24;
constexpr int rt_add = 1, rt_delete = 2;  // RT_CONSISTENT is 0

std::optional<std::string> read_path(const target& t, std::uint64_t at) {
  std::string out;
  std::array<std::uint8_t, 256> chunk{};
  while (out.size() < max_path) {
    // A chunk may cross into an unmapped page: read what is left of this page first.
    std::size_t n = std::min<std::size_t>(chunk.size(), 4096 - (at + out.size()) % 4096);
    if (!t.read(virt_addr(at + out.size()), std::span(chunk.data(), n))) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i) {
      if (chunk[i] == 0) return out;
      out += static_cast<char>(chunk[i]);
    }
  }
  return std::nullopt;  // no NUL within PATH_MAX: not a path
}

}  // namespace

std::optional<virt_addr> r_debug_address(const target& t, virt_addr dynamic) {
  for (std::size_t i = 0; i < max_dynamic_entries; ++i) {
    auto tag = t.read_value<std::int64_t>(dynamic + std::int64_t(16 * i));
    auto val = t.read_value<std::uint64_t>(dynamic + std::int64_t(16 * i + 8));
    if (!tag || !val || *tag == DT_NULL) return std::nullopt;
    if (*tag == DT_DEBUG) return *val ? std::optional(virt_addr(*val)) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<link_map_snapshot> read_link_map(const target& t, virt_addr r_debug) {
  auto version = t.read_value<std::int32_t>(r_debug + rd_version);
  auto map = t.read_value<std::uint64_t>(r_debug + rd_map);
  auto brk = t.read_value<std::uint64_t>(r_debug + rd_brk);
  auto state = t.read_value<std::int32_t>(r_debug + rd_state);
  auto ldbase = t.read_value<std::uint64_t>(r_debug + rd_ldbase);
  if (!version || !map || !brk || !state || !ldbase || *version < 1 || *version > 2)
    return std::nullopt;
  link_map_snapshot s;
  s.version = *version;
  s.state = *state == rt_add      ? link_map_state::adding
            : *state == rt_delete ? link_map_state::deleting
                                  : link_map_state::consistent;
  s.brk = virt_addr(*brk);
  s.ldbase = virt_addr(*ldbase);
  std::set<std::uint64_t> seen;
  for (std::uint64_t lm = *map; lm;) {
    if (s.objects.size() >= max_objects || !seen.insert(lm).second) {
      s.truncated = true;
      break;
    }
    auto addr = t.read_value<std::uint64_t>(virt_addr(lm + lm_addr));
    auto name = t.read_value<std::uint64_t>(virt_addr(lm + lm_name));
    auto ld = t.read_value<std::uint64_t>(virt_addr(lm + lm_ld));
    auto next = t.read_value<std::uint64_t>(virt_addr(lm + lm_next));
    if (!addr || !name || !ld || !next) {
      s.truncated = true;
      break;
    }
    std::optional<std::string> path = *name ? read_path(t, *name) : std::string();
    if (!path) {
      s.truncated = true;
      break;
    }
    s.objects.push_back({std::move(*path), load_bias(*addr), virt_addr(*ld), virt_addr(lm)});
    lm = *next;
  }
  return s;
}

}  // namespace godbg
