// Shared libraries: the executable and what the dynamic linker mapped for it, so that pcs in
// libc (or any .so) have names and CFI. Read from the link map once ld.so has filled it in (at
// the program's entry for a launch, at once for an attach) and again each time ld.so reports a
// change through its r_brk hook (dlopen, dlclose), without stopping the program there.
#include "debugger/session.hpp"
#include "process/link_map.hpp"

namespace godbg {

const object_set* session::objects() const {
  return objects_.get();
}

void session::forget_libraries() {
  if (brk_stop_) remove_internal_stop(*brk_stop_);
  brk_stop_.reset();
  objects_.reset();
  libraries_read_ = false;
}

// A core session reads the same link map from the core's memory (ld.so's data is in a written
// mapping the kernel keeps), so a cgo program's core names its libc frames too.
void session::note_libraries() {
  if (!bin_ || !(core_ || (proc_ && proc_->alive()))) return;
  if (!objects_) objects_ = std::make_unique<object_set>(*bin_, bias_);
  if (libraries_read_) return;
  auto dyn = bin_->elf().dynamic_addr();
  if (!dyn) {  // statically linked: nothing else is ever mapped from a file
    libraries_read_ = true;
    return;
  }
  auto rd = r_debug_address(program(), bias_.to_virt(*dyn));
  if (!rd) return;  // ld.so has not run yet (the stop right after execve): at the next stop
  r_debug_ = *rd;
  if (!read_link_map_now()) return;
  libraries_read_ = true;
  if (core_) return;  // nothing is ever loaded again
  if (auto s = read_link_map(*proc_, *r_debug_); s && s->brk.value() && !brk_stop_)
    brk_stop_ = add_internal_stop(s->brk, [this](pid_t) {
      // ld.so calls r_brk before a change (RT_ADD, RT_DELETE) and after it (RT_CONSISTENT):
      // the list is read in the second call. The program never stops here.
      read_link_map_now();
      return false;
    });
}

bool session::read_link_map_now() {
  if (!objects_ || !r_debug_ || !(core_ || proc_)) return false;
  auto s = read_link_map(program(), *r_debug_);
  if (!s) return false;
  if (s->state != link_map_state::consistent) return true;
  std::vector<library_ref> libs;
  for (const auto& o : s->objects)
    if (!o.path.empty() && o.path[0] == '/' && o.bias.value() != bias_.value())
      libs.push_back({o.path, o.bias});
  library_problems_ = objects_->set_libraries(libs);
  return true;
}

}  // namespace godbg
