// Hardware watchpoints on every thread: the slots are the process's, the debug registers each
// thread's own. A generation number tells which threads still have old values; a thread is
// brought up to date whenever it is seen stopped, so a thread cloned after a watchpoint was set
// gets it at its first stop, before it runs any code.
#include "common/error.hpp"
#include "process/inferior.hpp"

namespace godbg {

bool inferior::watching() const {
  for (const auto& w : watches_)
    if (w) return true;
  return false;
}

bool inferior::unwanted(const inferior_event& ev) const {
  return ev.what == inferior_event::kind::watchpoint && watch_filter_ &&
         !watch_filter_(ev.tid, unsigned(ev.code));
}

void inferior::set_watch(int slot, const std::optional<hw_watch>& w) {
  if (slot < 0 || slot >= debug_register_slots) fail("no debug register {}", slot);
  if (w)
    if (auto why = hw_watch_problem(*w)) fail("cannot watch {:#x}: {}", w->addr, *why);
  auto before = watches_;
  watches_[std::size_t(slot)] = w;
  ++watch_generation_;
  try {
    for (auto& [tid, t] : threads_)
      if (t.stopped) sync_watches(t);
  } catch (const error&) {
    // The kernel refused (a range it will not watch): put every thread back as it was.
    watches_ = before;
    ++watch_generation_;
    for (auto& [tid, t] : threads_)
      if (t.stopped) {
        try {
          sync_watches(t);
        } catch (const error&) {
        }
      }
    throw;
  }
}

void inferior::sync_watches(thread_state& t) {
  if (t.watch_generation == watch_generation_) return;
  // A thread gone by now (write says false) needs nothing; a value the kernel refuses throws,
  // for set_watch to undo.
  debug_registers::write(t.tid, watches_);
  t.watch_generation = watch_generation_;
}

bool inferior::touches_watch(std::uint64_t a, std::size_t n, bool write) const {
  for (const auto& w : watches_)
    if (w && (write || w->reads) && a < w->addr + std::uint64_t(w->len) && w->addr < a + n)
      return true;
  return false;
}

void inferior::clear_watches_for_detach() {
  if (!watching()) return;
  watches_ = {};
  ++watch_generation_;
  for (auto& [tid, t] : threads_) {
    if (!t.stopped) continue;
    try {
      sync_watches(t);
    } catch (const error&) {
      // Detaching goes on: a thread left with a debug register traps, but it cannot be helped.
    }
  }
}

}  // namespace godbg
