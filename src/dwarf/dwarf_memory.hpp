#pragma once
// Reading a stopped process's memory through a callback, and little-endian loads from bytes.
#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <vector>

#include "common/error.hpp"

namespace godbg {

// Reads run-time memory into out; false when any of it is unreadable.
using memory_reader = std::function<bool(std::uint64_t addr, std::span<std::uint8_t> out)>;

// Little-endian unsigned load of size bytes (1..8) at off; 0 past the end of b.
inline std::uint64_t load_le(std::span<const std::uint8_t> b, std::uint64_t off, std::size_t size) {
  if (size > 8 || off > b.size() || b.size() - off < size) return 0;
  std::uint64_t v = 0;
  std::memcpy(&v, b.data() + off, size);
  return v;
}

// The same, sign-extended from size bytes (Go's int8..int64).
inline std::int64_t load_le_signed(std::span<const std::uint8_t> b, std::uint64_t off,
                                   std::size_t size) {
  std::uint64_t v = load_le(b, off, size);
  if (size >= 8 || size == 0) return std::int64_t(v);
  unsigned shift = unsigned(64 - 8 * size);
  return std::int64_t(v << shift) >> shift;
}

// An IEEE float32 (size 4) or float64 at off, as a double.
inline double load_le_float(std::span<const std::uint8_t> b, std::uint64_t off, std::size_t size) {
  if (size == 4) return double(std::bit_cast<float>(std::uint32_t(load_le(b, off, 4))));
  return std::bit_cast<double>(load_le(b, off, 8));
}

inline std::vector<std::uint8_t> read_bytes(const memory_reader& mem, std::uint64_t addr,
                                            std::size_t n) {
  std::vector<std::uint8_t> out(n);
  if (n && (!mem || !mem(addr, out))) fail("cannot read {} bytes at {:#x}", n, addr);
  return out;
}

}  // namespace godbg
