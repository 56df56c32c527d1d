#include "arch_amd64/trace_ring.hpp"

#include "common/error.hpp"

namespace godbg {

std::vector<trace_hit> ready_hits(std::span<const std::uint8_t> records, std::uint32_t capacity,
                                  std::uint64_t tail) {
  if (capacity == 0 || (capacity & (capacity - 1)) != 0)
    fail("a trace ring of {} records: not a power of two", capacity);
  if (records.size() < std::size_t(capacity) * trace_record_size)
    fail("a trace ring snapshot of {} bytes for {} records", records.size(), capacity);
  std::vector<trace_hit> out;
  for (std::uint64_t i = tail; i < tail + capacity; ++i) {
    const std::uint8_t* r = records.data() + (i & (capacity - 1)) * trace_record_size;
    std::uint64_t seq;
    std::memcpy(&seq, r, 8);
    if (seq != i + 1) break;  // not written yet (or still the record of i - capacity)
    trace_hit h;
    h.index = i;
    std::memcpy(&h.tsc, r + 8, 8);
    std::memcpy(&h.goid, r + 16, 8);
    std::memcpy(&h.tid, r + 24, 8);
    std::memcpy(h.args, r + 32, sizeof h.args);
    out.push_back(h);
  }
  return out;
}

}  // namespace godbg
