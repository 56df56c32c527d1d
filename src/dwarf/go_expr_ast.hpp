#pragma once
// The syntax tree of one Go expression, as print, conditions, set, display and watch take it.
// Types written in expressions ([]byte, *main.T, map[string]int) are nodes of the same tree, as in
// go/ast: whether `(*T)(p)` converts or dereferences is decided when names are resolved.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace godbg {

// An error in an expression, at a byte offset into its text; what() is "1:5: reason" (columns
// count bytes from 1, as Go's do).
class expr_error : public error {
 public:
  expr_error(std::size_t pos, const std::string& msg);
  std::size_t pos() const { return pos_; }
  const std::string& reason() const { return reason_; }

 private:
  std::size_t pos_;
  std::string reason_;
};

template <typename... Args>
[[noreturn]] void expr_fail(std::size_t pos, fmt::format_string<Args...> f, Args&&... args) {
  throw expr_error(pos, fmt::format(f, std::forward<Args>(args)...));
}

// Tokens of Go's expression syntax (plus $register, and = / := to say what they are not).
enum class tok : std::uint8_t {
  end,
  ident,
  int_lit,
  float_lit,
  imag_lit,
  rune_lit,
  string_lit,
  reg,  // $rip, $rax: a register of the frame
  // operators, in Go's spelling
  add,        // +
  sub,        // -
  mul,        // *
  quo,        // /
  rem,        // %
  and_,       // &
  or_,        // |
  xor_,       // ^
  shl,        // <<
  shr,        // >>
  and_not,    // &^
  land,       // &&
  lor,        // ||
  arrow,      // <-
  eql,        // ==
  neq,        // !=
  lss,        // <
  leq,        // <=
  gtr,        // >
  geq,        // >=
  not_,       // !
  assign,     // =  (an error in an expression; set splits on it before parsing)
  define,     // :=
  op_assign,  // += -= ... ++ -- (errors)
  lparen,
  rparen,
  lbrack,
  rbrack,
  lbrace,
  rbrace,
  comma,
  period,
  colon,
  semicolon,
  ellipsis,
  kw_chan,
  kw_func,
  kw_interface,
  kw_map,
  kw_struct,
  kw_other,  // break, if, range, ...: never part of an expression
};

std::string_view tok_spelling(tok t);  // "+", "&&", "identifier", "end of expression"

enum class node_kind : std::uint8_t {
  ident,        // text: the name
  basic_lit,    // lit: which literal; text: as written; value: decoded (strings, runes)
  reg,          // text: register name without the $
  paren,        // (kids[0])
  selector,     // kids[0].text
  index,        // kids[0][kids[1]]
  slice,        // kids[0][kids[1]:kids[2]] or [1:2:3]; absent parts are null; three: 3 indices
  type_assert,  // kids[0].(kids[1])
  call,         // kids[0](kids[1..]); ellipsis: f(x...)
  unary,        // op kids[0] (also *T as a type)
  binary,       // kids[0] op kids[1]
  composite,    // kids[0]{kids[1..]}; elements may be key_value
  key_value,    // kids[0]: kids[1]
  array_type,   // [kids[0]]kids[1]; kids[0] null: a slice type; ellipsis: [...]T
  map_type,     // map[kids[0]]kids[1]
  chan_type,    // chan kids[0]; dir: 0 both, 1 send-only (chan<-), 2 receive-only (<-chan)
  func_type,    // func(params) results: kids are the parameter types, then `results` result types
  struct_type,  // struct { names[i] kids[i] } (embedded: names[i] empty)
  interface_type,  // interface { } (methods are not modelled: only the empty interface)
};

struct expr_node {
  node_kind kind = node_kind::ident;
  tok op = tok::end;    // unary, binary; basic_lit: which literal
  std::size_t pos = 0;  // byte offset of the node's first character
  std::size_t end = 0;  // one past its last
  std::string text;     // ident, selector name, register, literal as written
  std::string value;    // string and rune literals decoded (a rune: its UTF-8 bytes)
  std::vector<std::unique_ptr<expr_node>> kids;  // null entries where a part is absent
  std::vector<std::string> names;                // struct_type field names
  std::size_t results = 0;                       // func_type: how many trailing kids are results
  int dir = 0;                                   // chan_type
  bool ellipsis = false;                         // call f(x...), array [...]T
  bool three = false;                            // slice with 3 indices

  const expr_node* kid(std::size_t i) const { return i < kids.size() ? kids[i].get() : nullptr; }
};

// A parsed expression and the text it came from (nodes point into neither).
struct expr_tree {
  std::string source;
  std::unique_ptr<expr_node> root;

  std::string_view text_of(const expr_node& n) const {
    return std::string_view(source).substr(n.pos, n.end - n.pos);
  }
};

// Throws expr_error at the first syntax error: "expected operand, found ')'",
// "unexpected = (use == to compare)".
expr_tree parse_expression(std::string_view text);

}  // namespace godbg
