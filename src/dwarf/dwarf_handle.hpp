#pragma once
// Thin RAII and attribute helpers over libdwarf. Internal to src/dwarf: it includes libdwarf.h,
// whose include directory is private to the godbg_dwarf library.
#include <dwarf.h>
#include <libdwarf.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dwarf/dwarf_info.hpp"  // cfa_rule

namespace godbg::dw {

struct pc_range {
  std::uint64_t low = 0, high = 0;  // [low, high)
  bool contains(std::uint64_t pc) const { return pc >= low && pc < high; }
};

// Holds a Dwarf_Error slot; frees whatever libdwarf put in it. libdwarf aborts the process when
// an error happens with neither a handler nor a slot, so every call gets one of these.
class err_slot {
 public:
  explicit err_slot(Dwarf_Debug dbg) : dbg_(dbg) {}
  ~err_slot() { clear(); }
  err_slot(const err_slot&) = delete;
  err_slot& operator=(const err_slot&) = delete;
  Dwarf_Error* p() {
    clear();
    return &e_;
  }
  std::string message() const;
  void clear();

 private:
  Dwarf_Debug dbg_;
  Dwarf_Error e_ = nullptr;
};

// One owned Dwarf_Die.
class die {
 public:
  die() = default;
  explicit die(Dwarf_Die d) : d_(d) {}
  ~die() {
    if (d_) dwarf_dealloc_die(d_);
  }
  die(die&& o) noexcept : d_(std::exchange(o.d_, nullptr)) {}
  die& operator=(die&& o) noexcept {
    if (this != &o) {
      if (d_) dwarf_dealloc_die(d_);
      d_ = std::exchange(o.d_, nullptr);
    }
    return *this;
  }
  die(const die&) = delete;
  die& operator=(const die&) = delete;
  Dwarf_Die get() const { return d_; }
  explicit operator bool() const { return d_ != nullptr; }

 private:
  Dwarf_Die d_ = nullptr;
};

// Where libdwarf reads the file's sections from: the mapped file, compressed sections
// (SHF_COMPRESSED, all of Go's .debug_*) inflated on first use, each once, while a background
// thread inflates the big ones ahead of need (dwarf_handle.cpp).
struct section_source;

// The file's sections with the background inflation already started, before libdwarf opens
// them: for a front end that knows DWARF will be wanted soon (an editor asks for variables at
// the first stop) and can let the inflation run while the program starts. nullptr when the
// file has no .debug_info; throws godbg::error when it cannot be read.
std::shared_ptr<section_source> prefetch_sections(const std::string& path);

// An open libdwarf session on one file (owns the section source and the Dwarf_Debug).
class debug {
 public:
  // nullopt when the file has no DWARF; throws godbg::error when the file cannot be read.
  // With frames_only, call frame information (.eh_frame of C code) is enough: no .debug_info
  // needed, nothing inflated ahead of need. `ready`: what prefetch_sections(path) returned.
  static std::optional<debug> open(const std::string& path, bool frames_only = false,
                                   std::shared_ptr<section_source> ready = nullptr);
  debug(debug&& o) noexcept;
  debug& operator=(debug&&) = delete;
  ~debug();
  Dwarf_Debug get() const { return dbg_; }

 private:
  debug(Dwarf_Debug d, std::shared_ptr<section_source> src);
  Dwarf_Debug dbg_ = nullptr;
  std::shared_ptr<section_source> src_;
};

// The CFA rule at pc from a list of FDEs (.debug_frame's or .eh_frame's); nullopt where no FDE
// covers pc or the rule is one godbg does not follow. `warn` gets libdwarf's complaints.
std::optional<cfa_rule> cfa_rule_at(Dwarf_Debug dbg, Dwarf_Fde* fdes, std::uint64_t pc,
                                    const std::function<void(std::string)>& warn);

// Navigation; an empty die means "none" (or a libdwarf error, which callers treat the same).
die die_at(Dwarf_Debug dbg, std::uint64_t offset);
die first_child(Dwarf_Debug dbg, const die& parent);
die next_sibling(Dwarf_Debug dbg, const die& d);
int tag_of(Dwarf_Debug dbg, const die& d);  // 0 on error
std::uint64_t offset_of(Dwarf_Debug dbg, const die& d);

// Attributes; nullopt when absent or unreadable.
std::string name_of(Dwarf_Debug dbg, const die& d);
bool has_attr(Dwarf_Debug dbg, const die& d, Dwarf_Half at);
std::optional<std::string> attr_string(Dwarf_Debug dbg, const die& d, Dwarf_Half at);
std::optional<std::uint64_t> attr_udata(Dwarf_Debug dbg, const die& d, Dwarf_Half at);
std::optional<std::int64_t> attr_sdata(Dwarf_Debug dbg, const die& d, Dwarf_Half at);
std::optional<std::uint64_t> attr_ref(Dwarf_Debug dbg, const die& d,
                                      Dwarf_Half at);  // global offset
bool attr_flag(Dwarf_Debug dbg, const die& d, Dwarf_Half at);
std::optional<std::uint64_t> low_pc(Dwarf_Debug dbg, const die& d);

// The PC ranges of a DIE: low/high pc, or DW_AT_ranges (.debug_ranges in DWARF 4, .debug_rnglists
// in DWARF 5). cu_base is the CU's DW_AT_low_pc, which DWARF 4 range lists are relative to.
std::vector<pc_range> pc_ranges(Dwarf_Debug dbg, const die& d, std::uint64_t cu_base);

// Calls f(die) on each child of parent; stops early when f returns false.
template <typename F>
void for_each_child(Dwarf_Debug dbg, const die& parent, F&& f) {
  for (die c = first_child(dbg, parent); c; c = next_sibling(dbg, c))
    if (!f(c)) return;
}

}  // namespace godbg::dw
