// The evaluator over a program made up in the test: Go's typing (untyped constants, wrapping,
// mismatched types), every operator, conversions, indexing and slicing, selectors through
// embedding, interfaces, builtins, assignment, and the compiler's and runtime's error texts.
#include <doctest/doctest.h>

#include <cmath>

#include "dwarf/go_eval.hpp"
#include "fake_program.hpp"

using namespace godbg;
using godbg::test::fake_program;

namespace {

struct world {
  fake_program p;
  const go_type *int_t, *int8_t_, *uint8_t_, *int32_t_, *uint_t, *float64_t, *float32_t, *bool_t,
      *string_t, *point, *point_ptr, *ints, *arr5, *eface, *error_t, *celsius, *complex128_t;

  world() {
    int_t = p.basic("int", go_kind::int_, 8);
    int8_t_ = p.basic("int8", go_kind::int_, 1);
    p.basic("int16", go_kind::int_, 2);
    int32_t_ = p.basic("int32", go_kind::int_, 4);
    p.basic("int64", go_kind::int_, 8);
    uint_t = p.basic("uint", go_kind::uint_, 8);
    uint8_t_ = p.basic("uint8", go_kind::uint_, 1);
    p.basic("uint16", go_kind::uint_, 2);
    p.basic("uint32", go_kind::uint_, 4);
    p.basic("uint64", go_kind::uint_, 8);
    p.basic("uintptr", go_kind::uint_, 8);
    float32_t = p.basic("float32", go_kind::float_, 4);
    float64_t = p.basic("float64", go_kind::float_, 8);
    p.basic("complex64", go_kind::complex_, 8);
    complex128_t = p.basic("complex128", go_kind::complex_, 16);
    bool_t = p.basic("bool", go_kind::boolean, 1);
    string_t = p.basic("string", go_kind::string, 16);
    celsius = p.basic("main.Celsius", go_kind::float_, 8);
    p.basic("main.ID", go_kind::int_, 4);
    point = p.structure("main.Point", {{"X", int_t, false}, {"Y", int_t, false}});
    point_ptr = p.pointer(point);
    ints = p.slice(int_t);
    arr5 = p.array(int_t, 5);
    p.pointer(arr5);
    p.slice(string_t);
    p.slice(uint8_t_);
    p.slice(int32_t_);
    p.pointer(int_t);
    go_type up;
    up.kind = go_kind::pointer;
    up.name = "unsafe.Pointer";
    up.size = 8;
    p.add(up);
    eface = p.iface("interface {}", true);
    error_t = p.iface("error", false);
    const go_type* base =
        p.structure("main.Base", {{"ID", int_t, false}, {"Tags", p.type("[]string"), false}});
    const go_type* meta =
        p.structure("main.Meta", {{"Version", int_t, false}, {"Owner", string_t, false}});
    const go_type* meta_ptr = p.pointer(meta);
    const go_type* record = p.structure(
        "main.Record", {{"Base", base, true}, {"Meta", meta_ptr, true}, {"Name", string_t, false}});
    p.pointer(record);
    const go_type* err_string = p.structure("errors.errorString", {{"s", string_t, false}});
    const go_type* err_ptr = p.pointer(err_string);
    p.chan(int_t);
    p.func("func(int) int");

    using F = fake_program;
    p.global("main.I", int_t, F::le<std::int64_t>(-42));
    p.global("main.I8", int8_t_, F::le<std::int8_t>(-128));
    p.global("main.U8", uint8_t_, F::le<std::uint8_t>(200));
    p.global("main.U", uint_t, F::le<std::uint64_t>(7));
    p.global("main.F", float64_t, F::le<double>(3.5));
    p.global("main.F32", float32_t, F::le<float>(0.1f));
    p.global("main.NaN", float64_t, F::le<double>(std::nan("")));
    p.global("main.Inf", float64_t, F::le<double>(INFINITY));
    p.global("main.Temp", celsius, F::le<double>(36.6));
    p.global("main.C", complex128_t, F::cat({F::le<double>(1.5), F::le<double>(-2)}));
    p.global("main.B", bool_t, F::le<std::uint8_t>(1));
    p.global("main.S", string_t, p.str("hello, world"));
    p.global("main.Uni", string_t, p.str("héllo, 世界"));
    p.global("main.Empty", string_t, p.str(""));
    p.global("main.Pt", point, F::cat({F::le<std::int64_t>(3), F::le<std::int64_t>(-4)}));
    std::uint64_t pt2 = p.put(F::cat({F::le<std::int64_t>(10), F::le<std::int64_t>(20)}));
    p.global("main.PtPtr", point_ptr, F::le(pt2));
    p.global("main.PtNil", point_ptr, F::le<std::uint64_t>(0));
    std::uint64_t arr =
        p.put(F::cat({F::le<std::int64_t>(10), F::le<std::int64_t>(20), F::le<std::int64_t>(30),
                      F::le<std::int64_t>(40), F::le<std::int64_t>(50)}));
    p.global("main.Sl", ints,
             F::cat({F::le(arr), F::le<std::uint64_t>(5), F::le<std::uint64_t>(5)}));
    p.global("main.SlNil", ints, std::vector<std::uint8_t>(24, 0));
    p.global("main.Arr", arr5,
             F::cat({F::le<std::int64_t>(1), F::le<std::int64_t>(2), F::le<std::int64_t>(3),
                     F::le<std::int64_t>(4), F::le<std::int64_t>(5)}));
    p.global("main.ArrPtr", p.type("*[5]int"), F::le(*p.globals["main.Arr"].address));
    std::uint64_t tags = p.put(F::cat({p.str("t1"), p.str("t2")}));
    std::uint64_t m = p.put(F::cat({F::le<std::int64_t>(2), p.str("ops")}));
    p.global("main.Rec", record,
             F::cat({F::le<std::int64_t>(11), F::le(tags), F::le<std::uint64_t>(2),
                     F::le<std::uint64_t>(2), F::le(m), p.str("rec")}));
    p.global("main.RecPtr", p.type("*main.Record"), F::le(*p.globals["main.Rec"].address));
    p.global("main.RecNilMeta", record,
             F::cat({F::le<std::int64_t>(1), std::vector<std::uint8_t>(24, 0),
                     F::le<std::uint64_t>(0), p.str("x")}));
    // Interfaces: descriptors are made-up addresses the env maps to types.
    std::uint64_t d_point = 0x7000, d_int = 0x7100, d_ptr = 0x7200, d_errstr = 0x7300;
    p.descriptors[d_point] = point;
    p.descriptors[d_int] = int_t;
    p.descriptors[d_ptr] = point_ptr;
    p.descriptors[d_errstr] = err_ptr;
    std::uint64_t boxed_pt = p.put(F::cat({F::le<std::int64_t>(7), F::le<std::int64_t>(8)}));
    p.global("main.Any", eface, F::cat({F::le(d_point), F::le(boxed_pt)}));
    p.global("main.AnyInt", eface, F::cat({F::le(d_int), F::le(p.put(F::le<std::int64_t>(42)))}));
    p.global("main.AnyPtr", eface, F::cat({F::le(d_ptr), F::le(pt2)}));
    p.global("main.AnyNil", eface, std::vector<std::uint8_t>(16, 0));
    std::uint64_t es = p.put(p.str("boom"));
    std::uint64_t itab = p.put(F::cat({F::le<std::uint64_t>(0x7777), F::le(d_errstr)}));
    p.global("main.Err", error_t, F::cat({F::le(itab), F::le(es)}));
    p.global("main.Err2", error_t, F::cat({F::le(itab), F::le(es)}));
    p.global("main.ErrNil", error_t, std::vector<std::uint8_t>(16, 0));
    std::uint64_t hchan = p.put(F::cat({F::le<std::uint64_t>(4), F::le<std::uint64_t>(11)}));
    p.global("main.Ch", p.type("chan int"), F::le(hchan));
    p.global("main.ChNil", p.type("chan int"), F::le<std::uint64_t>(0));
    p.functions["main.double"] = {"main.double", 0x401000, p.type("func(int) int")};
    p.functions["main.Point.Norm1"] = {"main.Point.Norm1", 0x401100, nullptr};
    p.functions["main.(*Point).Scale"] = {"main.(*Point).Scale", 0x401200, nullptr};
    p.functions["main.(*Base).Describe"] = {"main.(*Base).Describe", 0x401300, nullptr};
    p.functions["main.Sum[int]"] = {"main.Sum[int]", 0x401400, nullptr};
    std::uint64_t funcval = p.put(F::le<std::uint64_t>(0x401000));
    p.global("main.Fn", p.type("func(int) int"), F::le(funcval));
    p.global("main.FnNil", p.type("func(int) int"), F::le<std::uint64_t>(0));
    p.global("main.Bytes", p.type("[]uint8"),
             F::cat({F::le(p.put({'b', 'y', 't', 'e', 's', '!'})), F::le<std::uint64_t>(6),
                     F::le<std::uint64_t>(6)}));
    p.local("n", int_t, F::le<std::int64_t>(4), false);  // in a register: no address
    p.local("p", point_ptr, F::le(pt2));
    p.local("name", string_t, p.str("gopher"));
    p.registers["rip"] = 0x401234;
    p.registers["rax"] = 7;
  }
};

// print's text of expr, or "error: ..." with the position.
std::string print(world& w, const std::string& expr, bool multiline = false) {
  try {
    evaluator ev(w.p.env());
    expr_tree t = parse_expression(expr);
    eval_value v = ev.evaluate(t);
    return ev.show(v, multiline);
  } catch (const error& e) {
    return std::string("error: ") + e.what();
  }
}

std::string type_of(world& w, const std::string& expr) {
  evaluator ev(w.p.env());
  expr_tree t = parse_expression(expr);
  return ev.type_name(ev.evaluate(t));
}

}  // namespace

