#include "debugger/breakpoints/watchpoints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cctype>

#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "dwarf/dwarf_info.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

namespace {

struct piece {
  std::uint64_t addr = 0;
  int len = 0;
};

// The debug-register-sized pieces that cover [addr, addr+size): each 1, 2, 4 or 8 bytes and
// aligned to its length. An object must sit at its natural alignment (Go puts every value
// there); one that does not would need pieces that watch bytes beside it.
std::vector<piece> split(const std::string& expr, std::uint64_t addr, std::uint64_t size) {
  if (size == 0) fail("{} has size 0: there is nothing to watch", expr);
  std::uint64_t align = std::min<std::uint64_t>(8, std::bit_floor(size));
  if (addr % align != 0)
    fail("{} at {:#x} is misaligned: a {}-byte value must start at a multiple of {}", expr, addr,
         size, align);
  std::vector<piece> out;
  for (std::uint64_t at = addr, end = addr + size; at < end;) {
    int len = 8;
    while (len > 1 && (at % std::uint64_t(len) != 0 || at + std::uint64_t(len) > end)) len /= 2;
    out.push_back({at, len});
    at += std::uint64_t(len);
    if (out.size() > std::size_t(debug_register_slots))
      fail("{} is {} bytes: the {} debug registers watch {} bytes at most", expr, size,
           debug_register_slots, 8 * debug_register_slots);
  }
  return out;
}

// The debug registers no other watchpoint holds.
std::vector<int> free_slots(session& s) {
  std::vector<bool> used(debug_register_slots, false);
  for (auto* bp : s.breakpoints().all())
    if (bp->watch)
      for (int slot : bp->watch->slots) used[std::size_t(slot)] = true;
  std::vector<int> out;
  for (int i = 0; i < debug_register_slots; ++i)
    if (!used[std::size_t(i)]) out.push_back(i);
  return out;
}

std::string holders(session& s) {
  std::string ids;
  for (auto* bp : s.breakpoints().all())
    if (bp->watch && !bp->watch->slots.empty())
      ids += (ids.empty() ? "" : ", ") + std::to_string(bp->id);
  return ids;
}

std::string text_of(session& s, const watch_state& w, const std::vector<std::uint8_t>& bytes) {
  if (w.type) {
    go_value v;
    v.type = w.type;
    v.bytes = bytes;
    try {
      return describe_value(s, w.what.expr, v).text;
    } catch (const error&) {
    }
  }
  std::uint64_t x = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(8, bytes.size()); ++i)
    x |= std::uint64_t(bytes[i]) << (8 * i);
  return fmt::format("{:#x}", x);
}

std::vector<std::uint8_t> current(session& s, const watch_state& w) {
  std::vector<std::uint8_t> now(std::size_t(w.what.size));
  if (!s.process().read(virt_addr(w.what.address), now)) now.clear();
  return now;
}

// Puts the pieces of w into its slots (taking free ones when it holds none).
void write_slots(session& s, watch_state& w) {
  auto pieces = split(w.what.expr, w.what.address, w.what.size);
  if (w.slots.size() != pieces.size()) {
    auto free = free_slots(s);
    for (int slot : w.slots) free.push_back(slot);
    std::sort(free.begin(), free.end());
    if (free.size() < pieces.size()) {
      if (pieces.size() == 1)
        fail("no free debug register: watchpoints {} hold all {}", holders(s),
             debug_register_slots);
      fail("{} needs {} debug registers and {} are free (watchpoints {} hold the others)",
           w.what.expr, pieces.size(), free.size(), holders(s));
    }
    w.slots.assign(free.begin(), free.begin() + std::ptrdiff_t(pieces.size()));
  }
  bool reads = w.what.access != watch_access::write;
  std::size_t done = 0;
  try {
    for (; done < pieces.size(); ++done)
      s.process().set_watch(w.slots[done], hw_watch{pieces[done].addr, pieces[done].len, reads});
  } catch (const error&) {
    for (std::size_t i = 0; i < done; ++i) s.process().set_watch(w.slots[i], std::nullopt);
    w.slots.clear();
    throw;
  }
}

void clear_slots(session& s, watch_state& w, bool keep_reservation) {
  if (s.has_process())
    for (int slot : w.slots) s.process().set_watch(slot, std::nullopt);
  if (!keep_reservation) w.slots.clear();
}

