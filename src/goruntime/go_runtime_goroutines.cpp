// Walking runtime.allgs in bulk, and finding each goroutine's user frame.
//
// Cost for N goroutines: one read of the N pointers of allgs, then one process_vm_readv per
// 1024 goroutines (IOV_MAX iovecs, each the needed prefix of a runtime.g). User frames of parked
// goroutines are unwound together, one depth at a time: each round reads every return address
// it needs with one batched process_vm_readv, and what a pc means (function, frame size, user
// code or not) is worked out once per distinct pc.
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "common/error.hpp"
#include "dwarf/gopclntab.hpp"
#include "goruntime/go_runtime_internal.hpp"
#include "goruntime/runtime_layout_table.hpp"

namespace godbg {

std::optional<std::vector<rt::raw_g>> read_all_gs(go_runtime& rt) {
  auto* l = resolve_layout(rt, rt.st());
  if (!l) return std::nullopt;
  auto allgs = rt.global_address("runtime.allgs");
  if (!allgs) return std::nullopt;
  auto& proc = rt.process();
  std::uint64_t hdr[2];
  if (!proc.read(virt_addr(*allgs), {reinterpret_cast<std::uint8_t*>(hdr), sizeof hdr}))
    return std::nullopt;
  std::uint64_t ptr = hdr[0], len = hdr[1];
  // allglen is what the runtime publishes once a g is fully added; never read past it.
  if (auto allglen = rt.global_address("runtime.allglen"))
    if (auto n = proc.read_value<std::uint64_t>(virt_addr(*allglen)); n && *n < len) len = *n;
  std::vector<rt::raw_g> out;
  if (len == 0 || ptr == 0) return out;
  if (len > (1ull << 28)) return std::nullopt;  // not a believable goroutine count
  std::vector<std::uint64_t> gs(len);
  if (!proc.read(virt_addr(ptr), {reinterpret_cast<std::uint8_t*>(gs.data()), len * 8}))
    return std::nullopt;
  gs.erase(std::remove(gs.begin(), gs.end(), 0ull), gs.end());
  out.reserve(gs.size());
  const std::size_t span = l->g_span();
  constexpr std::size_t chunk = 8192;
  std::vector<std::uint8_t> buf(chunk * span);
  std::vector<char> ok;
  for (std::size_t i = 0; i < gs.size(); i += chunk) {
    std::size_t n = std::min(chunk, gs.size() - i);
    proc.read_many(std::span(gs).subspan(i, n), span, buf.data(), ok);
    for (std::size_t k = 0; k < n; ++k)
      if (ok[k]) out.push_back(decode_g(*l, buf.data() + k * span, gs[i + k]));
  }
  return out;
}

namespace {

std::string status_name(std::uint32_t raw) {
  if (auto n = goroutine_status_name(raw)) return std::string(*n);
  return "unknown";
}

bool is_waiting(std::uint32_t raw) {
  auto st = static_cast<g_status>(raw & ~g_status_scan);
  return st == g_status::waiting || st == g_status::leaked;
}

}  // namespace

const go_runtime::state::pc_info& go_runtime::state::info_at(go_runtime& rt, std::uint64_t pc,
                                                             bool caller) {
  std::uint64_t key = pc * 2 + (caller ? 1 : 0);
  auto it = pcs.find(key);
  if (it != pcs.end()) return it->second;
  pc_info info;
  const gopclntab* tab = true ? rt.bin().pclntab() : nullptr;
  if (tab) {
    file_addr lookup = rt.bias().to_file(virt_addr(caller ? pc - 1 : pc));
    if (auto fn = tab->func_at(lookup)) {
      info.known = true;
      info.outermost = fn->is_stack_top();
      if (auto d = tab->sp_delta_at(rt.bias().to_file(virt_addr(pc)))) info.sp_delta = *d;
      for (auto& f : tab->inline_at(lookup)) {
        if (!is_user_function(f.function)) continue;
        info.user = int(user_frames.size());
        user_frames.push_back({0, f.function, f.file, f.line});
        break;
      }
    }
  }
  return pcs.emplace(key, info).first->second;
}

std::vector<std::pair<std::uint64_t, int>> user_frames_from(
    go_runtime& rt, go_runtime::state& st,
    std::span<const std::pair<std::uint64_t, std::uint64_t>> starts) {
  std::vector<std::pair<std::uint64_t, int>> result(starts.size(), {0, -1});
  struct cursor {
    std::size_t idx;
    std::uint64_t pc, sp;
    bool caller;
  };
  const target& proc = rt.process();
  // The top of each stack is read in one go (a window of `window` bytes at sp): the frames
  // between a park and its user code (gopark, chanrecv, selectgo, semacquire1, ...) nearly
  // always fit, so most goroutines cost one iovec. Deeper words are read a round at a time.
  constexpr std::size_t window = 512, chunk = 8192;
  // Sized for the batch, not the chunk: a handful of goroutines must not cost 4 MB.
  std::vector<std::uint8_t> windows(std::min(chunk, starts.size()) * window);
  std::vector<std::uint64_t> addrs, words;
  std::vector<char> ok, win_ok;
  std::vector<cursor> active, next;
  for (std::size_t base = 0; base < starts.size(); base += chunk) {
    std::size_t n = std::min(chunk, starts.size() - base);
    addrs.clear();
    for (std::size_t k = 0; k < n; ++k) addrs.push_back(starts[base + k].second);
    proc.read_many(addrs, window, windows.data(), win_ok);
    active.clear();
    for (std::size_t k = 0; k < n; ++k)
      if (starts[base + k].first && starts[base + k].second)
        active.push_back({base + k, starts[base + k].first, starts[base + k].second, false});
    for (int depth = 0; depth < 64 && !active.empty(); ++depth) {
      next.clear();
      addrs.clear();
      for (auto& c : active) {
        const auto& info = st.info_at(rt, c.pc, c.caller);
        if (info.user >= 0) {
          result[c.idx] = {c.pc, info.user};
          continue;
        }
        if (!info.known || info.outermost || info.sp_delta < 0) continue;
        std::uint64_t at = c.sp + std::uint64_t(info.sp_delta);
        // Inside this goroutine's window: step without a syscall, and look again.
        std::size_t k = c.idx - base;
        std::uint64_t w0 = starts[c.idx].second;
        if (win_ok[k] && at >= w0 && at + 8 <= w0 + window) {
          std::uint64_t ret;
          std::memcpy(&ret, windows.data() + k * window + (at - w0), 8);
          if (ret == 0) continue;
          next.push_back({c.idx, ret, at + 8, true});
          addrs.push_back(0);  // resolved
          continue;
        }
        next.push_back(c);
        addrs.push_back(at);
      }
      // Read the words no window held, all at once.
      std::vector<std::uint64_t> want;
      std::vector<std::size_t> which;
      for (std::size_t k = 0; k < next.size(); ++k)
        if (addrs[k]) want.push_back(addrs[k]), which.push_back(k);
      words.resize(want.size());
      if (!want.empty()) proc.read_many(want, 8, reinterpret_cast<std::uint8_t*>(words.data()), ok);
      std::vector<char> drop(next.size(), 0);
      for (std::size_t j = 0; j < which.size(); ++j) {
        auto& c = next[which[j]];
        if (!ok[j] || words[j] == 0) {
          drop[which[j]] = 1;
          continue;
        }
        c = {c.idx, words[j], want[j] + 8, true};
      }
      active.clear();
      for (std::size_t k = 0; k < next.size(); ++k)
        if (!drop[k]) active.push_back(next[k]);
    }
  }
  return result;
}

std::unordered_map<std::uint64_t, pid_t> goroutine_threads(go_runtime& rt) {
  std::unordered_map<std::uint64_t, pid_t> out;
  std::vector<pid_t> unknown;
  for (pid_t tid : rt.process().thread_ids()) {
    auto tg = rt.goroutine_on_thread(tid);
    if (tg.g)
      out.emplace(*tg.g, tid);
    else if (!tg.tls_g)
      unknown.push_back(tid);
  }
  // Threads whose TLS slot says nothing (not set up yet, or foreign code that moved fs_base):
  // their M is the one whose m.procid is the tid, and its curg is what they run.
  if (!unknown.empty())
    for (auto& m : rt.ms())
      if (m.tid && m.curg && std::find(unknown.begin(), unknown.end(), *m.tid) != unknown.end())
        out.emplace(*m.curg, *m.tid);
  return out;
}

g_info make_g_info(go_runtime& rt, const rt::raw_g& r, std::optional<pid_t> tid) {
  g_info g;
  g.addr = r.addr;
  g.goid = r.goid;
  g.status_raw = r.status;
  g.status = status_name(r.status);
  if (is_waiting(r.status)) g.wait_reason = rt.wait_reason_string(r.waitreason);
  g.startpc = r.startpc;
  g.gopc = r.gopc;
  g.parent_goid = r.parentgoid;
  if (r.m) g.m = r.m;
  g.pc = g.sched_pc = r.sched_pc;
  g.sp = g.sched_sp = r.sched_sp;
  g.bp = g.sched_bp = r.sched_bp;
  if (tid) {
    g.tid = *tid;
    const auto& regs = rt.process().regs(*tid);
    g.pc = regs.rip;
    g.sp = regs.rsp;
    g.bp = regs.rbp;
  } else if (g.sp == 0 && r.syscallsp) {
    // In a system call with its thread unknown: where it entered the call.
    g.pc = r.syscallpc;
    g.sp = r.syscallsp;
    g.bp = 0;
  }
  auto start = rt.start_function(r.startpc);
  g.system = start && start->starts_with("runtime.") && *start != "runtime.main";
  return g;
}

bool is_dead(const rt::raw_g& r) {
  auto st = static_cast<g_status>(r.status & ~g_status_scan);
  return st == g_status::dead || st == g_status::deadextra;
}

std::vector<g_info> go_runtime::goroutines() {
  std::size_t n = 0;
  if (!resolve_layout(*this, *st_)) return {};
  try {
    return goroutines(goroutine_query{}, n);
  } catch (const error&) {
    return {};
  }
}

std::size_t go_runtime::visit_goroutines(const goroutine_query& q, const goroutine_visitor& visit) {
  auto raws = read_all_gs(*this);
  if (!raws)
    fail("cannot read runtime.allgs{}",
         bin().symbols().empty() ? " (not found in the code of this stripped binary)" : "");
  // Filtered on the raw fields first: a listing of a million goroutines builds only the records
  // it shows, one at a time.
  std::vector<const rt::raw_g*> sel;
  sel.reserve(raws->size());
  for (auto& r : *raws) {
    if (is_dead(r) && !q.dead) continue;
    if (q.status) {
      auto n = goroutine_status_name(r.status);
      if (!n || *n != *q.status) continue;
    }
    if (q.start) {
      auto fn = start_function(r.startpc);
      if (!fn || fn->find(*q.start) == std::string::npos) continue;
    }
    sel.push_back(&r);
  }
  std::sort(sel.begin(), sel.end(),
            [](const rt::raw_g* a, const rt::raw_g* b) { return a->goid < b->goid; });
  std::size_t matched = sel.size();
  if (q.limit && *q.limit < sel.size()) sel.resize(*q.limit);
  auto threads = goroutine_threads(*this);
  // Parked goroutines: their user frames unwound together, in bulk.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> starts;
  std::vector<std::size_t> start_of(sel.size(), SIZE_MAX);
  for (std::size_t i = 0; i < sel.size(); ++i) {
    if (threads.count(sel[i]->addr)) continue;
    const auto& r = *sel[i];
    start_of[i] = starts.size();
    if (r.sched_sp)
      starts.push_back({r.sched_pc, r.sched_sp});
    else
      starts.push_back({r.syscallpc, r.syscallsp});
  }
  auto found = user_frames_from(*this, *st_, starts);
  for (std::size_t i = 0; i < sel.size(); ++i) {
    const auto& r = *sel[i];
    std::optional<pid_t> tid;
    if (auto it = threads.find(r.addr); it != threads.end()) tid = it->second;
    std::optional<user_frame> user;
    if (start_of[i] != SIZE_MAX)
      if (auto [pc, idx] = found[start_of[i]]; idx >= 0) {
        user = st_->user_frames[std::size_t(idx)];
        user->pc = pc;
      }
    visit(make_g_info(*this, r, tid), user);
  }
  return matched;
}

std::vector<g_info> go_runtime::goroutines(const goroutine_query& q, std::size_t& matched) {
  std::vector<g_info> out;
  matched = visit_goroutines(q, [&](const g_info& g, const auto&) { out.push_back(g); });
  return out;
}

std::optional<g_info> go_runtime::goroutine_at(std::uint64_t g, std::optional<pid_t> tid) {
  auto* l = resolve_layout(*this, *st_);
  if (!l) return std::nullopt;
  auto r = read_one_g(*this, *l, g);
  if (!r) return std::nullopt;
  return make_g_info(*this, *r, tid);
}

std::vector<std::optional<user_frame>> go_runtime::user_frames(std::span<const g_info> gs) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> starts;
  starts.reserve(gs.size());
  for (auto& g : gs)
    starts.push_back({g.sched_sp ? g.sched_pc : g.pc, g.sched_sp ? g.sched_sp : g.sp});
  auto found = user_frames_from(*this, *st_, starts);
  std::vector<std::optional<user_frame>> out(gs.size());
  for (std::size_t i = 0; i < gs.size(); ++i) {
    auto [pc, idx] = found[i];
    if (idx < 0) continue;
    user_frame u = st_->user_frames[std::size_t(idx)];
    u.pc = pc;
    out[i] = u;
  }
  return out;
}

