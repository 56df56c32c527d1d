// The value printer against Delve's rules, on values made up in the test: one level of nesting
// loaded (deeper structs by address, maps as [...]), pointers followed, types where the context
// does not say them, several lines for print (tabs, trailing commas) when a value holds
// composite parts, limits with "...+N more", unreadable parts marked, time.Time as a date.
#include <doctest/doctest.h>

#include <cmath>

#include "dwarf/go_eval.hpp"
#include "dwarf/go_shown.hpp"
#include "fake_program.hpp"

using namespace godbg;
using godbg::test::fake_program;
using F = fake_program;

namespace {

struct printer_world {
  fake_program p;
  printer_env env;

  printer_world() {
    env.mem = [this](std::uint64_t a, std::span<std::uint8_t> o) { return p.read(a, o); };
    env.type_of_descriptor = [this](std::uint64_t a) -> const go_type* {
      auto it = p.descriptors.find(a);
      return it == p.descriptors.end() ? nullptr : it->second;
    };
    env.function_at = [](std::uint64_t pc) -> std::optional<std::string> {
      if (pc == 0x401000) return std::string("main.double");
      if (pc == 0x402000) return std::string("main.main.func1");
      return std::nullopt;
    };
  }

  std::string show(const go_type* t, const std::vector<std::uint8_t>& bytes, bool multiline,
                   print_limits lim = {}) {
    return write_shown(load_shown(env, *t, p.put(bytes), {}, lim), multiline);
  }
};

}  // namespace

TEST_CASE("shown: scalars as Delve writes them") {
  printer_world w;
  auto& p = w.p;
  const go_type* f64 = p.basic("float64", go_kind::float_, 8);
  const go_type* f32 = p.basic("float32", go_kind::float_, 4);
  const go_type* c64 = p.basic("complex64", go_kind::complex_, 8);
  const go_type* i8 = p.basic("int8", go_kind::int_, 1);
  const go_type* u64 = p.basic("uint64", go_kind::uint_, 8);
  const go_type* b = p.basic("bool", go_kind::boolean, 1);
  CHECK(w.show(f64, F::le(1e21), false) == "1000000000000000000000");
  CHECK(w.show(f64, F::le(1e-7), false) == "0.0000001");
  CHECK(w.show(f64, F::le(100.0), false) == "100");
  CHECK(w.show(f64, F::le(std::nan("")), false) == "NaN");
  CHECK(w.show(f64, F::le(-double(INFINITY)), false) == "-Inf");
  CHECK(w.show(f64, F::le(double(INFINITY)), false) == "+Inf");
  CHECK(w.show(f64, F::le(-0.0), false) == "0");
  CHECK(w.show(f32, F::le(0.1f), false) == "0.1");  // float32's own shortest digits
  CHECK(w.show(c64, F::cat({F::le(1.5f), F::le(-2.0f)}), false) == "(1.5 + -2i)");
  CHECK(w.show(i8, F::le<std::int8_t>(-128), false) == "-128");
  CHECK(w.show(u64, F::le<std::uint64_t>(~0ull), false) == "18446744073709551615");
  CHECK(w.show(b, F::le<std::uint8_t>(1), false) == "true");
  print_limits hex;
  hex.int_format = 'x';
  CHECK(w.show(i8, F::le<std::int8_t>(-1), false, hex) == "0xff");
  hex.int_format = 'c';
  CHECK(w.show(i8, F::le<std::int8_t>(65), false, hex) == "65 'A'");
}

TEST_CASE("shown: strings, quoted by strconv.Quote, cut at 64 bytes") {
  printer_world w;
  const go_type* s = w.p.basic("string", go_kind::string, 16);
  CHECK(w.show(s, w.p.str("tab\there \"q\" \\ \x01"), false) ==
        "\"tab\\there \\\"q\\\" \\\\ \\x01\"");
  CHECK(w.show(s, w.p.str("héllo, 世界"), false) == "\"héllo, 世界\"");
  CHECK(w.show(s, w.p.str("bad \xff utf8"), false) == "\"bad \\xff utf8\"");
  CHECK(w.show(s, w.p.str("nb\xc2\xa0sp"), false) == "\"nb\\u00a0sp\"");  // U+00A0 is not printable
  CHECK(w.show(s, w.p.str(std::string(100, 'a')), false) ==
        "\"" + std::string(64, 'a') + "...+36 more\"");
  std::vector<std::uint8_t> bad =
      F::cat({F::le<std::uint64_t>(0xdead0000), F::le<std::uint64_t>(5)});
  CHECK(w.show(s, bad, false) == "(unreadable cannot read 5 bytes at 0xdead0000)");
}

