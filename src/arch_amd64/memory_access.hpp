#pragma once
// How this layer reaches target memory without doing I/O: the caller passes these.
// Both return false when the range cannot be read/written (unmapped, process gone).
#include <cstdint>
#include <functional>
#include <span>

namespace godbg {

using read_memory_fn = std::function<bool(std::uint64_t addr, std::span<std::uint8_t> out)>;
using write_memory_fn = std::function<bool(std::uint64_t addr, std::span<const std::uint8_t> in)>;

}  // namespace godbg
