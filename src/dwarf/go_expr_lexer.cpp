#include "dwarf/go_expr_lexer.hpp"

#include <fmt/format.h>

namespace godbg {

expr_error::expr_error(std::size_t pos, const std::string& msg)
    : error(fmt::format("1:{}: {}", pos + 1, msg)), pos_(pos), reason_(msg) {}

std::string_view tok_spelling(tok t) {
  switch (t) {
    case tok::end:
      return "end of expression";
    case tok::ident:
      return "identifier";
    case tok::int_lit:
      return "integer literal";
    case tok::float_lit:
      return "floating-point literal";
    case tok::imag_lit:
      return "imaginary literal";
    case tok::rune_lit:
      return "rune literal";
    case tok::string_lit:
      return "string literal";
    case tok::reg:
      return "register";
    case tok::add:
      return "+";
    case tok::sub:
      return "-";
    case tok::mul:
      return "*";
    case tok::quo:
      return "/";
    case tok::rem:
      return "%";
    case tok::and_:
      return "&";
    case tok::or_:
      return "|";
    case tok::xor_:
      return "^";
    case tok::shl:
      return "<<";
    case tok::shr:
      return ">>";
    case tok::and_not:
      return "&^";
    case tok::land:
      return "&&";
    case tok::lor:
      return "||";
    case tok::arrow:
      return "<-";
    case tok::eql:
      return "==";
    case tok::neq:
      return "!=";
    case tok::lss:
      return "<";
    case tok::leq:
      return "<=";
    case tok::gtr:
      return ">";
    case tok::geq:
      return ">=";
    case tok::not_:
      return "!";
    case tok::assign:
      return "=";
    case tok::define:
      return ":=";
    case tok::op_assign:
      return "assignment operator";
    case tok::lparen:
      return "(";
    case tok::rparen:
      return ")";
    case tok::lbrack:
      return "[";
    case tok::rbrack:
      return "]";
    case tok::lbrace:
      return "{";
    case tok::rbrace:
      return "}";
    case tok::comma:
      return ",";
    case tok::period:
      return ".";
    case tok::colon:
      return ":";
    case tok::semicolon:
      return ";";
    case tok::ellipsis:
      return "...";
    case tok::kw_chan:
      return "chan";
    case tok::kw_func:
      return "func";
    case tok::kw_interface:
      return "interface";
    case tok::kw_map:
      return "map";
    case tok::kw_struct:
      return "struct";
    case tok::kw_other:
      return "keyword";
  }
  return "token";
}

void append_utf8(std::string& out, std::uint32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x80) {
    out += char(r);
  } else if (r < 0x800) {
    out += char(0xC0 | (r >> 6));
    out += char(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += char(0xE0 | (r >> 12));
    out += char(0x80 | ((r >> 6) & 0x3F));
    out += char(0x80 | (r & 0x3F));
  } else {
    out += char(0xF0 | (r >> 18));
    out += char(0x80 | ((r >> 12) & 0x3F));
    out += char(0x80 | ((r >> 6) & 0x3F));
    out += char(0x80 | (r & 0x3F));
  }
}

namespace {

bool is_letter(unsigned char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
bool is_decimal(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_decimal(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) {
  if (is_decimal(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

tok keyword(std::string_view w) {
  if (w == "chan") return tok::kw_chan;
  if (w == "func") return tok::kw_func;
  if (w == "interface") return tok::kw_interface;
  if (w == "map") return tok::kw_map;
  if (w == "struct") return tok::kw_struct;
  static constexpr std::string_view others[] = {
      "break",       "case",   "const",  "continue", "default", "defer",  "else",
      "fallthrough", "for",    "go",     "goto",     "if",      "import", "package",
      "range",       "return", "select", "switch",   "type",    "var"};
  for (auto k : others)
    if (w == k) return tok::kw_other;
  return tok::ident;
}

struct lexer {
  std::string_view s;
  std::size_t i = 0;
  std::vector<expr_token> out;

  char at(std::size_t k) const { return k < s.size() ? s[k] : '\0'; }

  void run() {
    while (i < s.size()) {
      char c = s[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
        continue;
      }
      std::size_t start = i;
      expr_token t;
      t.pos = start;
      if (is_letter(static_cast<unsigned char>(c))) {
        while (i < s.size() && (is_letter(static_cast<unsigned char>(s[i])) || is_decimal(s[i])))
          ++i;
        t.kind = keyword(s.substr(start, i - start));
      } else if (is_decimal(c) || (c == '.' && is_decimal(at(i + 1)))) {
        t.kind = number();
      } else if (c == '"') {
        t.kind = tok::string_lit;
        t.value = quoted('"');
      } else if (c == '`') {
        t.kind = tok::string_lit;
        t.value = raw();
      } else if (c == '\'') {
        t.kind = tok::rune_lit;
        t.value = rune();
      } else if (c == '$') {
        ++i;
        while (i < s.size() && (is_letter(static_cast<unsigned char>(s[i])) || is_decimal(s[i])))
          ++i;
        if (i == start + 1) expr_fail(start, "expected a register name after $");
        t.kind = tok::reg;
      } else {
        t.kind = punct();
      }
      t.end = i;
      t.text = s.substr(start, i - start);
      out.push_back(std::move(t));
    }
    expr_token e;
    e.pos = e.end = s.size();
    out.push_back(e);
  }

  // The operator at i (the longest that matches), advancing past it.
  tok punct() {
    struct op {
      std::string_view text;
      tok t;
    };
    static constexpr op ops[] = {
        {"...", tok::ellipsis},  {"&^=", tok::op_assign}, {"<<=", tok::op_assign},
        {">>=", tok::op_assign}, {"&&", tok::land},       {"||", tok::lor},
        {"<-", tok::arrow},      {"==", tok::eql},        {"!=", tok::neq},
        {"<=", tok::leq},        {">=", tok::geq},        {"<<", tok::shl},
        {">>", tok::shr},        {"&^", tok::and_not},    {":=", tok::define},
        {"+=", tok::op_assign},  {"-=", tok::op_assign},  {"*=", tok::op_assign},
        {"/=", tok::op_assign},  {"%=", tok::op_assign},  {"&=", tok::op_assign},
        {"|=", tok::op_assign},  {"^=", tok::op_assign},  {"++", tok::op_assign},
        {"--", tok::op_assign},  {"+", tok::add},         {"-", tok::sub},
        {"*", tok::mul},         {"/", tok::quo},         {"%", tok::rem},
        {"&", tok::and_},        {"|", tok::or_},         {"^", tok::xor_},
        {"<", tok::lss},         {">", tok::gtr},         {"=", tok::assign},
        {"!", tok::not_},        {"(", tok::lparen},      {")", tok::rparen},
        {"[", tok::lbrack},      {"]", tok::rbrack},      {"{", tok::lbrace},
        {"}", tok::rbrace},      {",", tok::comma},       {".", tok::period},
        {":", tok::colon},       {";", tok::semicolon},
    };
    for (const auto& o : ops)
      if (s.substr(i, o.text.size()) == o.text) {
        i += o.text.size();
        return o.t;
      }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) expr_fail(i, "invalid character {:#04x} in expression", c);
    expr_fail(i, "invalid character '{}' in expression", s[i]);
  }

  // Digits of a base, with Go's rule that '_' only separates digits. Returns how many digits.
  std::size_t digits(int base, std::size_t& bad_digit) {
    std::size_t n = 0;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (c == '_') continue;
      bool ok = base == 16 ? is_hex(c) : is_decimal(c);
      if (!ok) break;
      if (base < 10 && c - '0' >= base && bad_digit == std::string_view::npos) bad_digit = i;
      ++n;
    }
    return n;
  }

  tok number() {
    std::size_t start = i;
    int base = 10;
    char prefix = 0;
    std::size_t bad = std::string_view::npos;
    bool is_float = false;
    if (s[i] == '0') {
      char p = char(at(i + 1) | 0x20);
      if (p == 'x' || p == 'o' || p == 'b') {
        prefix = p;
        base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
        i += 2;
      } else {
        base = 8;  // legacy octal 0777, unless a '.', 'e' or 'i' makes it decimal
        prefix = '0';
      }
    }
    std::size_t mantissa_digits = digits(base == 8 && prefix == '0' ? 10 : base, bad);
    if (prefix == '0') {
      // 0777 is octal; 089 only as the start of a float or imaginary literal.
      for (std::size_t k = start; k < i; ++k)
        if (s[k] >= '8' && bad == std::string_view::npos) bad = k;
    }
    if (at(i) == '.') {
      is_float = true;
      ++i;
      if (base == 2 || (base == 8 && prefix == 'o'))
        expr_fail(i - 1, "invalid radix point in {} literal", base == 2 ? "binary" : "octal");
      mantissa_digits += digits(base == 16 ? 16 : 10, bad);
    }
    if (prefix && prefix != '0' && mantissa_digits == 0) {
      const char* what = base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary";
      expr_fail(start, "{} literal has no digits", what);
    }
    char e = char(at(i) | 0x20);
    if ((e == 'e' && base != 16) || e == 'p') {
      if (e == 'e' && prefix && prefix != '0')
        expr_fail(i, "'e' exponent requires decimal mantissa");
      if (e == 'p' && base != 16) expr_fail(i, "'p' exponent requires hexadecimal mantissa");
      is_float = true;
      ++i;
      if (at(i) == '+' || at(i) == '-') ++i;
      std::size_t unused = std::string_view::npos;
      if (digits(10, unused) == 0) expr_fail(i, "exponent has no digits");
    } else if (base == 16 && is_float) {
      expr_fail(i, "hexadecimal mantissa requires a 'p' exponent");
    }
    bool imag = at(i) == 'i';
    if (imag) ++i;
    if (prefix == '0' && (is_float || imag)) bad = std::string_view::npos;  // decimal after all
    if (bad != std::string_view::npos) {
      const char* what = base == 8 ? "octal" : "binary";
      expr_fail(bad, "invalid digit '{}' in {} literal", s[bad], what);
    }
    // '_' must separate digits: not lead, trail or double.
    std::string_view lit = s.substr(start, i - start);
    auto digit = [&](char d) { return base == 16 ? is_hex(d) : is_decimal(d); };
    for (std::size_t k = 0; k < lit.size(); ++k) {
      if (lit[k] != '_') continue;
      bool after_prefix = k == 2 && prefix && prefix != '0';  // 0x_1 is allowed
      bool prev_ok = k > 0 && (digit(lit[k - 1]) || after_prefix);
      bool next_ok = k + 1 < lit.size() && digit(lit[k + 1]);
      if (!prev_ok || !next_ok) expr_fail(start + k, "'_' must separate successive digits");
    }
    if (is_letter(static_cast<unsigned char>(at(i))) || is_decimal(at(i)))
      expr_fail(i, "invalid character '{}' in numeric literal", at(i));
    return imag ? tok::imag_lit : is_float ? tok::float_lit : tok::int_lit;
  }

  // One escape after a backslash at i; appends its bytes. quote: the literal's delimiter.
  void escape(char quote, std::string& v) {
    std::size_t start = i;
    ++i;  // the backslash
    char c = at(i);
    auto simple = [&](char out) {
      v += out;
      ++i;
    };
    switch (c) {
      case 'a':
        return simple('\a');
      case 'b':
        return simple('\b');
      case 'f':
        return simple('\f');
      case 'n':
        return simple('\n');
      case 'r':
        return simple('\r');
      case 't':
        return simple('\t');
      case 'v':
        return simple('\v');
      case '\\':
        return simple('\\');
      default:
        break;
    }
    if (c == quote) return simple(quote);
    int n = 0, base = 0;
    std::uint32_t max = 0;
    if (c >= '0' && c <= '7') {
      n = 3, base = 8, max = 255;
    } else if (c == 'x') {
      n = 2, base = 16, max = 255, ++i;
    } else if (c == 'u') {
      n = 4, base = 16, max = 0x10FFFF, ++i;
    } else if (c == 'U') {
      n = 8, base = 16, max = 0x10FFFF, ++i;
    } else {
      expr_fail(start, "unknown escape sequence");
    }
    std::uint32_t x = 0;
    for (int k = 0; k < n; ++k, ++i) {
      char d = at(i);
      int dv = base == 8 ? (d >= '0' && d <= '7' ? d - '0' : -1) : (is_hex(d) ? hex_value(d) : -1);
      if (dv < 0) expr_fail(i, "invalid character '{}' in escape sequence", d ? d : ' ');
      x = x * std::uint32_t(base) + std::uint32_t(dv);
    }
    if (x > max || (c != 'x' && !(c >= '0' && c <= '7') && x >= 0xD800 && x < 0xE000))
      expr_fail(start, "escape sequence is invalid Unicode code point");
    if ((c == 'x' || (c >= '0' && c <= '7')) && quote == '"')
      v += char(x);  // in a string, a byte; in a rune literal, a code point
    else
      append_utf8(v, x);
  }

  std::string quoted(char quote) {
    std::size_t start = i++;
    std::string v;
    while (true) {
      if (i >= s.size() || s[i] == '\n') expr_fail(start, "string literal not terminated");
      char c = s[i];
      if (c == quote) {
        ++i;
        return v;
      }
      if (c == '\\') {
        escape(quote, v);
        continue;
      }
      v += c;
      ++i;
    }
  }

  std::string raw() {
    std::size_t start = i++;
    std::string v;
    while (true) {
      if (i >= s.size()) expr_fail(start, "raw string literal not terminated");
      char c = s[i++];
      if (c == '`') return v;
      if (c != '\r') v += c;  // Go drops carriage returns from raw strings
    }
  }

  std::string rune() {
    std::size_t start = i++;
    std::string v;
    std::size_t count = 0;
    while (true) {
      if (i >= s.size() || s[i] == '\n') expr_fail(start, "rune literal not terminated");
      char c = s[i];
      if (c == '\'') {
        ++i;
        break;
      }
      if (c == '\\') {
        escape('\'', v);
      } else {
        // One UTF-8 sequence.
        unsigned char u = static_cast<unsigned char>(c);
        std::size_t len = u < 0x80 ? 1 : (u >> 5) == 6 ? 2 : (u >> 4) == 14 ? 3 : 4;
        v.append(s.substr(i, len));
        i += len;
      }
      ++count;
    }
    if (count == 0) expr_fail(start, "empty rune literal or unescaped ' in rune literal");
    if (count > 1) expr_fail(start, "more than one character in rune literal");
    return v;
  }
};

}  // namespace

std::vector<expr_token> lex_expression(std::string_view text) {
  lexer l{text, 0, {}};
  l.run();
  return std::move(l.out);
}

}  // namespace godbg
