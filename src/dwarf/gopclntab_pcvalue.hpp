#pragma once
// Decoder for one pc-value table of the pclntab (pcsp, pcfile, pcln, pcdata): a sequence of
// (value delta, pc delta) varint pairs, values zig-zag encoded, starting at value -1 at the
// function entry. See runtime/symtab.go:step.
#include <cstdint>
#include <optional>
#include <span>

namespace godbg {

struct pc_run {
  std::uint64_t start = 0, end = 0;  // [start, end): value holds here
  std::int32_t value = 0;
};

class pcvalue_reader {
 public:
  // `limit`: the function's end; runs starting at or past it are not produced, which also
  // bounds the work on a corrupt table.
  pcvalue_reader(std::span<const std::uint8_t> table, std::uint64_t entry, std::uint64_t limit,
                 std::uint32_t quantum)
      : p_(table), pc_(entry), limit_(limit), quantum_(quantum) {}

  // The next run; false at the table's end or on malformed data.
  bool next(pc_run& r);

 private:
  std::optional<std::uint32_t> varint();

  std::span<const std::uint8_t> p_;
  std::uint64_t pc_, limit_;
  std::uint32_t quantum_;
  std::int32_t val_ = -1;
  bool first_ = true;
};

// The value at pc, nullopt if pc is not covered by the table.
std::optional<std::int32_t> pcvalue_at(std::span<const std::uint8_t> table, std::uint64_t entry,
                                       std::uint64_t limit, std::uint32_t quantum,
                                       std::uint64_t pc);

}  // namespace godbg