TEST_CASE("eval: variables, globals of the frame's package, registers") {
  world w;
  CHECK(print(w, "n") == "4");
  CHECK(print(w, "name") == "\"gopher\"");
  CHECK(print(w, "I") == "-42");
  CHECK(print(w, "main.I") == "-42");
  CHECK(print(w, "main.S") == "\"hello, world\"");
  CHECK(print(w, "$rax") == "7");
  CHECK(print(w, "$rip") == "4198964");
  CHECK(print(w, "nosuch") == "error: 1:1: undefined: nosuch");
  CHECK(print(w, "main.nosuch") == "error: 1:1: undefined: main.nosuch");
  CHECK(print(w, "$nope") == "error: 1:1: $nope: no such register in this frame");
  CHECK(print(w, "main") == "error: 1:1: use of package main without selector");
  CHECK(print(w, "int") == "error: 1:1: int (type) is not an expression");
  CHECK(print(w, "len") == "error: 1:1: len (built-in function) must be called");
}

TEST_CASE("eval: untyped constants are exact and take their default type last") {
  world w;
  CHECK(print(w, "1 + 2") == "3");
  CHECK(type_of(w, "1 + 2") == "int");
  CHECK(print(w, "7 / 2") == "3");
  CHECK(print(w, "7.0 / 2") == "3.5");
  CHECK(type_of(w, "7.0 / 2") == "float64");
  CHECK(print(w, "-7 % 3") == "-1");
  CHECK(print(w, "1 << 10") == "1024");
  CHECK(print(w, "1 << 100 >> 98") == "4");  // exact beyond 64 bits
  CHECK(print(w, "'a' + 1") == "98");
  CHECK(type_of(w, "'a' + 1") == "int32");
  CHECK(print(w, "\"a\" + \"b\"") == "\"ab\"");
  CHECK(print(w, "2i * 2i") == "(-4 + 0i)");
  CHECK(print(w, "complex(1, 2)") == "(1 + 2i)");
  CHECK(print(w, "0x10 + 0o10 + 0b10 + 010") == "34");
  CHECK(print(w, "1_000_000") == "1000000");
  CHECK(print(w, "0x1p4") == "16");
  CHECK(print(w, "1e3") == "1000");
  CHECK(print(w, "^0") == "-1");
  CHECK(print(w, "!true") == "false");
  CHECK(print(w, "3 > 2") == "true");
  CHECK(print(w, "\"abc\" < \"abd\"") == "true");
  CHECK(print(w, "1 / 0") == "error: 1:1: invalid operation: division by zero");
  CHECK(print(w, "1.5 % 2") ==
        "error: 1:1: invalid operation: operator % not defined on 1.5 (untyped float constant)");
  CHECK(print(w, "'a' + \"b\"") ==
        "error: 1:1: invalid operation: 'a' + \"b\" (mismatched types untyped rune and untyped "
        "string)");
  CHECK(print(w, "nil + 1") ==
        "error: 1:1: invalid operation: nil + 1 (mismatched types untyped nil and untyped int)");
  CHECK(print(w, "nil == nil") ==
        "error: 1:1: invalid operation: nil == nil (operator == not defined on untyped nil)");
  CHECK(print(w, "1 << -1") ==
        "error: 1:6: invalid operation: negative shift count -1 (untyped int constant)");
  CHECK(print(w, "1.5 << 2") ==
        "error: 1:1: invalid operation: shifted operand 1.5 (untyped float constant) must be "
        "integer");
  CHECK(print(w, "nil") == "nil");
  CHECK(print(w, "true") == "true");
  CHECK(print(w, "`raw\\n`") == "\"raw\\\\n\"");
}

