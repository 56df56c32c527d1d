#pragma once
// Reading a stopped process's memory through a callback, and little-endian loads from bytes.
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

inline std::vector<std::uint8_t> read_bytes(const memory_reader& mem, std::uint64_t addr,
                                            std::size_t n) {
  std::vector<std::uint8_t> out(n);
  if (n && (!mem || !mem(addr, out))) fail("cannot read {} bytes at {:#x}", n, addr);
  return out;
}

}  // namespace godbg
