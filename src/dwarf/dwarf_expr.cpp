#include "dwarf/dwarf_expr.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <limits>

#include "common/error.hpp"
#include "dwarf/dwarf_go_maps.hpp"

namespace godbg {

namespace {

constexpr std::size_t max_map_scan = 1u << 16;

struct token {
  enum kind { ident, number, string, punct, end } k = end;
  std::string text;
  std::uint64_t num = 0;
  std::size_t pos = 0;
};

std::vector<token> lex(std::string_view s) {
  std::vector<token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    token t;
    t.pos = i;
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      // Package paths ("net/http.x") keep their slashes; a slash before anything but a letter
      // divides ("n/2").
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' ||
                              (s[j] == '/' && j + 1 < s.size() &&
                               std::isalpha(static_cast<unsigned char>(s[j + 1])))))
        ++j;
      t.k = token::ident;
      t.text = s.substr(i, j - i);
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t j = i;
      while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
      t.k = token::number;
      t.text = s.substr(i, j - i);
      try {
        std::size_t used = 0;
        t.num = std::stoull(t.text, &used, 0);
        if (used != t.text.size()) throw std::invalid_argument("junk");
      } catch (const std::exception&) {
        fail("bad number '{}' at {}", t.text, i);
      }
      i = j;
    } else if (c == '"') {
      std::size_t j = i + 1;
      std::string v;
      for (; j < s.size() && s[j] != '"'; ++j) {
        if (s[j] == '\\' && j + 1 < s.size()) {
          char e = s[++j];
          v += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          v += s[j];
        }
      }
      if (j >= s.size()) fail("unterminated string at {}", i);
      t.k = token::string;
      t.text = std::move(v);
      i = j + 1;
    } else if (std::strchr(".[]()*&,+-/%", c)) {
      t.k = token::punct;
      t.text = std::string(1, c);
      ++i;
    } else {
      fail("syntax error at '{}' (position {})", c, i);
    }
    out.push_back(std::move(t));
  }
  token e;
  e.pos = s.size();
  out.push_back(e);
  return out;
}

struct evaluator {
  const expr_env& env;
  std::vector<token> toks;
  std::size_t at = 0;

  const token& peek() const { return toks[at]; }
  bool is(std::string_view p) const { return peek().k == token::punct && peek().text == p; }
  void expect(std::string_view p) {
    if (!is(p)) fail("expected '{}' at position {}", p, peek().pos);
    ++at;
  }

  // --- types the evaluator may need to make up
  go_value scalar(std::string_view tname, go_kind k, std::uint64_t size, std::uint64_t v) {
    go_value out;
    if (env.type_by_name) out.type = env.type_by_name(tname);
    if (!out.type) {
      auto t = std::make_shared<go_type>();
      t->kind = k;
      t->name = tname;
      t->size = size;
      out.owned = t;
      out.type = t.get();
    }
    out.bytes.resize(out.type->size);
    std::memcpy(out.bytes.data(), &v, std::min<std::size_t>(out.bytes.size(), 8));
    return out;
  }

  go_value load(const go_type* t, std::uint64_t addr) {
    if (!t) fail("cannot read a value of unknown type");
    go_value v;
    v.type = t;
    v.address = addr;
    v.bytes = read_bytes(env.read_memory, addr, std::size_t(t->size));
    return v;
  }

  // --- grammar
  go_value parse() {
    go_value v = additive();
    if (peek().k != token::end) fail("unexpected '{}' at position {}", peek().text, peek().pos);
    return v;
  }

  go_value additive() {
    go_value v = multiplicative();
    while (is("+") || is("-")) {
      char op = peek().text[0];
      ++at;
      v = arith(v, op, multiplicative());
    }
    return v;
  }

  go_value multiplicative() {
    go_value v = unary();
    while (is("*") || is("/") || is("%")) {
      char op = peek().text[0];
      ++at;
      v = arith(v, op, unary());
    }
    return v;
  }

