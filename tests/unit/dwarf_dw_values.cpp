// Types, globals, locals, location expressions and the value formatter: on the demos' DWARF and
// on memory images built in the test (the ELF file's own segments, or hand-made buffers).
#include <doctest/doctest.h>
#include <elf.h>

#include <cstring>
#include <fstream>
#include <map>

#include "demo_paths.hpp"
#include "dwarf/dwarf_go_maps.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_location.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "dwarf/go_eval.hpp"
#include "dwarf/go_shown.hpp"

using namespace godbg;

namespace {

// A sparse fake address space: byte ranges at addresses.
struct fake_memory {
  std::map<std::uint64_t, std::vector<std::uint8_t>> chunks;

  void put(std::uint64_t addr, std::vector<std::uint8_t> bytes) { chunks[addr] = std::move(bytes); }
  void put_u64(std::uint64_t addr, std::uint64_t v) {
    std::vector<std::uint8_t> b(8);
    std::memcpy(b.data(), &v, 8);
    put(addr, b);
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
  memory_reader reader() const {
    return [this](std::uint64_t a, std::span<std::uint8_t> o) { return read(a, o); };
  }
};

// The PT_LOAD segments of an ELF file as a fake memory (bss as zeros): a process before it ran.
fake_memory load_image(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), {});
  REQUIRE(file.size() > sizeof(Elf64_Ehdr));
  Elf64_Ehdr eh;
  std::memcpy(&eh, file.data(), sizeof eh);
  fake_memory mem;
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, file.data() + eh.e_phoff + i * eh.e_phentsize, sizeof ph);
    if (ph.p_type != PT_LOAD) continue;
    std::vector<std::uint8_t> seg(ph.p_memsz, 0);
    std::memcpy(seg.data(), file.data() + ph.p_offset, ph.p_filesz);
    mem.put(ph.p_vaddr, std::move(seg));
  }
  return mem;
}

std::vector<std::uint8_t> read_global(const dwarf_info& info, const fake_memory& mem,
                                      const std::string& name, const go_type** type) {
  auto v = info.global_variable(name);
  REQUIRE(v);
  REQUIRE(v->type);
  auto addr = v->static_address();
  REQUIRE(addr);
  std::vector<std::uint8_t> bytes(v->type->size);
  REQUIRE(mem.read(addr->value(), bytes));
  *type = v->type;
  return bytes;
}

// The value on one line, as locals and JSON show it.
std::string format_value(const go_type& t, std::span<const std::uint8_t> b,
                         const memory_reader& mem, print_limits lim = {},
                         std::function<const go_type*(std::uint64_t)> dyn = {}) {
  printer_env pe;
  pe.mem = mem;
  pe.type_of_descriptor = std::move(dyn);
  return write_shown(load_shown(pe, t, std::nullopt, b, lim), false);
}

go_type make_type(go_kind k, std::string name, std::uint64_t size) {
  go_type t;
  t.kind = k;
  t.name = std::move(name);
  t.size = size;
  return t;
}

}  // namespace

TEST_CASE("types: globals of the waiters demo") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto info = dwarf_info::open(test::demo(go, "normal", "waiters"));
    REQUIRE(info);
    auto counter = info->global_variable("main.Counter");
    REQUIRE(counter);
    REQUIRE(counter->type);
    CHECK(counter->type->name == "int");
    CHECK(counter->type->kind == go_kind::int_);
    CHECK(counter->type->size == 8);
    CHECK(counter->static_address());

    auto greeting = info->global_variable("main.Greeting");
    REQUIRE(greeting);
    CHECK(greeting->type->kind == go_kind::string);

    auto origin = info->global_variable("main.Origin");
    REQUIRE(origin);
    const go_type* pt = origin->type;
    CHECK(pt->name == "main.point");
    CHECK(pt->kind == go_kind::struct_);
    CHECK(pt->size == 32);
    REQUIRE(pt->fields.size() == 3);
    CHECK(pt->fields[0].name == "X");
    CHECK(pt->fields[2].name == "Name");
    CHECK(pt->fields[2].offset == 16);
    CHECK(pt->fields[2].type->kind == go_kind::string);

    auto primes = info->global_variable("main.Primes");
    REQUIRE(primes);
    CHECK(primes->type->kind == go_kind::slice);
    CHECK(primes->type->name == "[]int");
    REQUIRE(primes->type->elem);
    CHECK(primes->type->elem->name == "int");

    auto ages = info->global_variable("main.Ages");
    REQUIRE(ages);
    const go_type* mt = ages->type;
    CHECK(mt->kind == go_kind::map);
    CHECK(mt->name == "map[string]int");
    REQUIRE(mt->key);
    REQUIRE(mt->elem);
    CHECK(mt->key->kind == go_kind::string);
    CHECK(mt->elem->name == "int");
    CHECK(mt->map_header);
    CHECK(mt->map_group);
    CHECK(mt->swiss_map() == !go.starts_with("go1.19"));

    CHECK_FALSE(info->global_variable("main.nosuch"));
    const go_type* named = info->type_by_name("main.point");
    REQUIRE(named);
    CHECK(named->name == "main.point");
    CHECK(named->fields.size() == 3);
    const go_type* g = info->type_by_name("runtime.g");
    REQUIRE(g);
    CHECK(g->field("goid"));
    CHECK(info->warnings().empty());
  }
}

