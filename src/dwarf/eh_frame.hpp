#pragma once
// .eh_frame: the call frame information C compilers emit for every function, debug info or
// not (Go code has .debug_frame instead, read by dwarf_info). What unwinds a C function at any
// instruction, its entry and epilogue included, where frame pointers cannot.
#include <memory>
#include <optional>
#include <string>

#include "common/address.hpp"
#include "dwarf/dwarf_info.hpp"  // cfa_rule

namespace godbg {

class eh_frame {
 public:
  // nullptr when the file has no .eh_frame libdwarf can read.
  static std::unique_ptr<eh_frame> open(const std::string& path);
  ~eh_frame();
  eh_frame(const eh_frame&) = delete;
  eh_frame& operator=(const eh_frame&) = delete;

  std::optional<cfa_rule> cfa_at(file_addr pc) const;

 private:
  struct impl;
  explicit eh_frame(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace godbg
