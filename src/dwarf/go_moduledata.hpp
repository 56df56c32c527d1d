#pragma once
// runtime.moduledata (runtime/symtab.go), the linker's table of a module's sections, read by
// its structure rather than by a per-release list of offsets. Its head has not moved since
// Go 1.16: the pcHeader pointer, the six pclntab slices, findfunctab, minpc/maxpc, text/etext
// (words 0-23). What follows grows from release to release (covctrs in 1.20; typedesclen,
// itaboffset and itabsize in 1.27, which moved gofunc from word 40 to 43), so the fields after
// the head are told apart by what their values point at:
//   - since Go 1.26 the funcdata (go:func.*, moduledata.gofunc) follows the pclntable slice in
//     the same section, and epclntab follows gofunc: gofunc is the word at the end of
//     pclntable (rounded up to an alignment), with an end-of-pclntab after it in the same
//     read-only segment;
//   - before, gofunc is the last word before the textsectmap slice, the first slice after the
//     head whose length equals its capacity and is small (a few text sections).
// rodata is the word before gofunc in both.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "common/address.hpp"

namespace godbg {

inline constexpr std::size_t moduledata_words = 64;  // more than any release's fixed part

// What a candidate moduledata must hold for it to be ours.
struct moduledata_expect {
  std::uint64_t pcheader = 0;     // where the pcHeader is
  std::uint64_t funcnametab = 0;  // pcHeader + funcnameOffset
  std::uint64_t pclntable = 0;    // pcHeader + pclnOffset (also the ftab's start)
  // Answers where an address is: in a file-backed segment at all, and whether that segment is
  // executable or writable; nullopt when it is in none.
  struct segment_kind {
    bool exec = false, write = false;
    std::uint64_t start = 0, end = 0;
  };
  std::function<std::optional<segment_kind>(std::uint64_t)> segment_of;
};

struct moduledata_fields {
  file_addr text, etext;
  std::optional<file_addr> rodata, gofunc, epclntab;
  // How gofunc was found: "after pclntable" (Go >= 1.26 layout), "before textsectmap" (older),
  // or "" when it was not.
  std::string_view gofunc_by;
  std::uint32_t gofunc_word = 0;  // its index in the words, for tests and diagnostics
};

// nullopt when `words` is not the moduledata of that pclntab: wrong pcHeader or funcnametab
// pointers, pclntable/ftab slices that disagree, or a text range that is empty, not code, or
// does not hold [minpc, maxpc].
std::optional<moduledata_fields> decode_moduledata(
    const std::array<std::uint64_t, moduledata_words>& words, const moduledata_expect& expect);

}  // namespace godbg
