// The Go runtime as read from the live process: g of a thread, Ms, Ps, a few globals, wait
// reasons, start functions. The layout comes from go_runtime_layout.cpp, the globals from
// go_runtime_globals.cpp, the goroutine walker is go_runtime_goroutines.cpp.
#include "goruntime/go_runtime.hpp"

#include <cctype>
#include <cstring>

#include "arch_amd64/disassembler.hpp"
#include "arch_amd64/g_register.hpp"
#include "common/error.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/gopclntab.hpp"
#include "goruntime/go_runtime_internal.hpp"
#include "goruntime/runtime_layout_table.hpp"
#include "process/target.hpp"

namespace godbg {

namespace {
// Sanity bound for a runtime counter read from memory: anything above is not what we think.
constexpr std::int64_t plausible_count = 1 << 24;
}  // namespace

std::optional<std::uint64_t> wait_reason_count_from_code(go_runtime& rt);  // go_runtime_globals.cpp

go_runtime::go_runtime(const binary& bin, load_bias bias, target& proc)
    : bin_(bin), bias_(bias), proc_(proc), st_(std::make_unique<state>()) {}
go_runtime::~go_runtime() = default;

go_runtime::state& go_runtime::st() {
  return *st_;
}

bool go_runtime::available() {
  return resolve_layout(*this, *st_) != nullptr;
}

std::optional<std::string> go_runtime::layout_source() {
  if (auto* l = resolve_layout(*this, *st_)) return l->source;
  return std::nullopt;
}

std::optional<std::uint64_t> go_runtime::g_on_thread(pid_t tid) {
  if (!bin().is_go()) return std::nullopt;
  auto& proc = process();
  if (!proc.has_thread(tid)) return std::nullopt;
  std::uint64_t tls = 0;
  try {
    const auto& regs = proc.regs(tid);
    if (regs.fs_base == 0) return std::nullopt;
    tls = g_tls_address(regs);
  } catch (const error&) {
    return std::nullopt;  // running (a thread being born): no registers to read
  }
  auto g = proc.read_value<std::uint64_t>(virt_addr(tls));
  if (!g || *g == 0) return std::nullopt;
  // Before rt0_go sets TLS up (or in a PIE binary while ld.so's TLS is in place) the slot
  // holds something else: a g is believed only if its m points back at it as g0 or curg.
  auto* l = resolve_layout(*this, *st_);
  if (!l) return g;
  auto m = proc.read_value<std::uint64_t>(virt_addr(*g + l->g_m));
  if (!m || *m == 0) return std::nullopt;
  auto g0 = proc.read_value<std::uint64_t>(virt_addr(*m + l->m_g0));
  if (g0 && *g0 == *g) return g;
  auto curg = proc.read_value<std::uint64_t>(virt_addr(*m + l->m_curg));
  if (curg && *curg == *g) return g;
  auto gsignal = proc.read_value<std::uint64_t>(virt_addr(*m + l->m_gsignal));
  if (gsignal && *gsignal == *g) return g;
  return std::nullopt;
}

std::optional<std::int64_t> go_runtime::goid_of(std::uint64_t g) {
  auto* l = resolve_layout(*this, *st_);
  if (!l || g == 0) return std::nullopt;
  auto v = process().read_value<std::int64_t>(virt_addr(g + l->g_goid));
  if (!v || *v < 0 || *v > (std::int64_t(1) << 48)) return std::nullopt;
  return v;
}

std::optional<g_thread_offsets> go_runtime::thread_offsets() {
  auto* l = resolve_layout(*this, *st_);
  if (!l || !l->g_goid || !l->g_m || !l->m_procid) return std::nullopt;
  return g_thread_offsets{l->g_goid, l->g_m, l->m_procid};
}

std::optional<std::int64_t> go_runtime::goid_on_thread(pid_t tid) {
  auto g = g_on_thread(tid);
  if (!g) return std::nullopt;
  return goid_of(*g);
}

thread_goroutine go_runtime::goroutine_on_thread(pid_t tid) {
  thread_goroutine out;
  auto* l = resolve_layout(*this, *st_);
  out.tls_g = g_on_thread(tid);
  if (!l || !out.tls_g) return out;
  auto& proc = process();
  auto goid = proc.read_value<std::int64_t>(virt_addr(*out.tls_g + l->g_goid));
  if (!goid) {
    out.tls_g.reset();  // not a g: TLS not set up by the Go runtime yet
    return out;
  }
  if (auto m = proc.read_value<std::uint64_t>(virt_addr(*out.tls_g + l->g_m)); m && *m) out.m = *m;
  if (*goid != 0) {
    out.g = out.tls_g;
    return out;
  }
  // g0 or gsignal: the thread runs runtime code on the system stack for m.curg, if any.
  if (!out.m) return out;
  auto curg = proc.read_value<std::uint64_t>(virt_addr(*out.m + l->m_curg));
  if (curg && *curg) {
    out.g = *curg;
    out.system_stack = true;
  }
  return out;
}

std::optional<std::int64_t> go_runtime::curg_goid_on_thread(pid_t tid) {
  auto tg = goroutine_on_thread(tid);
  if (tg.g && tg.system_stack)
    if (auto id = goid_of(*tg.g)) return id;
  return tg.tls_g ? goid_of(*tg.tls_g) : std::nullopt;
}

std::vector<m_info> go_runtime::ms() {
  std::vector<m_info> out;
  auto* l = resolve_layout(*this, *st_);
  auto allm = global_address("runtime.allm");
  if (!l || !allm) return out;
  auto& proc = process();
  auto m = proc.read_value<std::uint64_t>(virt_addr(*allm));
  std::vector<std::uint8_t> buf(l->m_span());
  auto u64 = [&](std::uint64_t off) {
    std::uint64_t v;
    std::memcpy(&v, buf.data() + off, 8);
    return v;
  };
  for (int n = 0; m && *m && n < 1000000; ++n) {
    if (!proc.read(virt_addr(*m), buf)) break;
    m_info mi;
    mi.addr = *m;
    mi.id = std::int64_t(u64(l->m_id));
    if (auto procid = u64(l->m_procid)) mi.tid = pid_t(procid);
    if (auto g0 = u64(l->m_g0)) mi.g0 = g0;
    if (auto gs = u64(l->m_gsignal)) mi.gsignal = gs;
    if (auto curg = u64(l->m_curg)) {
      mi.curg = curg;
      mi.curg_goid = goid_of(curg);
    }
    if (auto p = u64(l->m_p))
      if (auto id = proc.read_value<std::int32_t>(virt_addr(p + l->p_id))) mi.p_id = *id;
    out.push_back(mi);
    m = u64(l->m_alllink);
  }
  return out;
}

std::optional<std::int32_t> go_runtime::gomaxprocs() {
  auto a = global_address("runtime.gomaxprocs");
  if (!a) return std::nullopt;
  return process().read_value<std::int32_t>(virt_addr(*a));
}

std::optional<std::int32_t> go_runtime::ncpu() {
  auto* l = resolve_layout(*this, *st_);
  std::optional<std::uint64_t> a;
  if (l && !l->ncpu_var.empty()) a = global_address(l->ncpu_var);
  if (!a) a = global_address("runtime.numCPUStartup");
  if (!a) a = global_address("runtime.ncpu");
  if (!a) return std::nullopt;
  return process().read_value<std::int32_t>(virt_addr(*a));
}

std::optional<std::int64_t> go_runtime::nprocs() {
  auto a = global_address("runtime.allp");
  if (!a) return std::nullopt;
  auto len = process().read_value<std::int64_t>(virt_addr(*a + 8));  // slice: ptr, len, cap
  if (!len || *len < 0 || *len > plausible_count) return std::nullopt;
  return len;
}

// --- wait reasons

const std::vector<std::string>& go_runtime::wait_reasons() {
  if (st_->wait_reasons) return *st_->wait_reasons;
  std::vector<std::string> table;
  if (auto* l = resolve_layout(*this, *st_)) table = l->table_wait_reasons;
  std::vector<std::string> read;
  if (true) {
    auto a = global_address("runtime.waitReasonStrings");
    std::optional<std::uint64_t> count;
    if (auto* sym = bin().symbols().by_name("runtime.waitReasonStrings"); sym && sym->size)
      count = sym->size / 16;
    else
      count = wait_reason_count_from_code(*this);
    if (a && count && *count > 0 && *count < 256) {
      auto& proc = process();
      std::vector<std::uint64_t> hdr(*count * 2);
      if (proc.read(virt_addr(*a), {reinterpret_cast<std::uint8_t*>(hdr.data()), hdr.size() * 8})) {
        for (std::uint64_t i = 0; i < *count; ++i) {
          std::uint64_t p = hdr[2 * i], n = hdr[2 * i + 1];
          if (n > 256) {
            read.clear();
            break;
          }
          std::string str(n, '\0');
          if (n && !proc.read(virt_addr(p), {reinterpret_cast<std::uint8_t*>(str.data()), n})) {
            read.clear();
            break;
          }
          read.push_back(std::move(str));
        }
      }
      // [0] is "" (waitReasonZero): anything else means the guess was wrong.
      if (!read.empty() && !read[0].empty()) read.clear();
    }
  }
  if (!read.empty()) {
    st_->wait_reasons = std::move(read);
    return *st_->wait_reasons;
  }
  // Not cached when the process could not be asked: a later call may do better.
  if (!true) {
    st_->table_wait_reasons = std::move(table);
    return st_->table_wait_reasons;
  }
  st_->wait_reasons = std::move(table);
  return *st_->wait_reasons;
}

std::optional<std::string> go_runtime::wait_reason_string(std::uint64_t waitreason) {
  const auto& w = wait_reasons();
  if (waitreason == 0 || waitreason >= w.size()) return std::nullopt;
  return w[waitreason];
}

// --- functions

std::optional<std::string> go_runtime::function_name(std::uint64_t pc) {
  auto it = st_->function_names.find(pc);
  if (it != st_->function_names.end()) return it->second;
  std::optional<std::string> name;
  if (true) name = bin().innermost_function_at(bias().to_file(virt_addr(pc)));
  st_->function_names.emplace(pc, name);
  return name;
}

namespace {

bool ends_with_number_after(std::string_view name, std::string_view marker) {
  auto p = name.rfind(marker);
  if (p == std::string_view::npos) return false;
  auto rest = name.substr(p + marker.size());
  if (rest.empty()) return false;
  for (char c : rest)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) return false;
  return true;
}

// Calls a wrapper makes besides the one it exists for: stack growth, write barriers, panics;
// in a wrapper outside the runtime, any runtime function.
bool is_runtime_helper(std::string_view wrapper, std::string_view callee) {
  if (!callee.starts_with("runtime.")) return false;
  if (!wrapper.starts_with("runtime.")) return true;
  return callee.starts_with("runtime.morestack") || callee.starts_with("runtime.gcWriteBarrier") ||
         callee.starts_with("runtime.panic") || callee.starts_with("runtime.wbBuf");
}

// The function a go-statement wrapper starts: the outermost call inlined into it, or the first
// call to a function outside the runtime. nullopt when `fn` is not such a wrapper.
std::optional<std::string> unwrap_go_wrapper(go_runtime& rt, const function_info& fn) {
  bool gowrap = ends_with_number_after(fn.name, ".gowrap");            // go1.22+
  bool closure = !gowrap && ends_with_number_after(fn.name, ".func");  // go1.17..1.21
  if (!gowrap && !closure) return std::nullopt;
  const gopclntab* tab = rt.bin().pclntab();
  if (!tab) return std::nullopt;
  // The compiler marks the closure of a go statement as a wrapper (abi.FuncIDWrapper, what
  // Go's own traceback leaves out); a closure the user wrote never is, even one whose only call
  // is time.Sleep on its own line. Only where the pclntab cannot tell, guess by its shape.
  if (tab->knows_wrappers()) {
    auto gf = tab->func_at(fn.entry);
    if (!gf || !tab->is_wrapper(*gf)) return std::nullopt;
    gowrap = true;
    closure = false;
  }
  std::uint64_t size = fn.end.value() - fn.entry.value();
  if (size == 0 || size > (gowrap ? 4096u : 256u)) return std::nullopt;
  std::vector<std::uint8_t> code(size);
  virt_addr at = rt.bias().to_virt(fn.entry);
  if (!rt.process().read(at, code)) return std::nullopt;
  static const disassembler dis;
  auto insns = dis.decode(code, at.value());
  std::optional<std::string> target;
  std::optional<int> line;
  int calls = 0;
  for (auto& i : insns) {
    if (i.mnemonic == "int3") break;  // the padding after the function
    auto chain = tab->inline_at(rt.bias().to_file(virt_addr(i.address)));
    if (chain.empty()) continue;
    // A closure that is a wrapper has every instruction on the line of its go statement.
    if (!line) line = chain.back().line;
    if (closure && chain.back().line != *line) return std::nullopt;
    if (chain.size() > 1) {
      if (closure) return std::nullopt;  // closures with inlined bodies are user code
      if (!target) target = chain[chain.size() - 2].function;
      continue;
    }
    if (i.is_call && i.branch_target) {
      auto callee = rt.bin().function_at(rt.bias().to_file(virt_addr(*i.branch_target)));
      if (!callee || is_runtime_helper(fn.name, callee->name)) continue;
      ++calls;
      if (!target) target = callee->name;
    }
  }
  if (closure && calls != 1) return std::nullopt;
  return target;
}

}  // namespace

std::optional<std::string> go_runtime::start_function(std::uint64_t startpc) {
  auto it = st_->start_functions.find(startpc);
  if (it != st_->start_functions.end()) return it->second;
  std::optional<std::string> name;
  if (true) {
    if (auto fn = bin().function_at(bias().to_file(virt_addr(startpc)))) {
      name = fn->name;
      if (true)
        if (auto inner = unwrap_go_wrapper(*this, *fn)) name = inner;
    }
  }
  st_->start_functions.emplace(startpc, name);
  return name;
}

}  // namespace godbg
