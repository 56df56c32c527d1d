#pragma once
// A Go program made up in a test: types built by hand, memory as byte ranges at addresses,
// globals and locals by name, interface descriptors and functions; its eval_env is what the
// debugger would give the evaluator for a stopped process.
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "dwarf/go_eval.hpp"

namespace godbg::test {

struct fake_program {
  std::deque<go_type> types;
  std::map<std::string, const go_type*> by_name;
  std::map<std::uint64_t, std::vector<std::uint8_t>> chunks;
  std::map<std::string, go_value> globals, locals;
  std::map<std::uint64_t, const go_type*> descriptors;
  std::map<std::string, function_ref> functions;
  std::map<std::string, std::uint64_t> registers;
  std::uint64_t next = 0x100000;
  std::string package = "main";

  // --- types
  const go_type* add(go_type t) {
    types.push_back(std::move(t));
    const go_type* p = &types.back();
    if (!p->name.empty()) by_name[p->name] = p;
    return p;
  }
  const go_type* basic(const std::string& name, go_kind k, std::uint64_t size) {
    go_type t;
    t.name = name;
    t.kind = k;
    t.size = size;
    return add(std::move(t));
  }
  const go_type* type(const std::string& name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
  }
  const go_type* pointer(const go_type* elem, std::string name = "") {
    go_type t;
    t.kind = go_kind::pointer;
    t.name = name.empty() ? "*" + elem->name : name;
    t.size = 8;
    t.elem = elem;
    return add(std::move(t));
  }
  const go_type* slice(const go_type* elem) {
    go_type t;
    t.kind = go_kind::slice;
    t.name = "[]" + elem->name;
    t.size = 24;
    t.elem = elem;
    return add(std::move(t));
  }
  const go_type* array(const go_type* elem, std::uint64_t n) {
    go_type t;
    t.kind = go_kind::array;
    t.name = "[" + std::to_string(n) + "]" + elem->name;
    t.size = n * elem->size;
    t.length = n;
    t.elem = elem;
    return add(std::move(t));
  }
  // Fields laid out in order, each aligned to its size (up to 8).
  const go_type* structure(const std::string& name,
                           std::vector<std::tuple<std::string, const go_type*, bool>> fields) {
    go_type t;
    t.kind = go_kind::struct_;
    t.name = name;
    std::uint64_t off = 0;
    for (auto& [n, ft, embedded] : fields) {
      std::uint64_t align = std::min<std::uint64_t>(ft->size ? ft->size : 1, 8);
      if (ft->kind == go_kind::struct_ || ft->kind == go_kind::array) align = 8;
      off = (off + align - 1) / align * align;
      t.fields.push_back({n, off, ft, embedded});
      off += ft->size;
    }
    t.size = (off + 7) / 8 * 8;
    return add(std::move(t));
  }
  const go_type* iface(const std::string& name, bool empty) {
    go_type t;
    t.kind = go_kind::interface;
    t.name = name;
    t.size = 16;
    t.empty_interface = empty;
    return add(std::move(t));
  }
  const go_type* chan(const go_type* elem) {
    go_type t;
    t.kind = go_kind::chan;
    t.name = "chan " + elem->name;
    t.size = 8;
    t.elem = elem;
    return add(std::move(t));
  }
  const go_type* func(const std::string& name) {
    go_type t;
    t.kind = go_kind::func;
    t.name = name;
    t.size = 8;
    return add(std::move(t));
  }