TEST_CASE("eval: typed arithmetic wraps to its type; mixing types is the compiler's error") {
  world w;
  CHECK(print(w, "U8 * U8") == "64");  // 200*200 = 40000 = 64 mod 256
  CHECK(print(w, "U8 + 100") == "44");
  CHECK(print(w, "I8 - 1") == "127");
  CHECK(print(w, "I8 * 2") == "0");
  CHECK(print(w, "-I8") == "-128");
  CHECK(print(w, "^U8") == "55");  // Delve says -201
  CHECK(print(w, "^I") == "41");
  CHECK(print(w, "I / 5") == "-8");
  CHECK(print(w, "I % 5") == "-2");
  CHECK(print(w, "U - 8") == "18446744073709551615");
  CHECK(print(w, "F * 2") == "7");
  CHECK(print(w, "F / 0") == "+Inf");
  CHECK(print(w, "-F / 0") == "-Inf");
  CHECK(print(w, "F32 * 3") == "0.3");
  CHECK(type_of(w, "F32 * 3") == "float32");
  CHECK(print(w, "I << 2") == "-168");
  CHECK(print(w, "I >> 1") == "-21");
  CHECK(print(w, "U8 >> 1") == "100");
  CHECK(print(w, "U8 << 1") == "144");
  CHECK(print(w, "1 << U") == "128");
  CHECK(print(w, "I & 0xff") == "214");
  CHECK(print(w, "I | 1") == "-41");
  CHECK(print(w, "I ^ -1") == "41");
  CHECK(print(w, "I &^ 2") == "-44");
  CHECK(print(w, "Temp + 1") == "37.6");
  CHECK(type_of(w, "Temp + 1") == "main.Celsius");
  CHECK(print(w, "S + \"!\"") == "\"hello, world!\"");
  CHECK(print(w, "C * 2") == "(3 + -4i)");
  CHECK(print(w, "I + F") ==
        "error: 1:1: invalid operation: I + F (mismatched types int and float64)");
  CHECK(print(w, "I + 0.5") == "error: 1:5: 0.5 (untyped float constant) truncated to int");
  CHECK(print(w, "I8 + 300") == "error: 1:6: 300 (untyped int constant) overflows int8");
  CHECK(print(w, "U8 == -1") == "error: 1:7: -1 (untyped int constant) overflows uint8");
  CHECK(print(w, "S + 1") ==
        "error: 1:1: invalid operation: S + 1 (mismatched types string and untyped int)");
  CHECK(print(w, "Temp + F") ==
        "error: 1:1: invalid operation: Temp + F (mismatched types main.Celsius and float64)");
  CHECK(print(w, "B + B") ==
        "error: 1:1: invalid operation: operator + not defined on B (variable of type bool)");
  CHECK(print(w, "!I") ==
        "error: 1:1: invalid operation: operator ! not defined on I (variable of type int)");
  CHECK(print(w, "-S") ==
        "error: 1:1: invalid operation: operator - not defined on S (variable of type string)");
  CHECK(print(w, "F % 2") ==
        "error: 1:1: invalid operation: operator % not defined on F (variable of type float64)");
  CHECK(print(w, "I / 0") == "error: 1:1: runtime error: integer divide by zero");
  CHECK(print(w, "I << F") ==
        "error: 1:6: invalid operation: shift count F (variable of type float64) must be integer");
  CHECK(print(w, "F << 1") ==
        "error: 1:1: invalid operation: shifted operand F (variable of type float64) must be "
        "integer");
  CHECK(print(w, "I && B") ==
        "error: 1:1: invalid operation: operator && not defined on I (variable of type int)");
  CHECK(print(w, "int8(100) * 2") == "error: 1:1: constant 200 overflows int8");
}