// `*ADDR`: 8 bytes of raw memory, as gdb's `watch *(long *)ADDR`.
std::optional<std::uint64_t> raw_address(const std::string& expr) {
  if (expr.size() < 2 || expr[0] != '*' || !std::isdigit(static_cast<unsigned char>(expr[1])))
    return std::nullopt;
  return parse_integer<std::uint64_t>(std::string_view(expr).substr(1), "an address");
}

// The stops that follow a local: its frame's return, and its stack moving.
void follow_stack(session& s, int id, const scope& where, watch_state& w) {
  auto frames = stack_in(s, where, std::size_t(where.frame) + 64);
  std::size_t phys = std::size_t(where.frame);
  while (phys < frames.size() && frames[phys].inlined) ++phys;
  if (phys + 1 >= frames.size())
    fail("watch {}: the frame that holds it has no caller to return to", w.what.expr);
  const frame_record& caller = frames[phys + 1];
  auto bounds = s.runtime().stack_of_g(*w.g);
  if (!bounds) fail("watch {}: cannot read the goroutine's stack bounds", w.what.expr);
  w.stack_offset = std::int64_t(w.what.address - bounds->hi);
  w.frame_offset = std::int64_t(caller.sp - bounds->hi);

  // The frame returned when this goroutine is back in the caller with the caller's SP.
  std::uint64_t g = *w.g;
  w.internal.push_back(s.add_service_stop(
      virt_addr(caller.where.pc),
      [&s, id, g](pid_t tid) {
        auto* wp = s.breakpoints().find(id);
        if (!wp || !wp->watch || wp->watch->moving) return false;
        auto b = s.runtime().stack_of_g(g);
        if (!b || s.process().regs(tid).rsp != b->hi + std::uint64_t(wp->watch->frame_offset))
          return false;
        return s.runtime().goroutine_on_thread(tid).g == g;
      },
      [&s, id](pid_t, session::outcome& o) {
        auto* wp = s.breakpoints().find(id);
        if (!wp || !wp->watch) return false;
        watch_report r;
        r.id = id;
        r.expr = wp->watch->what.expr;
        r.old_text = text_of(s, *wp->watch, wp->watch->last);
        r.out_of_scope = true;
        o.watch = r;
        return true;
      }));

  // runtime.copystack(gp, newsize) moves gp's stack and keeps every offset from its top. At its
  // entry (gp in RAX, the register ABI's first argument; the return address at [RSP]) the
  // debug registers are let go, so the copy itself is never mistaken for the program's access;
  // back at the return they watch the new place.
  auto copystack = s.bin().function_by_name("runtime.copystack");
  if (!copystack)
    fail("watch {}: runtime.copystack not found, so a stack move could not be followed",
         w.what.expr);
  w.internal.push_back(s.add_service_stop(
      s.bias().to_virt(copystack->entry),
      [&s, id, g](pid_t tid) {
        auto* wp = s.breakpoints().find(id);
        return wp && wp->watch && !wp->watch->moving && s.process().regs(tid).rax == g;
      },
      [&s, id](pid_t tid, session::outcome&) {
        auto* wp = s.breakpoints().find(id);
        if (!wp || !wp->watch) return false;
        auto& ws = *wp->watch;
        auto ret = s.process().read_value<std::uint64_t>(virt_addr(s.process().regs(tid).rsp));
        if (!ret) return false;
        clear_slots(s, ws, true);
        ws.moving = tid;
        auto back = std::make_shared<int>(0);
        *back = s.add_service_stop(
            virt_addr(*ret),
            [&s, id, tid](pid_t t) {
              auto* w2 = s.breakpoints().find(id);
              return t == tid && w2 && w2->watch && w2->watch->moving == tid;
            },
            [&s, id, back](pid_t, session::outcome&) {
              s.retire_internal_stop(*back);
              auto* w2 = s.breakpoints().find(id);
              if (!w2 || !w2->watch) return false;
              auto& moved = *w2->watch;
              std::erase(moved.internal, *back);
              moved.moving.reset();
              if (auto b = s.runtime().stack_of_g(*moved.g))
                moved.what.address = b->hi + std::uint64_t(moved.stack_offset);
              if (w2->enabled && !moved.slots.empty()) write_slots(s, moved);
              return false;
            });
        ws.internal.push_back(*back);
        return false;
      }));
}

}  // namespace