  // --- memory
  std::uint64_t put(std::vector<std::uint8_t> bytes) {
    std::uint64_t a = next;
    next += (bytes.size() + 15) / 16 * 16 + 16;
    chunks[a] = std::move(bytes);
    return a;
  }
  template <typename T>
  static std::vector<std::uint8_t> le(T v) {
    std::vector<std::uint8_t> b(sizeof v);
    std::memcpy(b.data(), &v, sizeof v);
    return b;
  }
  static std::vector<std::uint8_t> cat(std::initializer_list<std::vector<std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  }
  // A Go string header pointing at s (stored in memory).
  std::vector<std::uint8_t> str(const std::string& s) {
    std::uint64_t data = s.empty() ? 0 : put({s.begin(), s.end()});
    return cat({le(data), le(std::uint64_t(s.size()))});
  }
  bool read(std::uint64_t addr, std::span<std::uint8_t> out) const {
    for (std::size_t i = 0; i < out.size();) {
      auto it = chunks.upper_bound(addr + i);
      if (it == chunks.begin()) return false;
      --it;
      std::uint64_t off = addr + i - it->first;
      if (off >= it->second.size()) return false;
      std::size_t n = std::min<std::size_t>(out.size() - i, it->second.size() - off);
      std::memcpy(out.data() + i, it->second.data() + off, n);
      i += n;
    }
    return true;
  }
  bool write(std::uint64_t addr, std::span<const std::uint8_t> in) {
    for (auto& [a, b] : chunks)
      if (addr >= a && addr + in.size() <= a + b.size()) {
        std::memcpy(b.data() + (addr - a), in.data(), in.size());
        return true;
      }
    return false;
  }

  // A variable in memory (addressable), or held in registers (no address).
  void global(const std::string& name, const go_type* t, std::vector<std::uint8_t> bytes) {
    globals[name] = go_value{t, {}, put(std::move(bytes)), nullptr};
  }
  void local(const std::string& name, const go_type* t, std::vector<std::uint8_t> bytes,
             bool in_memory = true) {
    if (in_memory)
      locals[name] = go_value{t, {}, put(std::move(bytes)), nullptr};
    else
      locals[name] = go_value{t, std::move(bytes), std::nullopt, nullptr};
  }
  std::vector<std::uint8_t> at(const std::string& global, std::size_t n) const {
    std::vector<std::uint8_t> b(n);
    read(*globals.at(global).address, b);
    return b;
  }

  eval_env env() {
    eval_env e;
    e.read_memory = [this](std::uint64_t a, std::span<std::uint8_t> o) { return read(a, o); };
    e.write_memory = [this](std::uint64_t a, std::span<const std::uint8_t> i) {
      return write(a, i);
    };
    e.local = [this](std::string_view n) -> std::optional<go_value> {
      auto it = locals.find(std::string(n));
      if (it == locals.end()) return std::nullopt;
      return it->second;
    };
    e.has_local = [this](std::string_view n) { return locals.count(std::string(n)) > 0; };
    e.global = [this](std::string_view n) -> std::optional<go_value> {
      auto it = globals.find(std::string(n));
      if (it == globals.end()) return std::nullopt;
      return it->second;
    };
    e.package = package;
    e.package_path = [](std::string_view n) -> std::optional<std::string> {
      if (n == "main" || n == "strings" || n == "net/http" || n == "errors") return std::string(n);
      if (n == "http") return std::string("net/http");
      return std::nullopt;
    };
    e.type_named = [this](std::string_view n) { return type(std::string(n)); };
    e.type_of_descriptor = [this](std::uint64_t a) -> const go_type* {
      auto it = descriptors.find(a);
      return it == descriptors.end() ? nullptr : it->second;
    };
    e.function_named = [this](std::string_view n) -> std::optional<function_ref> {
      auto it = functions.find(std::string(n));
      if (it == functions.end()) return std::nullopt;
      return it->second;
    };
    e.function_at = [this](std::uint64_t pc) -> std::optional<std::string> {
      for (const auto& [name, f] : functions)
        if (f.entry == pc) return name;
      return std::nullopt;
    };
    e.read_register = [this](std::string_view n) -> std::optional<std::uint64_t> {
      auto it = registers.find(std::string(n));
      if (it == registers.end()) return std::nullopt;
      return it->second;
    };
    e.write_register = [this](std::string_view n, std::uint64_t v) {
      auto it = registers.find(std::string(n));
      if (it == registers.end()) return false;
      it->second = v;
      return true;
    };
    return e;
  }
};

}  // namespace godbg::test