  // Integer and floating-point arithmetic, as Go does it on int64/uint64/float64.
  struct number {
    enum { signed_, unsigned_, floating } k;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    double f = 0;
  };
  static number number_of(const go_value& v) {
    const go_type& t = *v.type;
    std::size_t sz = std::size_t(std::min<std::uint64_t>(t.size, 8));
    if (t.kind == go_kind::int_) {
      std::int64_t x = load_le_signed(v.bytes, 0, sz);
      return {number::signed_, x, std::uint64_t(x), double(x)};
    }
    if (t.kind == go_kind::uint_) {
      std::uint64_t x = load_le(v.bytes, 0, sz);
      return {number::unsigned_, std::int64_t(x), x, double(x)};
    }
    if (t.kind == go_kind::float_) {
      double x = load_le_float(v.bytes, 0, std::size_t(t.size));
      return {number::floating, 0, 0, x};  // (a float out of int64's range has no integer value)
    }
    fail("{} is not a number (arithmetic needs integers or floats)", t.name);
  }

  go_value arith(const go_value& a, char op, const go_value& b) {
    number x = number_of(a), y = number_of(b);
    if (x.k == number::floating || y.k == number::floating) {
      if (op == '%') fail("% needs integers");
      double r = op == '+' ? x.f + y.f : op == '-' ? x.f - y.f : op == '*' ? x.f * y.f : x.f / y.f;
      std::uint64_t bits;
      std::memcpy(&bits, &r, 8);
      return scalar("float64", go_kind::float_, 8, bits);
    }
    if ((op == '/' || op == '%') && y.u == 0) fail("division by zero");
    if (x.k == number::unsigned_ && y.k == number::unsigned_) {
      std::uint64_t r = op == '+'   ? x.u + y.u
                        : op == '-' ? x.u - y.u
                        : op == '*' ? x.u * y.u
                        : op == '/' ? x.u / y.u
                                    : x.u % y.u;
      return scalar("uint64", go_kind::uint_, 8, r);
    }
    // Wrapping like Go's int64 (computed unsigned: signed overflow is undefined in C++).
    std::uint64_t ux = std::uint64_t(x.i), uy = std::uint64_t(y.i), r;
    if (op == '+')
      r = ux + uy;
    else if (op == '-')
      r = ux - uy;
    else if (op == '*')
      r = ux * uy;
    else if (x.i == std::numeric_limits<std::int64_t>::min() && y.i == -1)
      r = op == '/' ? ux : 0;
    else
      r = std::uint64_t(op == '/' ? x.i / y.i : x.i % y.i);
    return scalar("int", go_kind::int_, 8, r);
  }

  go_value unary() {
    if (is("-")) {
      ++at;
      return arith(scalar("int", go_kind::int_, 8, 0), '-', unary());
    }
    if (is("*")) {
      ++at;
      return deref(unary());
    }
    if (is("&")) {
      ++at;
      return address_of(unary());
    }
    return postfix(primary());
  }

  go_value primary() {
    const token& t = peek();
    if (t.k == token::number) {
      ++at;
      return scalar("int", go_kind::int_, 8, t.num);
    }
    if (is("(")) {
      ++at;
      go_value v = additive();
      expect(")");
      return v;
    }
    if (t.k != token::ident) fail("expected a name at position {}", t.pos);
    if ((t.text == "len" || t.text == "cap") && toks[at + 1].k == token::punct &&
        toks[at + 1].text == "(") {
      std::string fn = t.text;
      at += 2;
      go_value v = unary();
      expect(")");
      return length(v, fn == "cap");
    }
    // a.b.c: the longest prefix that names a variable; the rest are fields.
    std::vector<std::string> parts{t.text};
    std::size_t j = at + 1;
    while (toks[j].k == token::punct && toks[j].text == "." && toks[j + 1].k == token::ident) {
      parts.push_back(toks[j + 1].text);
      j += 2;
    }
    for (std::size_t n = parts.size(); n > 0; --n) {
      std::string name = parts[0];
      for (std::size_t k = 1; k < n; ++k) name += "." + parts[k];
      std::optional<go_value> v = env.lookup ? env.lookup(name) : std::nullopt;
      if (!v) continue;
      at += 2 * n - 1;
      return *v;
    }
    if (t.text.find('/') != std::string::npos)
      fail("no variable named {} (to divide, put spaces around the /)", t.text);
    fail("no variable named {}", t.text);
  }