TEST_CASE("eval: comparisons, && and || short-circuit") {
  world w;
  CHECK(print(w, "I == -42") == "true");
  CHECK(print(w, "I != 3 && B") == "true");
  CHECK(print(w, "I < 0 || nosuch") == "true");  // the right side is never evaluated
  CHECK(print(w, "I > 0 && nosuch") == "false");
  CHECK(print(w, "PtNil != nil && PtNil.X == 1") == "false");
  CHECK(print(w, "PtNil == nil") == "true");
  CHECK(print(w, "PtPtr == nil") == "false");
  CHECK(print(w, "Err == nil") == "false");
  CHECK(print(w, "ErrNil == nil") == "true");
  CHECK(print(w, "SlNil == nil") == "true");
  CHECK(print(w, "Sl != nil") == "true");
  CHECK(print(w, "Fn != nil") == "true");
  CHECK(print(w, "FnNil == nil") == "true");
  CHECK(print(w, "S == \"hello, world\"") == "true");
  CHECK(print(w, "S < \"z\"") == "true");
  CHECK(print(w, "Pt == Pt") == "true");
  CHECK(print(w, "Pt == *PtPtr") == "false");
  CHECK(print(w, "Err == Err2") == "true");
  CHECK(print(w, "Any == AnyInt") == "false");
  CHECK(print(w, "AnyInt == AnyInt") == "true");
  CHECK(print(w, "NaN == NaN") == "false");
  CHECK(print(w, "NaN != NaN") == "true");
  CHECK(print(w, "NaN < 1") == "false");
  CHECK(print(w, "Inf > 1e308") == "true");
  CHECK(print(w, "U8 > 199") == "true");
  CHECK(print(w, "I == S") ==
        "error: 1:1: invalid operation: I == S (mismatched types int and string)");
  CHECK(print(w, "I == nil") ==
        "error: 1:1: invalid operation: I == nil (mismatched types int and untyped nil)");
  CHECK(print(w, "Sl == Sl") ==
        "error: 1:1: invalid operation: Sl == Sl (slice can only be compared to nil)");
  CHECK(print(w, "Pt < Pt") ==
        "error: 1:1: invalid operation: Pt < Pt (operator < not defined on struct)");
  CHECK(print(w, "B < B") ==
        "error: 1:1: invalid operation: B < B (operator < not defined on bool)");
  CHECK(print(w, "PtPtr == Pt") ==
        "error: 1:1: invalid operation: PtPtr == Pt (mismatched types *main.Point and main.Point)");
}