TEST_CASE("shown: pointers are followed; print puts the address on a line of its own") {
  printer_world w;
  auto& p = w.p;
  const go_type* i = p.basic("int", go_kind::int_, 8);
  const go_type* pt = p.structure("main.Point", {{"X", i, false}, {"Y", i, false}});
  const go_type* pp = p.pointer(pt);
  const go_type* ip = p.pointer(i);
  const go_type* ipp = p.pointer(ip);
  std::uint64_t a = p.put(F::cat({F::le<std::int64_t>(1), F::le<std::int64_t>(2)}));
  CHECK(w.show(pp, F::le(a), false) == "*main.Point {X: 1, Y: 2}");
  CHECK(w.show(pp, F::le(a), true) ==
        fmt::format("(*main.Point)({:#x})\n*main.Point {{X: 1, Y: 2}}", a));
  CHECK(w.show(pp, F::le<std::uint64_t>(0), true) == "*main.Point nil");
  std::uint64_t n = p.put(F::le<std::int64_t>(-42));
  std::uint64_t np = p.put(F::le(n));
  CHECK(w.show(ipp, F::le(np), false) == "**-42");
  CHECK(w.show(ip, F::le<std::uint64_t>(0x10), false) ==
        "*(unreadable cannot read 8 bytes at 0x10)");
}

TEST_CASE("shown: nesting past one level shows structs by address and maps as [...]") {
  printer_world w;
  auto& p = w.p;
  const go_type* i = p.basic("int", go_kind::int_, 8);
  const go_type* l4 = p.structure("main.L4", {{"Val", i, false}});
  const go_type* l3 = p.structure("main.L3", {{"Val", i, false}, {"Next", l4, false}});
  const go_type* l2 = p.structure("main.L2", {{"Val", i, false}, {"Next", l3, false}});
  std::vector<std::uint8_t> v =
      F::cat({F::le<std::int64_t>(2), F::le<std::int64_t>(3), F::le<std::int64_t>(4)});
  std::uint64_t a = p.put(v);
  std::string got = write_shown(load_shown(w.env, *l2, a, {}), true);
  CHECK(got == fmt::format("main.L2 {{\n\tVal: 2,\n\tNext: main.L3 {{\n\t\tVal: 3,\n\t\tNext: "
                           "(*main.L4)({:#x}),}},}}",
                           a + 16));
  CHECK(
      write_shown(load_shown(w.env, *l2, a, {}), false) ==
      fmt::format("main.L2 {{Val: 2, Next: main.L3 {{Val: 3, Next: (*main.L4)({:#x})}}}}", a + 16));
  print_limits deeper;
  deeper.max_recurse = 3;
  CHECK(write_shown(load_shown(w.env, *l2, a, {}, deeper), false) ==
        "main.L2 {Val: 2, Next: main.L3 {Val: 3, Next: main.L4 {Val: 4}}}");
}

TEST_CASE("shown: arrays and slices, their limits and their lines") {
  printer_world w;
  auto& p = w.p;
  const go_type* i = p.basic("int", go_kind::int_, 8);
  const go_type* s = p.basic("string", go_kind::string, 16);
  const go_type* ints = p.slice(i);
  const go_type* strs = p.slice(s);
  const go_type* nested = p.slice(ints);
  std::vector<std::uint8_t> data;
  for (int k = 0; k < 100; ++k) data = F::cat({data, F::le<std::int64_t>(k)});
  std::uint64_t d = p.put(data);
  auto hdr = [](std::uint64_t a, std::uint64_t len, std::uint64_t cap) {
    return F::cat({F::le(a), F::le(len), F::le(cap)});
  };
  std::string first64;
  for (int k = 0; k < 64; ++k) first64 += (k ? "," : "") + std::to_string(k);
  CHECK(w.show(ints, hdr(d, 100, 128), true) ==
        "[]int len: 100, cap: 128, [" + first64 + ",...+36 more]");
  CHECK(w.show(ints, hdr(0, 0, 0), true) == "[]int len: 0, cap: 0, nil");
  CHECK(w.show(ints, hdr(d, 0, 4), true) == "[]int len: 0, cap: 4, []");
  std::uint64_t ss = p.put(F::cat({p.str("x"), p.str("yy")}));
  CHECK(w.show(strs, hdr(ss, 2, 2), true) == "[]string len: 2, cap: 2, [\"x\",\"yy\"]");
  std::uint64_t ls = p.put(F::cat({p.str("longer than seven"), p.str("b")}));
  CHECK(w.show(strs, hdr(ls, 2, 2), true) ==
        "[]string len: 2, cap: 2, [\n\t\"longer than seven\",\n\t\"b\",\n]");
  std::uint64_t inner = p.put(F::cat({hdr(d, 1, 1), hdr(0, 0, 0)}));
  CHECK(w.show(nested, hdr(inner, 2, 2), true) == "[][]int len: 2, cap: 2, [\n\t[0],\n\tnil,\n]");
  CHECK(w.show(nested, hdr(inner, 2, 2), false) == "[][]int len: 2, cap: 2, [[0],nil]");
}

