// The Go expression grammar: tokens, literals, precedence, postfix forms and types, and the
// errors (with their positions) for what is not an expression.
#include <doctest/doctest.h>

#include <functional>

#include "dwarf/go_expr_ast.hpp"
#include "dwarf/go_expr_lexer.hpp"

using namespace godbg;

namespace {

// A compact rendering of the tree: binary (a + b) with parentheses, so precedence shows.
std::string render(const expr_node* n) {
  if (!n) return "_";
  auto kid = [&](std::size_t i) { return render(n->kid(i)); };
  switch (n->kind) {
    case node_kind::ident:
      return n->text;
    case node_kind::basic_lit:
      return n->text;
    case node_kind::reg:
      return "$" + n->text;
    case node_kind::paren:
      return "(" + kid(0) + ")";
    case node_kind::selector:
      return kid(0) + "." + n->text;
    case node_kind::index: {
      std::string s = kid(0) + "[" + kid(1);
      for (std::size_t i = 2; i < n->kids.size(); ++i) s += "," + kid(i);
      return s + "]";
    }
    case node_kind::slice:
      return kid(0) + "[" + kid(1) + ":" + kid(2) + (n->three ? ":" + kid(3) : "") + "]";
    case node_kind::type_assert:
      return kid(0) + ".(" + kid(1) + ")";
    case node_kind::call: {
      std::string s = kid(0) + "(";
      for (std::size_t i = 1; i < n->kids.size(); ++i) s += (i > 1 ? "," : "") + kid(i);
      return s + (n->ellipsis ? "...)" : ")");
    }
    case node_kind::unary:
      return "{" + std::string(tok_spelling(n->op)) + kid(0) + "}";
    case node_kind::binary:
      return "(" + kid(0) + " " + std::string(tok_spelling(n->op)) + " " + kid(1) + ")";
    case node_kind::composite: {
      std::string s = kid(0) + "{";
      for (std::size_t i = 1; i < n->kids.size(); ++i) s += (i > 1 ? "," : "") + kid(i);
      return s + "}";
    }
    case node_kind::key_value:
      return kid(0) + ":" + kid(1);
    case node_kind::array_type:
      return "[" + (n->ellipsis ? std::string("...") : kid(0)) + "]" + kid(1);
    case node_kind::map_type:
      return "map[" + kid(0) + "]" + kid(1);
    case node_kind::chan_type:
      return std::string(n->dir == 2 ? "<-chan " : n->dir == 1 ? "chan<- " : "chan ") + kid(0);
    case node_kind::func_type:
      return "func(" + std::to_string(n->kids.size() - n->results) + ")";
    case node_kind::struct_type:
      return "struct{" + std::to_string(n->kids.size()) + "}";
    case node_kind::interface_type:
      return "interface{}";
  }
  return "?";
}

std::string parse(const std::string& s) {
  return render(parse_expression(s).root.get());
}

// The error's "1:COL: reason" text.
std::string error_of(const std::string& s) {
  try {
    parse_expression(s);
  } catch (const expr_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("parse: Go's precedence, five levels, left to right") {
  CHECK(parse("a + b * c") == "(a + (b * c))");
  CHECK(parse("a * b + c") == "((a * b) + c)");
  CHECK(parse("a - b - c") == "((a - b) - c)");
  CHECK(parse("a || b && c") == "(a || (b && c))");
  CHECK(parse("a == b && c < d") == "((a == b) && (c < d))");
  CHECK(parse("x << 2 + 1") == "((x << 2) + 1)");  // << binds like *
  CHECK(parse("a &^ b | c") == "((a &^ b) | c)");
  CHECK(parse("a ^ b & c") == "(a ^ (b & c))");
  CHECK(parse("n/2") == "(n / 2)");  // no spaces needed around /
  CHECK(parse("-a * b") == "({-a} * b)");
  CHECK(parse("!a == b") == "({!a} == b)");
  CHECK(parse("^x + 1") == "({^x} + 1)");
  CHECK(parse("*p.X") == "{*p.X}");
  CHECK(parse("(*p).X") == "({*p}).X");
  CHECK(parse("&a[1]") == "{&a[1]}");
  CHECK(parse("- -x") == "{-{-x}}");
}

TEST_CASE("parse: postfix forms") {
  CHECK(parse("a.b.c") == "a.b.c");
  CHECK(parse("a[1][2]") == "a[1][2]");
  CHECK(parse("s[1:3]") == "s[1:3]");
  CHECK(parse("s[:3]") == "s[_:3]");
  CHECK(parse("s[1:]") == "s[1:_]");
  CHECK(parse("s[:]") == "s[_:_]");
  CHECK(parse("s[1:2:3]") == "s[1:2:3]");
  CHECK(parse("s[:2:3]") == "s[_:2:3]");
  CHECK(parse("x.(int)") == "x.(int)");
  CHECK(parse("x.(*main.T).F") == "x.({*main.T}).F");
  CHECK(parse("len(s)") == "len(s)");
  CHECK(parse("f(a, b...)") == "f(a,b...)");
  CHECK(parse("min(1, 2, 3,)") == "min(1,2,3)");
  CHECK(parse("main.Pair[string, int]") == "main.Pair[string,int]");
  CHECK(parse("main.Point{1, 2}") == "main.Point{1,2}");
  CHECK(parse("main.Point{X: 1}") == "main.Point{X:1}");
  CHECK(parse("[]main.Point{{1, 2}}") == "[_]main.Point{_{1,2}}");
  CHECK(parse("\"net/http\".DefaultClient") == "\"net/http\".DefaultClient");
  CHECK(parse("$rip + 1") == "($rip + 1)");
}

TEST_CASE("parse: types in conversions and assertions") {
  CHECK(parse("[]byte(s)") == "[_]byte(s)");
  CHECK(parse("(*main.T)(p)") == "({*main.T})(p)");
  CHECK(parse("[3]int{1, 2, 3}") == "[3]int{1,2,3}");
  CHECK(parse("[...]int{1}") == "[...]int{1}");
  CHECK(parse("map[string][]int(nil)") == "map[string][_]int(nil)");
  CHECK(parse("chan int(nil)") == "chan int(nil)");
  CHECK(parse("(<-chan int)(c)") == "(<-chan int)(c)");
  CHECK(parse("(chan<- int)(c)") == "(chan<- int)(c)");
  CHECK(parse("x.(interface{})") == "x.(interface{})");
  CHECK(parse("func(int) string(f)") == "func(1)(f)");
  CHECK(parse("struct{A int; B, C string}{}") == "struct{3}{}");
  CHECK(parse("x.(\"net/http\".Handler)") == "x.(\"net/http\".Handler)");
}

TEST_CASE("lex: every literal form") {
  auto one = [](const std::string& s) {
    auto t = lex_expression(s);
    REQUIRE(t.size() == 2);
    return t[0];
  };
  CHECK(one("42").kind == tok::int_lit);
  CHECK(one("0x_1F").kind == tok::int_lit);
  CHECK(one("0o17").kind == tok::int_lit);
  CHECK(one("0b1010").kind == tok::int_lit);
  CHECK(one("0777").kind == tok::int_lit);
  CHECK(one("1_000_000").kind == tok::int_lit);
  CHECK(one("1.5").kind == tok::float_lit);
  CHECK(one(".5").kind == tok::float_lit);
  CHECK(one("1.").kind == tok::float_lit);
  CHECK(one("1e9").kind == tok::float_lit);
  CHECK(one("1E-9").kind == tok::float_lit);
  CHECK(one("0x1p-2").kind == tok::float_lit);
  CHECK(one("0x1.8p1").kind == tok::float_lit);
  CHECK(one("089.5").kind == tok::float_lit);  // decimal despite the 0
  CHECK(one("2i").kind == tok::imag_lit);
  CHECK(one("1.5i").kind == tok::imag_lit);
  CHECK(one("0123i").kind == tok::imag_lit);
  CHECK(one("'a'").value == "a");
  CHECK(one("'\\n'").value == "\n");
  CHECK(one("'\\x41'").value == "A");
  CHECK(one("'\\377'").value == "\xc3\xbf");  // a rune: U+00FF, in UTF-8
  CHECK(one("'\\u4e16'").value == "\xe4\xb8\x96");
  CHECK(one("'\\U0001F600'").value == "\xf0\x9f\x98\x80");
  CHECK(one("'世'").value == "世");
  CHECK(one("\"a\\tb\"").value == "a\tb");
  CHECK(one("\"\\xff\"").value == "\xff");  // a byte in a string
  CHECK(one("\"\\377\"").value == "\xff");
  CHECK(one("`raw\\n`").value == "raw\\n");
  CHECK(one("`a\r\nb`").value == "a\nb");  // raw strings lose their CRs
  CHECK(one("$rip").kind == tok::reg);
}

TEST_CASE("lex and parse errors name the position and the reason") {
  CHECK(error_of("") == "1:1: empty expression");
  CHECK(error_of("I +") == "1:4: expected operand, found end of expression");
  CHECK(error_of("(1") == "1:3: expected ')', found end of expression");
  CHECK(error_of("n = 5") == "1:3: unexpected = in expression (use == to compare)");
  CHECK(error_of("x := 1") == "1:3: unexpected := in expression: assignments are not expressions");
  CHECK(error_of("x++") == "1:2: unexpected ++ in expression: assignments are not expressions");
  CHECK(error_of("a b") == "1:3: expected end of expression, found 'b'");
  CHECK(error_of("a)") == "1:2: unexpected ')': no opening bracket matches it");
  CHECK(error_of("s[1:2:3:4]") == "1:8: expected ']', found ':' (at most 3 indices)");
  CHECK(error_of("s[1::3]") == "1:2: middle index required in 3-index slice");
  CHECK(error_of("s[1:2:]") == "1:2: final index required in 3-index slice");
  CHECK(error_of("0x") == "1:1: hexadecimal literal has no digits");
  CHECK(error_of("0b102") == "1:5: invalid digit '2' in binary literal");
  CHECK(error_of("0o8") == "1:3: invalid digit '8' in octal literal");
  CHECK(error_of("089") == "1:2: invalid digit '8' in octal literal");
  CHECK(error_of("1__0") == "1:2: '_' must separate successive digits");
  CHECK(error_of("1_") == "1:2: '_' must separate successive digits");
  CHECK(error_of("1e") == "1:3: exponent has no digits");
  CHECK(error_of("0x1.5") == "1:6: hexadecimal mantissa requires a 'p' exponent");
  CHECK(error_of("1p5") == "1:2: 'p' exponent requires hexadecimal mantissa");
  CHECK(error_of("12abc") == "1:3: invalid character 'a' in numeric literal");
  CHECK(error_of("'ab'") == "1:1: more than one character in rune literal");
  CHECK(error_of("''") == "1:1: empty rune literal or unescaped ' in rune literal");
  CHECK(error_of("'a") == "1:1: rune literal not terminated");
  CHECK(error_of("\"abc") == "1:1: string literal not terminated");
  CHECK(error_of("`abc") == "1:1: raw string literal not terminated");
  CHECK(error_of("\"\\q\"") == "1:2: unknown escape sequence");
  CHECK(error_of("\"\\xZZ\"") == "1:4: invalid character 'Z' in escape sequence");
  CHECK(error_of("'\\ud800'") == "1:2: escape sequence is invalid Unicode code point");
  CHECK(error_of("a @ b") == "1:3: invalid character '@' in expression");
  CHECK(error_of("a\x01") == "1:2: invalid character 0x01 in expression");
  CHECK(error_of("$") == "1:1: expected a register name after $");
  CHECK(error_of("if x") == "1:1: unexpected keyword if in expression");
  CHECK(error_of("x.(type)") == "1:4: use of .(type) outside a type switch");
  CHECK(error_of("x.") == "1:3: expected field name or '(', found end of expression");
  CHECK(error_of("interface{M()}") ==
        "1:11: only the empty interface can be written in an expression");
}

TEST_CASE("parse: nesting is bounded, not a stack overflow") {
  std::string deep(5000, '(');
  CHECK(error_of(deep + "1" + std::string(5000, ')')).find("nested too deeply") !=
        std::string::npos);
  std::string minus;
  for (int i = 0; i < 5000; ++i) minus += "- ";
  CHECK(error_of(minus + "1").find("nested too deeply") != std::string::npos);
  std::string sum = "1";
  for (int i = 0; i < 20000; ++i) sum += "+1";
  CHECK(error_of(sum).find("expression too long") != std::string::npos);
  std::string sel = "a";
  for (int i = 0; i < 3000; ++i) sel += ".b";
  CHECK(error_of(sel).find("nested too deeply") != std::string::npos);
}

TEST_CASE("parse: positions cover each node's text") {
  expr_tree t = parse_expression("  p.X*10 + len(s)");
  REQUIRE(t.root->kind == node_kind::binary);
  CHECK(t.text_of(*t.root) == "p.X*10 + len(s)");
  CHECK(t.text_of(*t.root->kids[0]) == "p.X*10");
  CHECK(t.text_of(*t.root->kids[0]->kids[0]) == "p.X");
  CHECK(t.text_of(*t.root->kids[1]) == "len(s)");
}