TEST_CASE("format: the waiters' globals from the file image") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto path = test::demo(go, "normal", "waiters");
    auto info = dwarf_info::open(path);
    REQUIRE(info);
    auto mem = load_image(path);
    const go_type* t = nullptr;
    auto b = read_global(*info, mem, "main.Counter", &t);
    CHECK(format_value(*t, b, mem.reader()) == "41");
    b = read_global(*info, mem, "main.Greeting", &t);
    CHECK(format_value(*t, b, mem.reader()) == "\"hello, godbg\"");
    b = read_global(*info, mem, "main.Origin", &t);
    CHECK(format_value(*t, b, mem.reader()) == "main.point {X: 3, Y: 4, Name: \"origin\"}");
    b = read_global(*info, mem, "main.Primes", &t);
    CHECK(format_value(*t, b, mem.reader()) == "[]int len: 5, cap: 5, [2,3,5,7,11]");
    b = read_global(*info, mem, "main.Ages", &t);  // made at run time: nil in the file
    CHECK(format_value(*t, b, mem.reader()) == "map[string]int nil");
  }
}

TEST_CASE("format: maps laid out by hand with the binary's own map types") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto info = dwarf_info::open(test::demo(go, "normal", "waiters"));
    REQUIRE(info);
    auto ages = info->global_variable("main.Ages");
    REQUIRE(ages);
    const go_type& mt = *ages->type;
    REQUIRE(mt.map_header);
    REQUIRE(mt.map_group);
    fake_memory mem;
    // Two strings somewhere.
    const std::uint64_t str1 = 0x1000, str2 = 0x1010, hdr = 0x2000, grp = 0x3000;
    mem.put(str1, {'g', 'o', 'p', 'h', 'e', 'r'});
    mem.put(str2, {'k', 'e', 'n'});
    std::vector<std::uint8_t> h(mt.map_header->size, 0);
    std::vector<std::uint8_t> g(mt.map_group->size, 0);
    auto put = [](std::vector<std::uint8_t>& v, std::uint64_t off, std::uint64_t x, int n = 8) {
      std::memcpy(v.data() + off, &x, n);
    };
    if (mt.swiss_map()) {
      put(h, mt.map_header->field("used")->offset, 2);
      put(h, mt.map_header->field("dirPtr")->offset, grp);
      put(h, mt.map_header->field("dirLen")->offset, 0);
      const go_field* ctrl = mt.map_group->field("ctrl");
      const go_field* slots = mt.map_group->field("slots");
      REQUIRE(ctrl);
      REQUIRE(slots);
      const go_type* slot = slots->type->elem;
      // Slots 1 and 4 full (high bit clear), the rest empty (0x80).
      std::uint64_t c = 0x8080808080808080ull;
      c &= ~(0xffull << 8);
      c |= 0x12ull << 8;
      c &= ~(0xffull << 32);
      c |= 0x34ull << 32;
      put(g, ctrl->offset, c);
      auto slot_at = [&](int i) { return slots->offset + i * slot->size; };
      std::uint64_t ko = slot->field("key")->offset, eo = slot->field("elem")->offset;
      put(g, slot_at(1) + ko, str2);
      put(g, slot_at(1) + ko + 8, 3);
      put(g, slot_at(1) + eo, 82);
      put(g, slot_at(4) + ko, str1);
      put(g, slot_at(4) + ko + 8, 6);
      put(g, slot_at(4) + eo, 13);
      // A deleted slot (0xfe) must not show.
      c = (c & ~(0xffull << 48)) | (0xfeull << 48);
      put(g, ctrl->offset, c);
    } else {
      put(h, mt.map_header->field("count")->offset, 2);
      put(h, mt.map_header->field("B")->offset, 0, 1);
      put(h, mt.map_header->field("buckets")->offset, grp);
      const go_field* top = mt.map_group->field("tophash");
      const go_field* keys = mt.map_group->field("keys");
      const go_field* vals = mt.map_group->field("values");
      REQUIRE(top);
      REQUIRE(keys);
      REQUIRE(vals);
      g[top->offset + 0] = 0x77;  // live
      g[top->offset + 1] = 1;     // emptyOne
      g[top->offset + 2] = 0x99;  // live
      put(g, keys->offset + 0 * 16, str2);
      put(g, keys->offset + 0 * 16 + 8, 3);
      put(g, vals->offset + 0 * 8, 82);
      put(g, keys->offset + 2 * 16, str1);
      put(g, keys->offset + 2 * 16 + 8, 6);
      put(g, vals->offset + 2 * 8, 13);
    }
    mem.put(hdr, h);
    mem.put(grp, g);
    std::vector<std::uint8_t> value(8);
    std::memcpy(value.data(), &hdr, 8);
    // In the order the map holds them, as Delve shows them.
    CHECK(format_value(mt, value, mem.reader()) == "map[string]int [\"ken\": 82, \"gopher\": 13]");
    auto contents = read_map(mt, hdr, mem.reader(), 1);
    CHECK(contents.entries.size() == 1);
    CHECK(contents.truncated);
    print_limits few;
    few.max_array = 1;
    CHECK(format_value(mt, value, mem.reader(), few).ends_with(", ...+1 more]"));
    eval_env env;
    env.read_memory = mem.reader();
    env.type_named = [&](std::string_view n) { return info->type_by_name(n); };
    env.local = [&](std::string_view n) -> std::optional<go_value> {
      if (n != "m") return std::nullopt;
      go_value v;
      v.type = &mt;
      v.bytes = value;
      return v;
    };
    evaluator ev(env);
    auto show = [&](const std::string& e) {
      return ev.show(ev.evaluate(parse_expression(e)), false);
    };
    CHECK(show("m[\"ken\"]") == "82");
    CHECK(show("len(m)") == "2");
    CHECK_THROWS_WITH(show("m[\"rob\"]"), doctest::Contains("not in map"));
  }
}

