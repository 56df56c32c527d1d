#include "process/target.hpp"

#include "common/error.hpp"

namespace godbg {

void target::read_many(std::span<const std::uint64_t> addrs, std::size_t each, std::uint8_t* out,
                       std::vector<char>& ok) const {
  ok.assign(addrs.size(), 0);
  for (std::size_t i = 0; i < addrs.size(); ++i)
    ok[i] = read(virt_addr(addrs[i]), {out + i * each, each});
}

void target::read_or_fail(virt_addr a, std::span<std::uint8_t> out) const {
  if (!read(a, out)) fail("cannot read {} bytes at {:#x}", out.size(), a.value());
}

}  // namespace godbg