TEST_CASE("eval: pointers, fields, embedding") {
  world w;
  CHECK(print(w, "Pt.X") == "3");
  CHECK(print(w, "PtPtr.X") == "10");
  CHECK(print(w, "(*PtPtr).Y") == "20");
  CHECK(print(w, "p.Y") == "20");
  CHECK(print(w, "*PtPtr") == "main.Point {X: 10, Y: 20}");
  CHECK(print(w, "PtPtr") == "*main.Point {X: 10, Y: 20}");
  CHECK(print(w, "PtPtr", true).find("*main.Point {X: 10, Y: 20}") != std::string::npos);
  CHECK(print(w, "PtNil") == "*main.Point nil");
  CHECK(print(w, "&Pt").starts_with("(*main.Point)(0x"));
  CHECK(print(w, "&Pt.Y").starts_with("(*int)(0x"));
  CHECK(print(w, "*&Pt") == "main.Point {X: 3, Y: -4}");
  CHECK(print(w, "Rec.ID") == "11");          // promoted from Base
  CHECK(print(w, "Rec.Owner") == "\"ops\"");  // promoted through *Meta
  CHECK(print(w, "RecPtr.Version") == "2");
  CHECK(print(w, "Rec.Base.Tags[1]") == "\"t2\"");
  CHECK(print(w, "Rec.Tags[0]") == "\"t1\"");
  CHECK(print(w, "RecNilMeta.Owner") ==
        "error: 1:1: runtime error: invalid memory address or nil pointer dereference");
  CHECK(print(w, "PtNil.X") ==
        "error: 1:1: runtime error: invalid memory address or nil pointer dereference");
  CHECK(print(w, "*PtNil") ==
        "error: 1:2: runtime error: invalid memory address or nil pointer dereference");
  CHECK(print(w, "Pt.Z") ==
        "error: 1:1: Pt.Z undefined (type main.Point has no field or method Z)");
  CHECK(print(w, "I.X") == "error: 1:1: I.X undefined (type int has no field or method X)");
  CHECK(print(w, "*I") ==
        "error: 1:2: invalid operation: cannot indirect I (variable of type int)");
  CHECK(print(w, "&n") ==
        "error: 1:1: invalid operation: cannot take address of n (variable of type int)");
  CHECK(print(w, "&(I + 1)") ==
        "error: 1:1: invalid operation: cannot take address of (I + 1) (value of type int)");
  CHECK(print(w, "Any.X") == "7");  // a field of the interface's dynamic value
}