TEST_CASE("format: hand-made types") {
  go_type i32 = make_type(go_kind::int_, "int32", 4);
  go_type u8 = make_type(go_kind::uint_, "uint8", 1);
  go_type f64 = make_type(go_kind::float_, "float64", 8);
  go_type b = make_type(go_kind::boolean, "bool", 1);
  fake_memory mem;
  auto le = [](std::uint64_t v, std::size_t n) {
    std::vector<std::uint8_t> out(n);
    std::memcpy(out.data(), &v, std::min<std::size_t>(n, 8));
    return out;
  };
  CHECK(format_value(i32, le(std::uint32_t(-7), 4), mem.reader()) == "-7");
  CHECK(format_value(u8, le(200, 1), mem.reader()) == "200");
  CHECK(format_value(b, le(1, 1), mem.reader()) == "true");
  CHECK(format_value(f64, le(std::bit_cast<std::uint64_t>(3.5), 8), mem.reader()) == "3.5");
  CHECK(format_value(f64, le(std::bit_cast<std::uint64_t>(1e20), 8), mem.reader()) ==
        "100000000000000000000");

  go_type arr = make_type(go_kind::array, "[3]uint8", 3);
  arr.elem = &u8;
  arr.length = 3;
  CHECK(format_value(arr, std::vector<std::uint8_t>{1, 2, 3}, mem.reader()) == "[3]uint8 [1,2,3]");

  go_type point = make_type(go_kind::struct_, "main.point", 16);
  go_type ptr = make_type(go_kind::pointer, "*main.point", 8);
  ptr.elem = &point;
  CHECK(format_value(ptr, le(0xc000012345, 8), mem.reader()) ==
        "*(unreadable cannot read 16 bytes at 0xc000012345)");
  CHECK(format_value(ptr, le(0, 8), mem.reader()) == "*main.point nil");

  // Strings with escapes, and unreadable data.
  go_type str = make_type(go_kind::string, "string", 16);
  mem.put(0x5000, {'a', '"', '\n', 'b'});
  std::vector<std::uint8_t> sv(16);
  std::uint64_t p = 0x5000, n = 4;
  std::memcpy(sv.data(), &p, 8);
  std::memcpy(sv.data() + 8, &n, 8);
  CHECK(format_value(str, sv, mem.reader()) == "\"a\\\"\\nb\"");
  p = 0xdead0000;
  std::memcpy(sv.data(), &p, 8);
  CHECK(format_value(str, sv, mem.reader()) == "(unreadable cannot read 4 bytes at 0xdead0000)");

  // A long slice is cut.
  go_type slice = make_type(go_kind::slice, "[]uint8", 24);
  slice.elem = &u8;
  std::vector<std::uint8_t> big(100, 7);
  mem.put(0x6000, big);
  std::vector<std::uint8_t> hdr(24);
  std::uint64_t data = 0x6000, len = 100, cap = 128;
  std::memcpy(hdr.data(), &data, 8);
  std::memcpy(hdr.data() + 8, &len, 8);
  std::memcpy(hdr.data() + 16, &cap, 8);
  print_limits opt;
  opt.max_array = 3;
  CHECK(format_value(slice, hdr, mem.reader(), opt) ==
        "[]uint8 len: 100, cap: 128, [7,7,7,...+97 more]");

  // Interfaces: nil, unresolved, and resolved through the dynamic type hook.
  go_type eface = make_type(go_kind::interface, "interface {}", 16);
  eface.empty_interface = true;
  std::vector<std::uint8_t> iv(16, 0);
  CHECK(format_value(eface, iv, mem.reader()) == "interface {} nil");
  std::uint64_t rtype = 0x7000, val = 0x7100;
  std::memcpy(iv.data(), &rtype, 8);
  std::memcpy(iv.data() + 8, &val, 8);
  mem.put(0x7100, le(std::uint32_t(-3), 4));
  CHECK(format_value(eface, iv, mem.reader(), {}, [&](std::uint64_t a) {
          return a == 0x7000 ? &i32 : nullptr;
        }) == "interface {}(int32) -3");
}