  go_value postfix(go_value v) {
    for (;;) {
      if (is(".")) {
        ++at;
        if (peek().k != token::ident) fail("expected a field name at position {}", peek().pos);
        v = field(v, peek().text);
        ++at;
      } else if (is("[")) {
        ++at;
        go_value idx = index_operand();
        expect("]");
        v = index(v, idx);
      } else {
        return v;
      }
    }
  }

  go_value index_operand() {
    if (peek().k == token::string) {
      go_value s;
      auto t = std::make_shared<go_type>();
      t->kind = go_kind::string;
      t->name = "string literal";
      s.owned = t;
      s.type = t.get();
      s.bytes.assign(peek().text.begin(), peek().text.end());  // the literal's content
      ++at;
      return s;
    }
    return additive();
  }

  // --- operations
  go_value deref(const go_value& p) {
    if (p.type->kind != go_kind::pointer)
      fail("cannot dereference {} (not a pointer)", p.type->name);
    std::uint64_t addr = load_le(p.bytes, 0, 8);
    if (!addr) fail("nil pointer dereference");
    if (!p.type->elem) fail("cannot dereference {}", p.type->name);
    return load(p.type->elem, addr);
  }

  go_value address_of(const go_value& v) {
    if (!v.address) fail("cannot take the address of a value that is not in memory");
    std::string name = "*" + v.type->name;
    go_value out;
    if (env.type_by_name) out.type = env.type_by_name(name);
    if (!out.type || out.type->elem != v.type) {
      auto t = std::make_shared<go_type>();
      t->kind = go_kind::pointer;
      t->name = name;
      t->size = 8;
      t->elem = v.type;
      out.owned = t;
      out.type = t.get();
    }
    out.bytes.resize(8);
    std::memcpy(out.bytes.data(), &*v.address, 8);
    return out;
  }

  go_value field(go_value v, const std::string& name) {
    if (v.type->kind == go_kind::pointer && v.type->elem && v.type->elem->kind == go_kind::struct_)
      v = deref(v);  // Go's automatic (*p).f
    if (v.type->kind != go_kind::struct_)
      fail("{} is not a struct: it has no field {}", v.type->name, name);
    const go_field* f = v.type->field(name);
    if (!f || !f->type) fail("{} has no field {}", v.type->name, name);
    go_value out;
    out.type = f->type;
    out.owned = v.owned;
    if (f->offset + f->type->size > v.bytes.size()) fail("field {} lies outside its struct", name);
    out.bytes.assign(v.bytes.begin() + f->offset, v.bytes.begin() + f->offset + f->type->size);
    if (v.address) out.address = *v.address + f->offset;
    return out;
  }

  std::int64_t as_int(const go_value& v) {
    if (v.type->kind != go_kind::int_ && v.type->kind != go_kind::uint_)
      fail("index must be an integer, not {}", v.type->name);
    return std::int64_t(load_le(v.bytes, 0, std::size_t(std::min<std::uint64_t>(v.type->size, 8))));
  }