TEST_CASE("shown: interfaces, nil and not, in and out of containers") {
  printer_world w;
  auto& p = w.p;
  const go_type* i = p.basic("int", go_kind::int_, 8);
  const go_type* pt = p.structure("main.Point", {{"X", i, false}, {"Y", i, false}});
  const go_type* pp = p.pointer(pt);
  const go_type* eface = p.iface("interface {}", true);
  const go_type* anys = p.slice(eface);
  p.descriptors[0x7000] = pt;
  p.descriptors[0x7100] = pp;
  p.descriptors[0x7200] = i;
  std::uint64_t boxed = p.put(F::cat({F::le<std::int64_t>(1), F::le<std::int64_t>(2)}));
  std::uint64_t n = p.put(F::le<std::int64_t>(7));
  auto ef = [](std::uint64_t t, std::uint64_t d) { return F::cat({F::le(t), F::le(d)}); };
  CHECK(w.show(eface, ef(0x7000, boxed), true) == "interface {}(main.Point) {X: 1, Y: 2}");
  CHECK(w.show(eface, ef(0x7100, boxed), true) == "interface {}(*main.Point) *{X: 1, Y: 2}");
  CHECK(w.show(eface, ef(0x7100, 0), true) == "interface {}(*main.Point) nil");
  CHECK(w.show(eface, ef(0, 0), true) == "interface {} nil");
  CHECK(w.show(eface, ef(0x9999, boxed), true)
            .starts_with("(unreadable could not resolve interface type"));
  std::uint64_t items =
      p.put(F::cat({ef(0x7200, n), ef(0, 0), ef(0x7000, boxed), ef(0x7100, boxed)}));
  CHECK(w.show(anys, F::cat({F::le(items), F::le<std::uint64_t>(4), F::le<std::uint64_t>(4)}),
               true) ==
        "[]interface {} len: 4, cap: 4, [\n\t7,\n\tnil,\n\tmain.Point {X: 1, Y: 2},\n\t*main.Point "
        "{X: 1, Y: 2},\n]");
}

TEST_CASE("shown: channels, funcs and closures") {
  printer_world w;
  auto& p = w.p;
  const go_type* i = p.basic("int", go_kind::int_, 8);
  const go_type* ch = p.chan(i);
  const go_type* fn = p.func("func(int) int");
  std::uint64_t h = p.put(F::cat({F::le<std::uint64_t>(4), F::le<std::uint64_t>(11)}));
  CHECK(w.show(ch, F::le(h), true) == "chan int 4/11");
  CHECK(w.show(ch, F::le<std::uint64_t>(0), true) == "chan int nil");
  std::uint64_t fv = p.put(F::le<std::uint64_t>(0x401000));
  CHECK(w.show(fn, F::le(fv), true) == "main.double");
  CHECK(w.show(fn, F::le<std::uint64_t>(0), true) == "nil");
  // A closure capturing n by reference (&n) and k by value.
  std::uint64_t n = p.put(F::le<std::int64_t>(3));
  std::uint64_t clo =
      p.put(F::cat({F::le<std::uint64_t>(0x402000), F::le(n), F::le<std::int64_t>(9)}));
  w.env.closure_captures = [&](const std::string& f) {
    std::vector<closure_capture> out;
    if (f == "main.main.func1") out = {{"n", i, 8, true}, {"k", i, 16, false}};
    return out;
  };
  CHECK(w.show(fn, F::le(clo), true) == "main.main.func1 {\n\tn int = 3\n\tk int = 9\n}");
  CHECK(w.show(fn, F::le(clo), false) == "main.main.func1");
}

TEST_CASE("shown: time.Time as a date, in its zone") {
  CHECK(time_text(123456789, 63844809255, 0) == "2024-02-29T13:14:15Z");
  CHECK(time_text(0, 0, 0) == "0001-01-01T00:00:00Z");
  CHECK(time_text(0, 63823759200, 7200) == "2023-07-01T00:00:00+02:00");
  CHECK(time_text(0, 63823759200, -5 * 3600 - 1800) == "2023-06-30T16:30:00-05:30");
  // With a monotonic reading: seconds since 1885 in the wall word, then ", +ext".
  std::uint64_t wall = (1ull << 63) | (std::uint64_t(4449513600ull) << 30);  // 2026-01-01
  CHECK(time_text(wall, 12345, 0) == "2026-01-01T00:00:00Z, +12345");
}

TEST_CASE("shown: evaluating and showing through the evaluator keeps &x as an address") {
  fake_program p;
  const go_type* i = p.basic("int", go_kind::int_, 8);
  p.pointer(i);
  p.global("main.N", i, F::le<std::int64_t>(5));
  eval_env e = p.env();
  evaluator ev(e);
  auto show = [&](const std::string& x) { return ev.show(ev.evaluate(parse_expression(x)), true); };
  CHECK(show("&main.N") == fmt::format("(*int)({:#x})", *p.globals["main.N"].address));
  CHECK(show("*&main.N") == "5");
}