TEST_CASE("location: evaluation with fake registers and memory") {
  fake_memory mem;
  mem.put_u64(0xc000100, 0x1122334455667788ull);
  location_context ctx;
  ctx.read_register = [](int r) -> std::optional<std::uint64_t> {
    if (r == 0) return 42;         // rax
    if (r == 3) return 0xc000100;  // rbx
    if (r == 7) return 0x7ff0;     // rsp
    return std::nullopt;
  };
  ctx.read_memory = mem.reader();
  ctx.cfa = 0xc000110;

  auto l = evaluate_location(std::vector<dwarf_op>{{0x03 /*DW_OP_addr*/, 0x500000}}, ctx);
  CHECK(l.address() == std::optional<std::uint64_t>(0x500000));
  ctx.load_bias = 0x1000;
  l = evaluate_location(std::vector<dwarf_op>{{0x03, 0x500000}}, ctx);
  CHECK(l.address() == std::optional<std::uint64_t>(0x501000));

  // DW_OP_fbreg -16: frame base is the CFA.
  l = evaluate_location(std::vector<dwarf_op>{{0x91 /*fbreg*/, std::uint64_t(-16)}}, ctx);
  CHECK(l.address() == std::optional<std::uint64_t>(0xc000100));
  auto bytes = read_location(l, 8, ctx);
  std::uint64_t v;
  std::memcpy(&v, bytes.data(), 8);
  CHECK(v == 0x1122334455667788ull);

  // A string split across rax (pointer) and rbx (length) with DW_OP_piece.
  l = evaluate_location(
      std::vector<dwarf_op>{{0x50 /*reg0*/}, {0x93 /*piece*/, 8}, {0x53 /*reg3*/}, {0x93, 8}}, ctx);
  REQUIRE(l.pieces.size() == 2);
  bytes = read_location(l, 16, ctx);
  std::memcpy(&v, bytes.data(), 8);
  CHECK(v == 42);
  std::memcpy(&v, bytes.data() + 8, 8);
  CHECK(v == 0xc000100);

  // breg + deref, and a constant.
  l = evaluate_location(std::vector<dwarf_op>{{0x73 /*breg3*/, 0}, {0x06 /*deref*/}}, ctx);
  CHECK(l.address() == std::optional<std::uint64_t>(0x1122334455667788ull));
  l = evaluate_location(std::vector<dwarf_op>{{0x35 /*lit5*/}, {0x9f /*stack_value*/}}, ctx);
  bytes = read_location(l, 8, ctx);
  std::memcpy(&v, bytes.data(), 8);
  CHECK(v == 5);

  // Failures are errors, not crashes.
  CHECK_THROWS(evaluate_location(std::vector<dwarf_op>{{0x55 /*reg5*/}}, ctx).pieces.size() &&
               read_location(evaluate_location(std::vector<dwarf_op>{{0x55}}, ctx), 8, ctx).size());
  CHECK_THROWS(evaluate_location(std::vector<dwarf_op>{{0x22 /*plus*/}}, ctx));
  CHECK_THROWS(evaluate_location(std::vector<dwarf_op>{{0xe0 /*lo_user*/}}, ctx));
  CHECK_THROWS(read_location(location{}, 8, ctx));
  CHECK(describe_ops(std::vector<dwarf_op>{{0x91, std::uint64_t(-136)}}) == "DW_OP_fbreg -136");
}

