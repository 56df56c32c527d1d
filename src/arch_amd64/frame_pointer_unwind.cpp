#include "arch_amd64/frame_pointer_unwind.hpp"

#include <array>
#include <cstring>

namespace godbg {

std::vector<frame> unwind_frame_pointers(std::uint64_t pc, std::uint64_t sp, std::uint64_t fp,
                                         const read_memory_fn& read_memory,
                                         std::size_t max_frames) {
  std::vector<frame> out;
  if (max_frames == 0) return out;
  out.push_back({pc, sp, fp});
  while (out.size() < max_frames) {
    const frame cur = out.back();
    if (cur.fp == 0 || cur.fp > UINT64_MAX - 16) break;
    std::array<std::uint8_t, 16> raw{};  // [fp] saved fp, [fp+8] return address
    if (!read_memory(cur.fp, raw)) break;
    std::uint64_t caller_fp = 0, ret = 0;
    std::memcpy(&caller_fp, raw.data(), 8);
    std::memcpy(&ret, raw.data() + 8, 8);
    if (ret == 0) break;
    out.push_back({ret, cur.fp + 16, caller_fp});
    // A caller fp of 0 ends the chain after this frame (runtime.goexit, the thread's top);
    // one that does not grow would loop or walk into garbage.
    if (caller_fp != 0 && caller_fp <= cur.fp) break;
  }
  return out;
}

}  // namespace godbg
