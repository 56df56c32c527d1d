#pragma once
// The ring a tracing trampoline writes its hits into (issue 20), in rw- memory of the injected
// mapping, and the reader's half: which records of a snapshot are complete. Pure layout and
// arithmetic: the process layer reads the memory (process_vm_readv, the program running) and
// publishes the tail.
//
// Header (64 bytes, its own cache line): head (next index to reserve, advanced by the writers
// with `lock cmpxchg` only while head - tail < capacity, so a dropped hit never consumes an
// index and the reader never waits for a record that will not come), tail (written by godbg
// only: every index below it was read), dropped (hits not recorded because the ring was full).
// Records (64 bytes each, index i at slot i % capacity): seq = i + 1 written last (x86 keeps
// stores in order, so a reader that sees seq sees the whole record), the time stamp counter,
// the goid, the thread id, and up to four raw argument words.
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace godbg {

inline constexpr std::uint32_t trace_header_size = 64;
inline constexpr std::uint32_t trace_record_size = 64;
inline constexpr std::uint32_t trace_max_args = 4;
inline constexpr std::uint32_t trace_head_offset = 0, trace_tail_offset = 8,
                               trace_dropped_offset = 16;

struct trace_hit {
  std::uint64_t index = 0;  // in hit order: the order the writers reserved their slots
  std::uint64_t tsc = 0;
  std::int64_t goid = 0;
  std::uint64_t tid = 0;  // m.procid: 0 when the g had no M
  std::uint64_t args[trace_max_args] = {};
};

// The bytes a ring of `capacity` records takes.
constexpr std::size_t trace_ring_bytes(std::uint32_t capacity) {
  return trace_header_size + std::size_t(capacity) * trace_record_size;
}

// The complete records of a snapshot of the record area (capacity * 64 bytes) from `tail` on,
// stopping at the first slot not yet ready (a writer between its reservation and its seq
// store): they are taken at the next drain, in order.
std::vector<trace_hit> ready_hits(std::span<const std::uint8_t> records, std::uint32_t capacity,
                                  std::uint64_t tail);

}  // namespace godbg