TEST_CASE("eval: methods and functions as values") {
  world w;
  CHECK(print(w, "main.double") == "main.double");
  CHECK(print(w, "double") == "main.double");
  CHECK(print(w, "Fn") == "main.double");
  CHECK(print(w, "FnNil") == "nil");
  CHECK(print(w, "Pt.Norm1") == "main.Point.Norm1");
  CHECK(print(w, "PtPtr.Scale") == "main.(*Point).Scale");
  CHECK(print(w, "Rec.Describe") == "main.(*Base).Describe");  // promoted method
  CHECK(print(w, "main.Point.Norm1") == "main.Point.Norm1");   // a method expression
  CHECK(print(w, "main.Sum[int]") == "main.Sum[int]");
  CHECK(print(w, "double(2)").starts_with("error: 1:1: cannot call main.double"));
  CHECK(print(w, "I()") ==
        "error: 1:1: invalid operation: cannot call non-function I (variable of type int)");
}

TEST_CASE("eval: indexing and slicing") {
  world w;
  CHECK(print(w, "Sl[0]") == "10");
  CHECK(print(w, "Sl[len(Sl)-1]") == "50");
  CHECK(print(w, "Arr[2]") == "3");
  CHECK(print(w, "ArrPtr[4]") == "5");
  CHECK(print(w, "S[0]") == "104");
  CHECK(type_of(w, "S[0]") == "uint8");
  CHECK(print(w, "\"abc\"[1]") == "98");
  CHECK(print(w, "S[1:4]") == "\"ell\"");
  CHECK(print(w, "S[:5]") == "\"hello\"");
  CHECK(print(w, "S[7:]") == "\"world\"");
  CHECK(print(w, "\"abc\"[1:]") == "\"bc\"");
  CHECK(print(w, "Sl[1:3]") == "[]int len: 2, cap: 4, [20,30]");
  CHECK(print(w, "Sl[1:3:4]") == "[]int len: 2, cap: 3, [20,30]");
  CHECK(print(w, "Sl[:0]") == "[]int len: 0, cap: 5, []");
  CHECK(print(w, "Arr[1:]") == "[]int len: 4, cap: 4, [2,3,4,5]");
  CHECK(print(w, "ArrPtr[:2]") == "[]int len: 2, cap: 5, [1,2]");
  CHECK(print(w, "Sl[1:3][1]") == "30");
  CHECK(print(w, "cap(Sl[1:3])") == "4");
  CHECK(print(w, "Sl[5]") == "error: 1:4: runtime error: index out of range [5] with length 5");
  CHECK(print(w, "Sl[-1]") ==
        "error: 1:4: invalid argument: index -1 (untyped int constant) must not be negative");
  CHECK(print(w, "Arr[5]") == "error: 1:5: invalid argument: index 5 out of bounds [0:5]");
  CHECK(print(w, "\"abc\"[5]") == "error: 1:7: invalid argument: index 5 out of bounds [0:3]");
  CHECK(print(w, "Sl[1.5]") == "error: 1:4: 1.5 (untyped float constant) truncated to int");
  CHECK(print(w, "Sl[\"x\"]") ==
        "error: 1:4: invalid argument: index \"x\" (untyped string constant) must be integer");
  CHECK(print(w, "Sl[2:7]") ==
        "error: 1:1: runtime error: slice bounds out of range [:7] with capacity 5");
  CHECK(print(w, "Sl[3:2]") == "error: 1:1: runtime error: slice bounds out of range [3:2]");
  CHECK(print(w, "S[1:2:3]") == "error: 1:1: invalid operation: 3-index slice of string");
  CHECK(print(w, "I[0]") == "error: 1:1: invalid operation: cannot index I (variable of type int)");
  CHECK(print(w, "Ch[0]") ==
        "error: 1:1: invalid operation: cannot index Ch (variable of type chan int)");
}

