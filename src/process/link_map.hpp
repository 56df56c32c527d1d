#pragma once
// The dynamic linker's list of the objects it loaded, read as gdb reads it (glibc's <link.h>):
// once ld.so has run, the executable's DT_DEBUG dynamic entry points at `struct r_debug`, whose
// r_map heads a doubly linked list of `struct link_map` {l_addr: the load bias, l_name: the
// path, l_ld: its dynamic section, l_next, l_prev}. ld.so calls the function at r_brk before
// and after every change (dlopen, dlclose), with r_state saying which (RT_ADD, RT_DELETE) and
// RT_CONSISTENT once the list is whole again: a breakpoint there tells when to read it anew.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "process/target.hpp"

namespace godbg {

struct linked_object {
  std::string path;    // "" for the executable itself; "linux-vdso.so.1" for the vDSO
  load_bias bias;      // l_addr: run-time address = file address + bias
  virt_addr dynamic;   // l_ld
  virt_addr link_map;  // where this entry is (for diagnostics)
};

enum class link_map_state { consistent, adding, deleting };

struct link_map_snapshot {
  int version = 0;
  link_map_state state = link_map_state::consistent;
  virt_addr brk;                       // r_brk: ld.so's _dl_debug_state, called around each change
  virt_addr ldbase;                    // r_ldbase: where ld.so itself is loaded
  std::vector<linked_object> objects;  // in the order of the list (the executable first)
  bool truncated = false;              // a loop, an unreadable entry or too many entries
};

// The r_debug that the executable's dynamic section (at `dynamic`, a run-time address) points
// at; nullopt while ld.so has not filled DT_DEBUG in, and for a static program.
std::optional<virt_addr> r_debug_address(const target& t, virt_addr dynamic);

// The list as it is now; nullopt when r_debug cannot be read or is not one (r_version 0 or
// above 2). Never throws on bad memory: what could not be read ends the list (truncated).
std::optional<link_map_snapshot> read_link_map(const target& t, virt_addr r_debug);

}  // namespace godbg
