// Finding the runtime's globals (runtime.allgs, allglen, allm, allp, gomaxprocs, ncpu,
// waitReasonStrings). The ELF symbol table names them; a stripped binary (-s -w) has none, but
// its .gopclntab still names every function, so the globals are recovered from the code of small
// runtime functions that use them RIP-relatively, and every candidate is checked against the
// live process before it is believed:
//
//   runtime.allgs      runtime.forEachG: loads of X and X+8 (slice ptr, len)
//   runtime.allglen    runtime.forEachGRace: the loaded word equal to len(allgs)
//   runtime.allm       runtime.mcommoninit: the word both loaded and lea'd; the M list must end
//                      in an M with id 0 (m0) within a few thousand links
//   runtime.allp       runtime.stopTheWorldWithSema / procresize: loads of X and X+8,
//                      0 < len <= cap
//   runtime.gomaxprocs runtime.GOMAXPROCS: the movsxd source; 1..2^20
//   runtime.ncpu       runtime.osinit: the first 32-bit store (runtime.numCPUStartup in 1.25+)
//   runtime.waitReasonStrings  runtime.waitReason.String: the last lea; its length is the
//                      immediate of the first `cmp al, N`
#include <cctype>

#include "arch_amd64/disassembler.hpp"
#include "goruntime/go_runtime_internal.hpp"