TEST_CASE("eval: conversions") {
  world w;
  CHECK(print(w, "float32(I)") == "-42");
  CHECK(print(w, "int8(I)") == "-42");
  CHECK(print(w, "uint8(I)") == "214");
  CHECK(print(w, "int(F)") == "3");
  CHECK(print(w, "int(-F)") == "-3");
  CHECK(print(w, "uint8(300 - 1)") == "error: 1:7: constant 299 overflows uint8");
  CHECK(print(w, "int8(300)") == "error: 1:6: constant 300 overflows int8");
  CHECK(print(w, "int(1.5)") ==
        "error: 1:1: cannot convert 1.5 (untyped float constant) to type int (truncated)");
  CHECK(print(w, "main.Celsius(5)") == "5");
  CHECK(type_of(w, "main.Celsius(5)") == "main.Celsius");
  CHECK(print(w, "float64(Temp)") == "36.6");
  CHECK(print(w, "string(Bytes)") == "\"bytes!\"");
  CHECK(print(w, "[]byte(S[:3])") == "[]uint8 len: 3, cap: 3, [104,101,108]");
  CHECK(print(w, "[]rune(Uni)") ==
        "[]int32 len: 9, cap: 9, [104,233,108,108,111,44,32,19990,30028]");
  CHECK(print(w, "string(rune(19990))") == "\"世\"");
  CHECK(print(w, "string(65)") == "\"A\"");
  CHECK(print(w, "string(I8)") == "\"\xef\xbf\xbd\"");  // U+FFFD, printable
  CHECK(print(w, "(*main.Point)(PtPtr).X") == "10");
  CHECK(print(w, "unsafe.Pointer(PtPtr)").starts_with("unsafe.Pointer(0x"));
  CHECK(print(w, "(*main.Point)(unsafe.Pointer(PtPtr)).Y") == "20");
  CHECK(print(w, "uintptr(unsafe.Pointer(PtPtr)) != 0") == "true");
  CHECK(print(w, "interface{}(Err)") == "interface {}(*errors.errorString) *{s: \"boom\"}");
  CHECK(print(w, "int(S)") == "error: 1:1: cannot convert S (variable of type string) to type int");
  CHECK(print(w, "string(F)") ==
        "error: 1:1: cannot convert F (variable of type float64) to type string");
  CHECK(print(w, "[]byte(I)") ==
        "error: 1:1: cannot convert I (variable of type int) to type []uint8");
  CHECK(print(w, "int()") == "error: 1:1: missing argument in conversion to int");
}

TEST_CASE("eval: builtins") {
  world w;
  CHECK(print(w, "len(S)") == "12");
  CHECK(print(w, "len(Sl)") == "5");
  CHECK(print(w, "cap(Sl)") == "5");
  CHECK(print(w, "len(Arr)") == "5");
  CHECK(print(w, "len(ArrPtr)") == "5");
  CHECK(print(w, "len(Ch)") == "4");
  CHECK(print(w, "cap(Ch)") == "11");
  CHECK(print(w, "len(ChNil)") == "0");
  CHECK(print(w, "len(\"héllo\")") == "6");
  CHECK(print(w, "real(C)") == "1.5");
  CHECK(print(w, "imag(C)") == "-2");
  CHECK(print(w, "imag(2i)") == "2");
  CHECK(print(w, "complex(F, 1)") == "(3.5 + 1i)");
  CHECK(print(w, "min(3, 1, 2)") == "1");
  CHECK(print(w, "max(I, 7, -100)") == "7");
  CHECK(print(w, "max(F, 2)") == "3.5");
  CHECK(print(w, "min(S, \"a\")") == "\"a\"");
  CHECK(print(w, "min(I, F)") ==
        "error: 1:8: invalid argument: mismatched types int (previous argument) and float64 (type "
        "of F)");
  CHECK(print(w, "len(I)") ==
        "error: 1:5: invalid argument: I (variable of type int) for built-in len");
  CHECK(print(w, "cap(S)") ==
        "error: 1:5: invalid argument: S (variable of type string) for built-in cap");
  CHECK(print(w, "len(1, 2)") ==
        "error: 1:1: invalid operation: too many arguments for len(1, 2) (expected 1, found 2)");
  CHECK(print(w, "real(I)") ==
        "error: 1:6: invalid argument: argument has type int, expected complex type");
  CHECK(print(w, "append(Sl, 1)").starts_with("error: 1:1: append cannot be used"));
}

