#include "dwarf/go_moduledata.hpp"

namespace godbg {

namespace {

// Words of the head (runtime/symtab.go, unchanged 1.16-1.27).
constexpr std::size_t w_pcheader = 0, w_funcnametab = 1, w_pclntable = 13, w_pclntable_len = 14,
                      w_ftab = 16, w_minpc = 20, w_maxpc = 21, w_text = 22, w_etext = 23;
constexpr std::size_t first_tail_word = 24;
// textsectmap has one entry per text section; a program needs a new one every 3.5 MB or so of
// code on arm64 and never more than a handful on amd64. A bound keeps addresses out.
constexpr std::uint64_t max_text_sections = 4096;
// The linker aligns go:func.* after pclntable (16 bytes in Go 1.26 and 1.27); allow more.
constexpr std::uint64_t max_funcdata_align = 64;

}  // namespace

std::optional<moduledata_fields> decode_moduledata(
    const std::array<std::uint64_t, moduledata_words>& w, const moduledata_expect& e) {
  if (w[w_pcheader] != e.pcheader || w[w_funcnametab] != e.funcnametab) return std::nullopt;
  if (w[w_pclntable] != e.pclntable || w[w_ftab] != e.pclntable) return std::nullopt;
  const std::uint64_t text = w[w_text], etext = w[w_etext];
  if (text >= etext || w[w_minpc] < text || w[w_maxpc] > etext || w[w_minpc] > w[w_maxpc])
    return std::nullopt;
  auto text_seg = e.segment_of(text);
  if (!text_seg || !text_seg->exec) return std::nullopt;

  moduledata_fields out;
  out.text = file_addr(text);
  out.etext = file_addr(etext);
  auto read_only = [&](std::uint64_t a) {
    auto s = e.segment_of(a);
    return s && !s->write ? s : std::nullopt;
  };
  auto take = [&](std::size_t k, std::string_view by) {
    out.gofunc = file_addr(w[k]);
    out.rodata = file_addr(w[k - 1]);
    out.gofunc_by = by;
    out.gofunc_word = static_cast<std::uint32_t>(k);
  };

  // Go >= 1.26: gofunc at the end of pclntable (rounded up to the funcdata's alignment),
  // then epclntab, in the pclntab's segment.
  const std::uint64_t pclntable_end = w[w_pclntable] + w[w_pclntable_len];
  for (std::size_t k = first_tail_word + 1; k + 1 < w.size(); ++k) {
    if (w[k] < pclntable_end || w[k] - pclntable_end >= max_funcdata_align) continue;
    if (w[k + 1] < w[k] || w[k - 1] == 0 || w[k - 1] > w[k]) continue;
    auto seg = read_only(w[k]);
    if (!seg || w[k + 1] > seg->end) continue;
    take(k, "after pclntable");
    out.epclntab = file_addr(w[k + 1]);
    return out;
  }
  // Before: gofunc, then textsectmap {ptr, len, cap} with len == cap, small.
  for (std::size_t k = first_tail_word + 2; k + 2 < w.size(); ++k) {
    std::uint64_t len = w[k + 1], cap = w[k + 2];
    if (len == 0 || len != cap || len > max_text_sections || !e.segment_of(w[k])) continue;
    if (w[k - 2] == 0 || w[k - 2] > w[k - 1] || !read_only(w[k - 1])) break;
    take(k - 1, "before textsectmap");
    return out;
  }
  return out;
}

}  // namespace godbg