namespace godbg {

namespace {

struct code_ref {
  std::uint64_t insn = 0;
  std::string mnemonic;
  std::uint64_t target = 0;
  bool store = false;  // the memory operand is the destination
};

std::vector<instruction> decode_function(go_runtime& rt, std::string_view name) {
  auto f = rt.bin().function_by_name(name);
  if (!f) return {};
  std::uint64_t size = f->end.value() - f->entry.value();
  if (size == 0 || size > 64 * 1024) return {};
  std::vector<std::uint8_t> code(size);
  virt_addr at = rt.bias().to_virt(f->entry);
  if (!rt.process().read(at, code)) return {};
  static const disassembler dis;
  return dis.decode(code, at.value());
}

std::vector<code_ref> refs_of(const std::vector<instruction>& code) {
  std::vector<code_ref> out;
  for (auto& i : code) {
    if (!i.memory_target) continue;
    code_ref r;
    r.insn = i.address;
    r.mnemonic = i.mnemonic;
    r.target = *i.memory_target;
    auto comma = i.operands.find(", ");
    auto first = i.operands.substr(0, comma);
    r.store = first.find('[') != std::string::npos;
    out.push_back(r);
  }
  return out;
}

bool is_load(const code_ref& r) {
  return !r.store && r.mnemonic.starts_with("mov");
}

template <typename T>
std::optional<T> peek(go_runtime& rt, std::uint64_t a) {
  return rt.process().read_value<T>(virt_addr(a));
}

// X such that both X and X+8 are loaded: a slice's pointer and length.
std::vector<std::uint64_t> slice_candidates(const std::vector<code_ref>& refs) {
  std::vector<std::uint64_t> out;
  for (auto& a : refs)
    if (is_load(a))
      for (auto& b : refs)
        if (is_load(b) && b.target == a.target + 8 &&
            std::find(out.begin(), out.end(), a.target) == out.end())
          out.push_back(a.target);
  return out;
}

bool plausible_slice(go_runtime& rt, std::uint64_t x, std::uint64_t max_len) {
  auto ptr = peek<std::uint64_t>(rt, x);
  auto len = peek<std::uint64_t>(rt, x + 8);
  auto cap = peek<std::uint64_t>(rt, x + 16);
  if (!ptr || !len || !cap || *len > max_len || *cap < *len) return false;
  if (*len == 0) return true;
  return peek<std::uint64_t>(rt, *ptr).has_value();
}

std::optional<std::uint64_t> find_allgs(go_runtime& rt) {
  for (auto fn : {"runtime.forEachG", "runtime.allgadd"})
    for (auto x : slice_candidates(refs_of(decode_function(rt, fn))))
      if (plausible_slice(rt, x, 1ull << 26)) return x;
  return std::nullopt;
}

std::optional<std::uint64_t> find_allglen(go_runtime& rt) {
  auto allgs = rt.global_address("runtime.allgs");
  if (!allgs) return std::nullopt;
  auto len = peek<std::uint64_t>(rt, *allgs + 8);
  if (!len || *len == 0) return std::nullopt;  // 0 would match allgptr too
  for (auto fn : {"runtime.forEachGRace", "runtime.allgadd"})
    for (auto& r : refs_of(decode_function(rt, fn))) {
      if (r.target == *allgs || r.target == *allgs + 8) continue;
      auto v = peek<std::uint64_t>(rt, r.target);
      if (v && *v == *len) return r.target;
    }
  return std::nullopt;
}

std::optional<std::uint64_t> find_allm(go_runtime& rt) {
  auto refs = refs_of(decode_function(rt, "runtime.mcommoninit"));
  std::vector<std::uint64_t> cands;
  for (auto& a : refs)
    if (is_load(a))
      for (auto& b : refs)
        if (b.mnemonic == "lea" && b.target == a.target &&
            std::find(cands.begin(), cands.end(), a.target) == cands.end())
          cands.push_back(a.target);
  auto* l = resolve_layout(rt, rt.st());
  if (!l) return std::nullopt;
  for (auto x : cands) {
    // Walk the list: ids must be small and the last M (the first made) is m0, id 0.
    auto m = peek<std::uint64_t>(rt, x);
    if (!m || *m == 0) continue;
    bool good = false;
    for (int n = 0; n < 100000 && *m; ++n) {
      auto id = peek<std::int64_t>(rt, *m + l->m_id);
      auto next = peek<std::uint64_t>(rt, *m + l->m_alllink);
      if (!id || !next || *id < 0 || *id > 1000000) break;
      if (*next == 0) {
        good = *id == 0;
        break;
      }
      m = next;
    }
    if (good) return x;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> find_allp(go_runtime& rt) {
  for (auto fn : {"runtime.stopTheWorldWithSema", "runtime.procresize"})
    for (auto x : slice_candidates(refs_of(decode_function(rt, fn)))) {
      auto len = peek<std::uint64_t>(rt, x + 8);
      if (len && *len > 0 && plausible_slice(rt, x, 1 << 20)) return x;
    }
  return std::nullopt;
}

std::optional<std::uint64_t> find_gomaxprocs(go_runtime& rt) {
  for (auto& r : refs_of(decode_function(rt, "runtime.GOMAXPROCS")))
    if (r.mnemonic == "movsxd" && !r.store) {
      auto v = peek<std::int32_t>(rt, r.target);
      if (v && *v >= 0 && *v <= (1 << 20)) return r.target;
    }
  return std::nullopt;
}

std::optional<std::uint64_t> find_ncpu(go_runtime& rt) {
  for (auto& r : refs_of(decode_function(rt, "runtime.osinit")))
    if (r.store && r.mnemonic == "mov") return r.target;
  return std::nullopt;
}

std::optional<std::uint64_t> find_wait_reason_strings(go_runtime& rt) {
  std::optional<std::uint64_t> last;
  for (auto& r : refs_of(decode_function(rt, "runtime.waitReason.String")))
    if (r.mnemonic == "lea") last = r.target;
  return last;
}

}  // namespace

// How many strings runtime.waitReasonStrings holds, from the bound check of
// runtime.waitReason.String (`cmp al, N; jb ...`), when the symbol table cannot say.
std::optional<std::uint64_t> wait_reason_count_from_code(go_runtime& rt) {
  for (auto& i : decode_function(rt, "runtime.waitReason.String")) {
    if (i.mnemonic != "cmp") continue;
    auto comma = i.operands.find(", ");
    if (comma == std::string::npos) return std::nullopt;
    try {
      return std::stoull(i.operands.substr(comma + 2), nullptr, 0);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::uint64_t> go_runtime::global_address(std::string_view name) {
  auto& cache = st().globals;
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  std::optional<std::uint64_t> found;
  if (true) {
    if (auto* sym = bin().symbols().by_name(name)) {
      found = bias().to_virt(sym->addr).value();
    } else if (true && bin().pclntab()) {
      std::string n(name);
      if (n == "runtime.allgs")
        found = find_allgs(*this);
      else if (n == "runtime.allglen")
        found = find_allglen(*this);
      else if (n == "runtime.allm")
        found = find_allm(*this);
      else if (n == "runtime.allp")
        found = find_allp(*this);
      else if (n == "runtime.gomaxprocs")
        found = find_gomaxprocs(*this);
      else if (n == "runtime.ncpu" || n == "runtime.numCPUStartup")
        found = find_ncpu(*this);
      else if (n == "runtime.waitReasonStrings")
        found = find_wait_reason_strings(*this);
    }
  }
  // Only a success is kept for good: before the runtime initialised a global, a check that
  // reads it (allm's list, allgs' slice) may fail and must be tried again at the next stop.
  if (found) cache.emplace(std::string(name), found);
  return found;
}

}  // namespace godbg
