#pragma once
// Addresses as the file says them vs. as the running process sees them. PIE binaries load at a
// bias; keeping the two apart in the type system stops a slide from leaking into lookups.
#include <compare>
#include <cstdint>
#include <functional>

namespace godbg {

template <typename Tag>
class address {
 public:
  constexpr address() = default;
  constexpr explicit address(std::uint64_t v) : v_(v) {}
  constexpr std::uint64_t value() const { return v_; }
  constexpr auto operator<=>(const address&) const = default;
  constexpr address operator+(std::int64_t d) const { return address(v_ + d); }
  constexpr address operator-(std::int64_t d) const { return address(v_ - d); }
  constexpr std::int64_t operator-(address o) const { return std::int64_t(v_ - o.v_); }
  constexpr address& operator+=(std::int64_t d) {
    v_ += d;
    return *this;
  }

 private:
  std::uint64_t v_ = 0;
};

struct file_tag {};
struct virt_tag {};
using file_addr = address<file_tag>;  // as in the ELF file's section headers and DWARF
using virt_addr = address<virt_tag>;  // as in the live process

// The load bias of one object: run-time address = file address + bias.
class load_bias {
 public:
  constexpr load_bias() = default;
  constexpr explicit load_bias(std::uint64_t b) : b_(b) {}
  constexpr virt_addr to_virt(file_addr a) const { return virt_addr(a.value() + b_); }
  constexpr file_addr to_file(virt_addr a) const { return file_addr(a.value() - b_); }
  constexpr std::uint64_t value() const { return b_; }

 private:
  std::uint64_t b_ = 0;
};

}  // namespace godbg

template <typename Tag>
struct std::hash<godbg::address<Tag>> {
  std::size_t operator()(const godbg::address<Tag>& a) const noexcept {
    return std::hash<std::uint64_t>{}(a.value());
  }
};