user_breakpoint& add_watchpoint(session& s, const scope& where, const std::string& expr_in,
                                watch_access access) {
  std::string expr = expr_in;
  while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.back()))) expr.pop_back();
  if (expr.empty()) throw usage_error("usage: watch [-r|-w|-rw] EXPR");
  s.process();
  watch_state w;
  w.what.expr = expr;
  w.what.access = access;
  if (auto raw = raw_address(expr)) {
    w.what.address = *raw;
    w.what.size = 8;
    if (auto* dw = s.bin().dwarf()) w.type = dw->type_by_name("uint64");
  } else {
    go_value v = evaluate_value_in_frame(s, frame_in(s, where), expr);
    if (!v.address)
      fail(
          "{} is not in memory (a value in a register, or one computed): watch a variable, a "
          "field or an element",
          expr);
    w.what.address = *v.address;
    w.what.size = v.type->size;
    w.type = v.type;
    w.what.type = v.type->name;
  }
  split(expr, w.what.address, w.what.size);  // the reason it cannot be watched, before anything

  // A local when it lies on the scope's goroutine's stack (an escaped variable is on the heap).
  std::optional<g_info> g;
  try {
    g = goroutine_in(s, where);
  } catch (const error&) {
  }
  if (g)
    if (auto b = s.runtime().stack_of_g(g->addr);
        b && w.what.address >= b->lo && w.what.address < b->hi) {
      w.g = g->addr;
      w.what.goid = g->goid;
    }
  w.last = current(s, w);
  if (w.last.empty()) fail("{}: cannot read {} bytes at {:#x}", expr, w.what.size, w.what.address);

  auto& wp = s.breakpoints().add(expr, {}, false);
  wp.kind = breakpoint_kind::watchpoint;
  wp.watch = std::make_shared<watch_state>(std::move(w));
  try {
    write_slots(s, *wp.watch);
    if (wp.watch->g) follow_stack(s, wp.id, where, *wp.watch);
  } catch (...) {
    int id = wp.id;
    drop_watchpoint(s, wp);
    s.breakpoints().remove(id);
    throw;
  }
  return wp;
}

bool watch_hit(session& s, pid_t tid, unsigned slots, session::outcome& o) {
  for (int id : s.breakpoints().ids()) {
    auto* wp = s.breakpoints().find(id);
    if (!wp || !wp->watch || !wp->enabled) continue;
    auto& w = *wp->watch;
    bool mine =
        std::any_of(w.slots.begin(), w.slots.end(), [&](int slot) { return (slots >> slot) & 1u; });
    if (!mine) continue;
    auto now = current(s, w);
    auto old = std::exchange(w.last, now);
    // x86 has no read-only watch: a read watchpoint traps on writes too, told apart here.
    if (w.what.access == watch_access::read && old != now) return false;
    if (wp->condition_tree) {
      auto verdict = breakpoint_condition_holds(s, tid, *wp->condition_tree);
      if (verdict.warning) o.warnings.push_back(*verdict.warning);
      if (!verdict.holds) return false;
    }
    if (!wp->count_hit()) return false;
    watch_report r;
    r.id = id;
    r.expr = w.what.expr;
    r.old_text = text_of(s, w, old);
    r.new_text = text_of(s, w, now);
    o.watch = r;
    return true;
  }
  return false;
}

void arm_watchpoint(session& s, user_breakpoint& wp) {
  if (!wp.watch || !s.has_process()) return;
  auto& w = *wp.watch;
  if (w.moving) {
    // Taken again when copystack returns (its stop checks `enabled`): reserve them now.
    auto pieces = split(w.what.expr, w.what.address, w.what.size);
    auto free = free_slots(s);
    if (free.size() < pieces.size()) fail("no free debug register for watchpoint {}", wp.id);
    w.slots.assign(free.begin(), free.begin() + std::ptrdiff_t(pieces.size()));
    return;
  }
  write_slots(s, w);
  w.last = current(s, w);
}

void disarm_watchpoint(session& s, user_breakpoint& wp) {
  if (wp.watch) clear_slots(s, *wp.watch, false);
}

void drop_watchpoint(session& s, user_breakpoint& wp) {
  if (!wp.watch) return;
  if (!wp.watch->moving) clear_slots(s, *wp.watch, false);
  wp.watch->slots.clear();
  for (int h : std::exchange(wp.watch->internal, {})) s.remove_internal_stop(h);
}

}  // namespace godbg