  go_value index(const go_value& v, const go_value& idx) {
    const go_type& t = *v.type;
    if (t.kind == go_kind::map) return map_index(v, idx);
    std::int64_t i = as_int(idx);
    std::uint64_t len = 0, base = 0;
    const go_type* elem = t.elem;
    if (t.kind == go_kind::array) {
      len = t.length;
    } else if (t.kind == go_kind::slice || t.kind == go_kind::string) {
      base = load_le(v.bytes, 0, 8);
      len = load_le(v.bytes, 8, 8);
      if (t.kind == go_kind::string) {
        go_value b = scalar("uint8", go_kind::uint_, 1, 0);
        if (i < 0 || std::uint64_t(i) >= len) fail("index {} out of range [0:{}]", i, len);
        return with_owner(load(b.type, base + std::uint64_t(i)), b);
      }
    } else if (t.kind == go_kind::pointer && t.elem && t.elem->kind == go_kind::array) {
      return index(deref(v), idx);
    } else {
      fail("cannot index {}", t.name);
    }
    if (!elem) fail("{} has no element type", t.name);
    if (i < 0 || std::uint64_t(i) >= len) fail("index {} out of range [0:{}]", i, len);
    std::uint64_t off = std::uint64_t(i) * elem->size;
    if (t.kind == go_kind::array) {
      go_value out;
      out.type = elem;
      out.owned = v.owned;
      out.bytes.assign(v.bytes.begin() + off, v.bytes.begin() + off + elem->size);
      if (v.address) out.address = *v.address + off;
      return out;
    }
    return load(elem, base + off);
  }

  static go_value with_owner(go_value v, const go_value& owner) {
    v.owned = owner.owned;
    return v;
  }

  go_value map_index(const go_value& m, const go_value& key) {
    const go_type& t = *m.type;
    if (!t.key || !t.elem) fail("map {} has no key/element types", t.name);
    map_contents c = read_map(t, load_le(m.bytes, 0, 8), env.read_memory, max_map_scan);
    for (const auto& e : c.entries) {
      bool hit = false;
      if (t.key->kind == go_kind::string && key.type->kind == go_kind::string) {
        std::string want(key.bytes.begin(), key.bytes.end());
        if (key.type->name != "string literal") {  // a Go string value: read its data
          std::uint64_t len = load_le(key.bytes, 8, 8);
          auto data = read_bytes(env.read_memory, load_le(key.bytes, 0, 8), std::size_t(len));
          want.assign(data.begin(), data.end());
        }
        std::uint64_t len = load_le(e.key, 8, 8);
        if (len == want.size()) {
          auto data = read_bytes(env.read_memory, load_le(e.key, 0, 8), std::size_t(len));
          hit = std::equal(data.begin(), data.end(), want.begin());
        }
      } else if (t.key->kind == go_kind::int_ || t.key->kind == go_kind::uint_) {
        std::size_t ks = std::size_t(std::min<std::uint64_t>(t.key->size, 8));
        std::uint64_t mask = ks >= 8 ? ~0ull : ((1ull << (8 * ks)) - 1);
        hit = (load_le(e.key, 0, ks) & mask) == (std::uint64_t(as_int(key)) & mask);
      } else {
        fail("map index with {} keys is not supported", t.key->name);
      }
      if (hit) {
        go_value out;
        out.type = t.elem;
        out.bytes = e.value;
        return out;
      }
    }
    fail("key not in map{}", c.truncated ? " (map only partly read)" : "");
  }

  go_value length(const go_value& v, bool cap) {
    const go_type& t = *v.type;
    std::uint64_t n = 0;
    if (t.kind == go_kind::array) {
      n = t.length;
    } else if (t.kind == go_kind::slice) {
      n = load_le(v.bytes, cap ? 16 : 8, 8);
    } else if (t.kind == go_kind::string && !cap) {
      n = load_le(v.bytes, 8, 8);
    } else if (t.kind == go_kind::map && !cap) {
      std::uint64_t p = load_le(v.bytes, 0, 8);
      n = p ? read_map(t, p, env.read_memory, 0).count : 0;
    } else {
      fail("invalid argument: {} of {}", cap ? "cap" : "len", t.name);
    }
    return scalar("int", go_kind::int_, 8, n);
  }
};

}  // namespace

go_value evaluate_expression(std::string_view expr, const expr_env& env) {
  evaluator ev{env, lex(expr)};
  if (ev.peek().k == token::end) fail("empty expression");
  return ev.parse();
}

}  // namespace godbg