TEST_CASE("eval: interfaces and type assertions") {
  world w;
  CHECK(print(w, "Any") == "interface {}(main.Point) {X: 7, Y: 8}");
  CHECK(print(w, "AnyInt") == "interface {}(int) 42");
  CHECK(print(w, "AnyPtr") == "interface {}(*main.Point) *{X: 10, Y: 20}");
  CHECK(print(w, "AnyNil") == "interface {} nil");
  CHECK(print(w, "Err") == "error(*errors.errorString) *{s: \"boom\"}");
  CHECK(print(w, "ErrNil") == "error nil");
  CHECK(print(w, "Any.(main.Point)") == "main.Point {X: 7, Y: 8}");
  CHECK(print(w, "Any.(main.Point).Y") == "8");
  CHECK(print(w, "AnyInt.(int) + 1") == "43");
  CHECK(print(w, "AnyPtr.(*main.Point).X") == "10");
  CHECK(print(w, "Err.(*errors.errorString).s") == "\"boom\"");
  CHECK(print(w, "AnyInt.(string)") ==
        "error: 1:1: interface conversion: interface {} is int, not string");
  CHECK(print(w, "AnyNil.(int)") == "error: 1:1: interface conversion: interface is nil, not int");
  CHECK(print(w, "I.(int)") ==
        "error: 1:1: invalid operation: I (variable of type int) is not an interface");
}

TEST_CASE("eval: composite literals") {
  world w;
  CHECK(print(w, "main.Point{1, 2}") == "main.Point {X: 1, Y: 2}");
  CHECK(print(w, "main.Point{Y: 5}") == "main.Point {X: 0, Y: 5}");
  CHECK(print(w, "main.Point{1, 2} == main.Point{X: 1, Y: 2}") == "true");
  CHECK(print(w, "[3]int{1, 2}") == "[3]int [1,2,0]");
  CHECK(print(w, "[]int{4, 5}[1]") == "5");
  CHECK(print(w, "main.Point{1}") ==
        "error: 1:1: too few values in struct literal of type main.Point");
  CHECK(print(w, "main.Point{Z: 1}") ==
        "error: 1:12: unknown field Z in struct literal of type main.Point");
}

TEST_CASE("eval: set") {
  world w;
  auto set = [&](const std::string& l, const std::string& r) {
    try {
      evaluator ev(w.p.env());
      return ev.show(ev.assign(parse_expression(l), parse_expression(r)), false);
    } catch (const error& e) {
      return std::string("error: ") + e.what();
    }
  };
  CHECK(set("I", "7") == "7");
  CHECK(print(w, "I") == "7");
  CHECK(set("I8", "-1") == "-1");
  CHECK(set("F", "I") ==
        "error: 1:1: cannot use I (variable of type int) as float64 value in assignment");
  CHECK(set("F", "2.25") == "2.25");
  CHECK(set("B", "false") == "false");
  CHECK(set("Pt.Y", "99") == "99");
  CHECK(print(w, "Pt") == "main.Point {X: 3, Y: 99}");
  CHECK(set("PtPtr.X", "-1") == "-1");
  CHECK(set("Sl[2]", "33") == "33");
  CHECK(print(w, "Sl") == "[]int len: 5, cap: 5, [10,20,33,40,50]");
  CHECK(set("Arr[0]", "Arr[4]") == "5");
  CHECK(set("PtNil", "PtPtr").starts_with("*main.Point {X: -1"));
  CHECK(set("PtPtr", "nil") == "*main.Point nil");
  CHECK(set("S", "name") == "\"gopher\"");
  CHECK(set("S", "\"new\"")
            .starts_with(
                "error: 1:1: cannot set S to \"new\": that value is not in the program's memory"));
  CHECK(set("$rax", "42") == "42");
  CHECK(w.p.registers["rax"] == 42);
  CHECK(set("n", "5").starts_with("error: 1:1: cannot assign to n"));
  CHECK(set("I + 1", "2").starts_with("error: 1:1: cannot assign to I + 1"));
  CHECK(set("U8", "256") == "error: 1:1: 256 (untyped int constant) overflows uint8");
  CHECK(set("ErrNil", "Err") == "error(*errors.errorString) *{s: \"boom\"}");
}

TEST_CASE("eval: conditions are booleans") {
  world w;
  evaluator ev(w.p.env());
  expr_tree t = parse_expression("I == -42");
  CHECK(ev.truth(ev.evaluate(t), t));
  expr_tree u = parse_expression("n");
  CHECK_THROWS_WITH(
      ev.truth(ev.evaluate(u), u),
      "1:1: non-boolean condition n (variable of type int): compare it (==, !=, <, ...)");
}