TEST_CASE("locals: parameters and locals of main.checkpoint") {
  for (const auto& go : test::go_versions()) {
    for (const char* variant : {"normal", "pie"}) {
      CAPTURE(go);
      CAPTURE(variant);
      auto info = dwarf_info::open(test::demo(go, variant, "waiters"));
      REQUIRE(info);
      auto f = info->function_by_name("main.checkpoint");
      REQUIRE(f);
      auto vars = info->locals_at(f->low);
      std::map<std::string, dwarf_variable> by;
      for (auto& v : vars) by[v.name] = v;
      REQUIRE(by.count("n"));
      REQUIRE(by.count("p"));
      CHECK(by["n"].is_parameter);
      CHECK(by["n"].type->name == "int");
      CHECK(by["p"].type->name == "*main.point");
      REQUIRE(by["p"].type->elem);
      CHECK(by["p"].type->elem->name == "main.point");
      CHECK(vars.front().is_parameter);
      // At entry the register ABI passes n in rax and p in rbx.
      CHECK_FALSE(by["n"].location.empty());
      auto main_fn = info->function_by_name("main.main");
      REQUIRE(main_fn);
      auto mvars = info->locals_at(*info->body_start(*main_fn) + 0);
      bool has_local = false;
      for (auto& v : mvars) has_local |= v.name == "local";
      CHECK(has_local);
    }
  }
}

TEST_CASE("expressions: against the waiters' globals in the file image") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto path = test::demo(go, "normal", "waiters");
    auto info = dwarf_info::open(path);
    REQUIRE(info);
    auto mem = load_image(path);
    eval_env env;
    env.read_memory = mem.reader();
    env.type_named = [&](std::string_view n) { return info->type_by_name(n); };
    env.package = "main";
    env.package_path = [](std::string_view n) -> std::optional<std::string> {
      if (n == "main") return std::string(n);
      return std::nullopt;
    };
    env.global = [&](std::string_view n) -> std::optional<go_value> {
      auto v = info->global_variable(n);
      if (!v) return std::nullopt;
      location_context ctx;
      ctx.read_memory = mem.reader();
      return variable_value(*v, ctx);
    };
    evaluator ev(env);
    auto show = [&](const std::string& e) {
      return ev.show(ev.evaluate(parse_expression(e)), false);
    };
    CHECK(show("main.Counter") == "41");
    CHECK(show("Counter") == "41");
    CHECK(show("main.Origin.Name") == "\"origin\"");
    CHECK(show("Origin.Y") == "4");
    CHECK(show("main.Primes[3]") == "7");
    CHECK(show("len(main.Primes)") == "5");
    CHECK(show("cap(Primes)") == "5");
    CHECK(show("len(Greeting)") == "12");
    CHECK(show("Greeting[0]") == "104");
    CHECK(show("(*&main.Origin).X") == "3");
    CHECK(show("(&main.Origin).X") == "3");
    CHECK(show("Counter*2 + len(Primes)") == "87");
    CHECK(show("&main.Origin").starts_with("(*main.point)(0x"));
    CHECK(show("main.Primes[1:3]") == "[]int len: 2, cap: 4, [3,5]");
    CHECK_THROWS_WITH(show("main.Primes[5]"),
                      "1:13: runtime error: index out of range [5] with length 5");
    CHECK_THROWS_WITH(show("main.Origin.Z"),
                      "1:1: main.Origin.Z undefined (type main.point has no field or method Z)");
    CHECK_THROWS_WITH(show("nosuch"), "1:1: undefined: nosuch");
    CHECK_THROWS_WITH(show("main.Counter]"), "1:13: unexpected ']': no opening bracket matches it");
    CHECK_THROWS_WITH(
        show("*main.Counter"),
        "1:2: invalid operation: cannot indirect main.Counter (variable of type int)");
    CHECK_THROWS_WITH(show(""), "1:1: empty expression");
  }
}
