#pragma once
// Go's tokens: identifiers, keywords, every literal form (0x1p-2, 1_000, 0o17, '\u4e16', raw
// strings), operators; $name for registers. Literals are checked here, as Go's scanner does.
#include <string>
#include <string_view>
#include <vector>

#include "dwarf/go_expr_ast.hpp"

namespace godbg {

struct expr_token {
  tok kind = tok::end;
  std::size_t pos = 0, end = 0;
  std::string text;   // as written
  std::string value;  // string and rune literals: decoded bytes
};

// The tokens of text, ending with one tok::end. Throws expr_error on a malformed literal or a
// character that is no Go token.
std::vector<expr_token> lex_expression(std::string_view text);

// Appends the UTF-8 encoding of code point r (invalid ones as U+FFFD, as Go does).
void append_utf8(std::string& out, std::uint32_t r);

}  // namespace godbg