std::optional<std::int32_t> go_runtime::p_id_of_m(std::uint64_t m) {
  auto* l = resolve_layout(*this, *st_);
  if (!l || m == 0) return std::nullopt;
  auto p = process().read_value<std::uint64_t>(virt_addr(m + l->m_p));
  if (!p || !*p) return std::nullopt;
  return process().read_value<std::int32_t>(virt_addr(*p + l->p_id));
}

std::optional<g_info> go_runtime::find_goroutine(std::int64_t goid) {
  auto* l = resolve_layout(*this, *st_);
  if (!l) return std::nullopt;
  std::optional<rt::raw_g> found;
  // The g found last time for this id is checked first: `bt` on a selected goroutine of a
  // program with a million of them must not walk allgs each time.
  if (auto it = st_->g_by_id.find(goid); it != st_->g_by_id.end())
    if (auto r = read_one_g(*this, *l, it->second); r && r->goid == goid && !is_dead(*r)) found = r;
  if (!found) {
    auto raws = read_all_gs(*this);
    if (!raws) return std::nullopt;
    for (auto& r : *raws)
      if (r.goid == goid && (!found || is_dead(*found))) found = r;
    if (!found) return std::nullopt;
    st_->g_by_id[goid] = found->addr;
  }
  std::optional<pid_t> tid;
  for (pid_t t : process().thread_ids())
    if (goroutine_on_thread(t).g == found->addr) {
      tid = t;
      break;
    }
  return make_g_info(*this, *found, tid);
}

}  // namespace godbg
