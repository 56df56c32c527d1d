// The Go expression grammar and evaluator: the first line of the input is an expression, parsed,
// evaluated, shown (on one line and on several), read as a condition and assigned to; the rest
// of the input is the program's memory at 0x10000, where the made-up program's variables point,
// so pointers, strings, slices, maps and interfaces lead into fuzzed bytes. Only godbg::error may
// come out (expr_error included); a crash, a hang or a sanitizer report is a bug.
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dwarf/go_eval.hpp"
#include "fuzz_common.hpp"

using namespace godbg;

namespace {

constexpr std::uint64_t heap = 0x10000;

struct program {
  std::deque<go_type> types;
  std::map<std::string, const go_type*, std::less<>> by_name;
  std::map<std::string, go_value, std::less<>> vars;
  std::vector<std::uint8_t> mem;

  go_type* add(go_type t) {
    types.push_back(std::move(t));
    by_name[types.back().name] = &types.back();
    return &types.back();
  }
  // A type of kind k; elem for pointers, slices, arrays and channels.
  go_type* make(const char* name, go_kind k, std::uint64_t size, const go_type* elem = nullptr) {
    go_type t;
    t.name = name;
    t.kind = k;
    t.size = size;
    t.elem = elem;
    return add(std::move(t));
  }
  const go_type* basic(const char* name, go_kind k, std::uint64_t size) {
    return make(name, k, size);
  }

  // Types of every kind, and variables of them whose bytes are fuzzed memory.
  program() {
    const go_type* i = basic("int", go_kind::int_, 8);
    const go_type* u8 = basic("uint8", go_kind::uint_, 1);
    basic("int8", go_kind::int_, 1);
    basic("int32", go_kind::int_, 4);
    basic("uint64", go_kind::uint_, 8);
    basic("uintptr", go_kind::uint_, 8);
    basic("float32", go_kind::float_, 4);
    const go_type* f = basic("float64", go_kind::float_, 8);
    const go_type* c = basic("complex128", go_kind::complex_, 16);
    const go_type* b = basic("bool", go_kind::boolean, 1);
    const go_type* s = basic("string", go_kind::string, 16);
    go_type* t = make("main.T", go_kind::struct_, 40);
    t->fields = {{"X", 0, i, false}, {"S", 8, s, false}, {"F", 24, f, false}, {"B", 32, b, false}};
    const go_type* p = make("*main.T", go_kind::pointer, 8, t);
    go_type* n = make("main.N", go_kind::struct_, 16);
    const go_type* np = make("*main.N", go_kind::pointer, 8, n);
    // main.N{V int; Next *main.N}: a list through fuzzed memory.
    n->fields = {{"V", 0, i, false}, {"Next", 8, np, true}};
    const go_type* ints = make("[]int", go_kind::slice, 24, i);
    make("[]uint8", go_kind::slice, 24, u8);
    go_type* a = make("[4]main.T", go_kind::array, 160, t);
    a->length = 4;
    go_type* eface = make("interface {}", go_kind::interface, 16);
    eface->empty_interface = true;
    const go_type* chan = make("chan int", go_kind::chan, 8, i);
    const go_type* func = make("func(int) int", go_kind::func, 8);
    std::uint64_t at = heap;
    for (auto [name, ty] :
         std::initializer_list<std::pair<const char*, const go_type*>>{{"main.I", i},
                                                                       {"main.F", f},
                                                                       {"main.C", c},
                                                                       {"main.B", b},
                                                                       {"main.S", s},
                                                                       {"main.T0", t},
                                                                       {"main.P", p},
                                                                       {"main.L", np},
                                                                       {"main.Sl", ints},
                                                                       {"main.A", a},
                                                                       {"main.E", eface},
                                                                       {"main.Ch", chan},
                                                                       {"main.Fn", func}}) {
      go_value v;
      v.type = ty;
      v.address = at;
      vars[name] = v;
      at += 64;
    }
  }

  bool read(std::uint64_t addr, std::span<std::uint8_t> out) const {
    if (addr < heap || addr - heap > mem.size() || mem.size() - (addr - heap) < out.size())
      return false;
    if (!out.empty()) std::memcpy(out.data(), mem.data() + (addr - heap), out.size());
    return true;
  }
  bool write(std::uint64_t addr, std::span<const std::uint8_t> in) {
    if (addr < heap || addr - heap > mem.size() || mem.size() - (addr - heap) < in.size())
      return false;
    if (!in.empty()) std::memcpy(mem.data() + (addr - heap), in.data(), in.size());
    return true;
  }

  eval_env env() {
    eval_env e;
    e.read_memory = [this](std::uint64_t a, std::span<std::uint8_t> o) { return read(a, o); };
    e.write_memory = [this](std::uint64_t a, std::span<const std::uint8_t> i) {
      return write(a, i);
    };
    e.global = [this](std::string_view n) -> std::optional<go_value> {
      auto it = vars.find(n);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    e.local = [this](std::string_view n) -> std::optional<go_value> {
      if (n != "x") return std::nullopt;
      return vars.find("main.I")->second;
    };
    e.has_local = [](std::string_view n) { return n == "x"; };
    e.package = "main";
    e.package_path = [](std::string_view n) -> std::optional<std::string> {
      if (n == "main" || n == "net/http") return std::string(n);
      return std::nullopt;
    };
    e.type_named = [this](std::string_view n) -> const go_type* {
      auto it = by_name.find(n);
      return it == by_name.end() ? nullptr : it->second;
    };
    // Any word in memory may claim to be a runtime type descriptor: its low bits pick one.
    e.type_of_descriptor = [this](std::uint64_t d) -> const go_type* {
      if (d == 0 || d % 8) return nullptr;
      return &types[std::size_t(d / 8 % types.size())];
    };
    e.function_at = [](std::uint64_t pc) -> std::optional<std::string> {
      if (pc % 2) return std::nullopt;
      return std::string("main.f");
    };
    e.read_register = [](std::string_view n) -> std::optional<std::uint64_t> {
      if (n == "rip") return 0x401000;
      return std::nullopt;
    };
    return e;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  std::string_view text = in.substr(0, nl);
  if (text.size() > 4096) return -1;
  static program* prog = new program();  // types and variables, made once; memory per input
  prog->mem.assign(nl == std::string_view::npos ? in.end() : in.begin() + nl + 1, in.end());
  prog->mem.resize(std::max<std::size_t>(prog->mem.size(), 1024));
  fuzz::guarded([&] {
    expr_tree t = parse_expression(text);
    evaluator ev(prog->env());
    eval_value v = ev.evaluate(t);
    print_limits small;
    small.max_array = 8;
    small.max_string = 16;
    (void)ev.show(v, true);
    (void)ev.show(v, false, small);
    (void)ev.type_name(v);
    (void)ev.scalar_of(v);
    fuzz::guarded([&] { (void)ev.truth(v, t); });
    expr_tree rhs = parse_expression("1");
    fuzz::guarded([&] { (void)ev.assign(t, rhs); });
  });
  return 0;
}
