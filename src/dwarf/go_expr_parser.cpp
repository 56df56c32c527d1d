// Go's expression grammar (the spec's Expression, with types where a conversion or assertion
// puts them), by precedence climbing over the five binary levels.
#include <fmt/format.h>

#include "dwarf/go_expr_lexer.hpp"

namespace godbg {

namespace {

using node_ptr = std::unique_ptr<expr_node>;

int precedence(tok t) {
  switch (t) {
    case tok::lor:
      return 1;
    case tok::land:
      return 2;
    case tok::eql:
    case tok::neq:
    case tok::lss:
    case tok::leq:
    case tok::gtr:
    case tok::geq:
      return 3;
    case tok::add:
    case tok::sub:
    case tok::or_:
    case tok::xor_:
      return 4;
    case tok::mul:
    case tok::quo:
    case tok::rem:
    case tok::shl:
    case tok::shr:
    case tok::and_:
    case tok::and_not:
      return 5;
    default:
      return 0;
  }
}

// Nesting deeper than this is an error, not a stack overflow; so is a tree this large (its
// destruction recurses too).
constexpr int max_depth = 200;
constexpr std::size_t max_nodes = 10000;

struct parser {
  std::vector<expr_token> toks;
  std::size_t at = 0;
  int depth = 0;
  std::size_t nodes = 0;

  const expr_token& cur() const { return toks[at]; }
  tok kind() const { return toks[at].kind; }
  bool is(tok t) const { return kind() == t; }
  const expr_token& next() { return toks[at < toks.size() - 1 ? at++ : at]; }

  std::string found() const {
    const expr_token& t = cur();
    if (t.kind == tok::end) return "end of expression";
    return fmt::format("'{}'", t.text);
  }

  [[noreturn]] void unexpected(std::string_view wanted) const {
    const expr_token& t = cur();
    if (t.kind == tok::assign) expr_fail(t.pos, "unexpected = in expression (use == to compare)");
    if (t.kind == tok::define || t.kind == tok::op_assign)
      expr_fail(t.pos, "unexpected {} in expression: assignments are not expressions", t.text);
    if (t.kind == tok::kw_other) expr_fail(t.pos, "unexpected keyword {} in expression", t.text);
    expr_fail(t.pos, "expected {}, found {}", wanted, found());
  }

  void expect(tok t) {
    if (!is(t)) unexpected(fmt::format("'{}'", tok_spelling(t)));
    next();
  }

  node_ptr make(node_kind k, std::size_t pos) {
    if (++nodes > max_nodes) expr_fail(pos, "expression too long (over {} parts)", max_nodes);
    auto n = std::make_unique<expr_node>();
    n->kind = k;
    n->pos = pos;
    return n;
  }
  void finish(expr_node& n) { n.end = toks[at > 0 ? at - 1 : 0].end; }

  struct depth_guard {
    parser& p;
    explicit depth_guard(parser& q) : p(q) {
      if (++p.depth > max_depth) expr_fail(p.cur().pos, "expression nested too deeply");
    }
    ~depth_guard() { --p.depth; }
  };

  // The current token as a leaf (an identifier or a literal).
  node_ptr leaf(node_kind k) {
    const expr_token& t = cur();
    auto n = make(k, t.pos);
    n->op = k == node_kind::basic_lit ? t.kind : tok::end;
    n->text = t.text;
    n->value = t.value;
    next();
    finish(*n);
    return n;
  }

  // ( inner ): an expression, or a type where only a type can be.
  node_ptr parenthesized(bool type_only) {
    auto n = make(node_kind::paren, cur().pos);
    next();
    n->kids.push_back(type_only ? type() : expression());
    expect(tok::rparen);
    finish(*n);
    return n;
  }

  node_ptr expression(int prec = 1) {
    depth_guard g(*this);
    node_ptr x = unary();
    for (;;) {
      int p = precedence(kind());
      if (p < prec) return x;
      tok op = next().kind;
      node_ptr y = expression(p + 1);
      auto b = make(node_kind::binary, x->pos);
      b->op = op;
      b->kids.push_back(std::move(x));
      b->kids.push_back(std::move(y));
      finish(*b);
      x = std::move(b);
    }
  }

  node_ptr unary() {
    depth_guard g(*this);
    switch (kind()) {
      case tok::add:
      case tok::sub:
      case tok::not_:
      case tok::xor_:
      case tok::mul:
      case tok::and_:
      case tok::arrow: {
        std::size_t pos = cur().pos;
        tok op = next().kind;
        if (op == tok::arrow && is(tok::kw_chan)) {  // <-chan T
          next();
          auto c = make(node_kind::chan_type, pos);
          c->dir = 2;
          c->kids.push_back(type());
          finish(*c);
          return primary_suffixes(std::move(c));
        }
        auto u = make(node_kind::unary, pos);
        u->op = op;
        u->kids.push_back(unary());
        finish(*u);
        return u;
      }
      default:
        return primary_suffixes(operand());
    }
  }

  node_ptr operand() {
    const expr_token& t = cur();
    std::size_t pos = t.pos;
    switch (t.kind) {
      case tok::ident:
        return leaf(node_kind::ident);
      case tok::reg: {
        auto n = make(node_kind::reg, pos);
        n->text = t.text.substr(1);
        next();
        finish(*n);
        return n;
      }
      case tok::int_lit:
      case tok::float_lit:
      case tok::imag_lit:
      case tok::rune_lit:
      case tok::string_lit:
        return leaf(node_kind::basic_lit);
      case tok::lparen:
        return parenthesized(false);
      case tok::lbrack:
      case tok::kw_map:
      case tok::kw_chan:
      case tok::kw_func:
      case tok::kw_struct:
      case tok::kw_interface:
        return type();
      default:
        unexpected("operand");
    }
  }

  // Inside parentheses a type may stand alone: (*T)(p), ([]byte)(s).
  node_ptr expression_or_type() { return expression(); }

  // Each suffix nests the tree one level deeper, so a long chain counts as nesting too.
  node_ptr primary_suffixes(node_ptr x) {
    int added = 0;
    struct restore {
      parser& p;
      int& n;
      ~restore() { p.depth -= n; }
    } r{*this, added};
    for (;;) {
      if (++depth > max_depth) expr_fail(cur().pos, "expression nested too deeply");
      ++added;
      switch (kind()) {
        case tok::period: {
          next();
          if (is(tok::ident)) {
            auto s = make(node_kind::selector, x->pos);
            s->text = cur().text;
            next();
            s->kids.push_back(std::move(x));
            finish(*s);
            x = std::move(s);
          } else if (is(tok::lparen)) {
            next();
            auto a = make(node_kind::type_assert, x->pos);
            a->kids.push_back(std::move(x));
            if (is(tok::kw_other) && cur().text == "type")
              expr_fail(cur().pos, "use of .(type) outside a type switch");
            a->kids.push_back(type());
            expect(tok::rparen);
            finish(*a);
            x = std::move(a);
          } else {
            unexpected("field name or '('");
          }
          break;
        }
        case tok::lbrack:
          x = index_or_slice(std::move(x));
          break;
        case tok::lparen: {
          next();
          auto c = make(node_kind::call, x->pos);
          c->kids.push_back(std::move(x));
          while (!is(tok::rparen)) {
            c->kids.push_back(expression_or_type());
            if (is(tok::ellipsis)) {
              c->ellipsis = true;
              next();
            }
            if (!is(tok::comma)) break;
            next();
          }
          expect(tok::rparen);
          finish(*c);
          x = std::move(c);
          break;
        }
        case tok::lbrace:
          if (!could_be_type(*x)) return x;
          x = composite(std::move(x));
          break;
        default:
          return x;
      }
    }
  }

  static bool could_be_type(const expr_node& n) {
    switch (n.kind) {
      case node_kind::ident:
      case node_kind::selector:
      case node_kind::array_type:
      case node_kind::map_type:
      case node_kind::struct_type:
        return true;
      case node_kind::index:  // a generic type: Pair[string, int]{...}
        return could_be_type(*n.kids[0]);
      default:
        return false;
    }
  }

  node_ptr index_or_slice(node_ptr x) {
    std::size_t open = cur().pos;
    next();  // [
    node_ptr idx[3];
    int colons = 0;
    if (!is(tok::colon)) idx[0] = expression_or_type();
    std::vector<node_ptr> extra;  // Pair[string, int]
    while (is(tok::comma) && colons == 0) {
      next();
      if (is(tok::rbrack)) break;
      extra.push_back(expression_or_type());
    }
    while (is(tok::colon) && colons < 2) {
      next();
      ++colons;
      if (!is(tok::colon) && !is(tok::rbrack)) idx[colons] = expression();
    }
    if (is(tok::colon)) expr_fail(cur().pos, "expected ']', found ':' (at most 3 indices)");
    expect(tok::rbrack);
    if (colons == 0) {
      if (!idx[0]) expr_fail(open, "expected operand in index");
      auto n = make(node_kind::index, x->pos);
      n->kids.push_back(std::move(x));
      n->kids.push_back(std::move(idx[0]));
      for (auto& e : extra) n->kids.push_back(std::move(e));
      finish(*n);
      return n;
    }
    if (!extra.empty()) expr_fail(open, "unexpected ',' in slice expression");
    auto n = make(node_kind::slice, x->pos);
    n->three = colons == 2;
    if (n->three && !idx[1]) expr_fail(open, "middle index required in 3-index slice");
    if (n->three && !idx[2]) expr_fail(open, "final index required in 3-index slice");
    n->kids.push_back(std::move(x));
    for (auto& i : idx) n->kids.push_back(std::move(i));
    finish(*n);
    return n;
  }

  node_ptr composite(node_ptr type) {
    auto c = make(node_kind::composite, type->pos);
    c->kids.push_back(std::move(type));
    return composite_body(std::move(c));
  }

  node_ptr element() {
    if (is(tok::lbrace)) {  // an elided type: {1, 2} inside []Point{...}
      auto c = make(node_kind::composite, cur().pos);
      c->kids.push_back(nullptr);
      return composite_body(std::move(c));
    }
    return expression();
  }

  node_ptr composite_body(node_ptr c) {
    next();  // {
    while (!is(tok::rbrace)) {
      node_ptr e = element();
      if (is(tok::colon)) {
        next();
        auto kv = make(node_kind::key_value, e->pos);
        kv->kids.push_back(std::move(e));
        kv->kids.push_back(element());
        finish(*kv);
        e = std::move(kv);
      }
      c->kids.push_back(std::move(e));
      if (!is(tok::comma)) break;
      next();
    }
    expect(tok::rbrace);
    finish(*c);
    return c;
  }

  // --- types

  node_ptr type() {
    depth_guard g(*this);
    const expr_token& t = cur();
    std::size_t pos = t.pos;
    switch (t.kind) {
      case tok::ident: {
        node_ptr n = leaf(node_kind::ident);
        if (is(tok::period)) {  // pkg.T
          next();
          if (!is(tok::ident)) unexpected("type name");
          auto s = make(node_kind::selector, pos);
          s->text = cur().text;
          next();
          s->kids.push_back(std::move(n));
          finish(*s);
          n = std::move(s);
        }
        if (is(tok::lbrack)) n = index_or_slice(std::move(n));  // a generic type: T[int]
        return n;
      }
      case tok::string_lit: {  // "net/http".Client
        auto lit = leaf(node_kind::basic_lit);
        expect(tok::period);
        if (!is(tok::ident)) unexpected("type name");
        auto s = make(node_kind::selector, pos);
        s->text = cur().text;
        next();
        s->kids.push_back(std::move(lit));
        finish(*s);
        return s;
      }
      case tok::mul: {
        next();
        auto u = make(node_kind::unary, pos);
        u->op = tok::mul;
        u->kids.push_back(type());
        finish(*u);
        return u;
      }
      case tok::lparen:
        return parenthesized(true);
      case tok::lbrack: {
        next();
        auto a = make(node_kind::array_type, pos);
        if (is(tok::rbrack)) {
          a->kids.push_back(nullptr);  // a slice
        } else if (is(tok::ellipsis)) {
          next();
          a->ellipsis = true;
          a->kids.push_back(nullptr);
        } else {
          a->kids.push_back(expression());
        }
        expect(tok::rbrack);
        a->kids.push_back(type());
        finish(*a);
        return a;
      }
      case tok::kw_map: {
        next();
        auto m = make(node_kind::map_type, pos);
        expect(tok::lbrack);
        m->kids.push_back(type());
        expect(tok::rbrack);
        m->kids.push_back(type());
        finish(*m);
        return m;
      }
      case tok::kw_chan: {
        next();
        auto c = make(node_kind::chan_type, pos);
        if (is(tok::arrow)) {
          next();
          c->dir = 1;
        }
        c->kids.push_back(type());
        finish(*c);
        return c;
      }
      case tok::arrow: {
        next();
        if (!is(tok::kw_chan)) unexpected("'chan'");
        next();
        auto c = make(node_kind::chan_type, pos);
        c->dir = 2;
        c->kids.push_back(type());
        finish(*c);
        return c;
      }
      case tok::kw_func:
        return func_type();
      case tok::kw_struct:
        return struct_type();
      case tok::kw_interface: {
        next();
        auto i = make(node_kind::interface_type, pos);
        expect(tok::lbrace);
        if (!is(tok::rbrace))
          expr_fail(cur().pos, "only the empty interface can be written in an expression");
        next();
        finish(*i);
        return i;
      }
      default:
        unexpected("type");
    }
  }

  node_ptr func_type() {
    std::size_t pos = cur().pos;
    next();  // func
    auto f = make(node_kind::func_type, pos);
    expect(tok::lparen);
    while (!is(tok::rparen)) {
      if (is(tok::ellipsis)) {
        next();
        f->ellipsis = true;
      }
      f->kids.push_back(type());
      if (!is(tok::comma)) break;
      next();
    }
    expect(tok::rparen);
    // Results: one type, or a parenthesized list.
    if (is(tok::lparen)) {
      next();
      while (!is(tok::rparen)) {
        f->kids.push_back(type());
        ++f->results;
        if (!is(tok::comma)) break;
        next();
      }
      expect(tok::rparen);
    } else if (starts_type()) {
      f->kids.push_back(type());
      f->results = 1;
    }
    finish(*f);
    return f;
  }

  bool starts_type() const {
    switch (kind()) {
      case tok::ident:
      case tok::mul:
      case tok::lbrack:
      case tok::kw_map:
      case tok::kw_chan:
      case tok::kw_func:
      case tok::kw_struct:
      case tok::kw_interface:
      case tok::arrow:
        return true;
      default:
        return false;
    }
  }

  node_ptr struct_type() {
    std::size_t pos = cur().pos;
    next();  // struct
    auto s = make(node_kind::struct_type, pos);
    expect(tok::lbrace);
    while (!is(tok::rbrace)) {
      // "A, B int", "T" (embedded), "*T" (embedded pointer)
      std::vector<std::string> names;
      if (is(tok::ident) && names_follow(toks[at + 1].kind)) {
        names.push_back(cur().text);
        next();
        while (is(tok::comma)) {
          next();
          if (!is(tok::ident)) unexpected("field name");
          names.push_back(cur().text);
          next();
        }
      }
      node_ptr t = type();
      if (names.empty()) {
        s->names.emplace_back();
        s->kids.push_back(std::move(t));
      } else {
        for (std::size_t k = 0; k < names.size(); ++k) {
          s->names.push_back(names[k]);
          s->kids.push_back(k + 1 == names.size() ? std::move(t) : clone(*t));
        }
      }
      if (!is(tok::semicolon)) break;
      next();
    }
    expect(tok::rbrace);
    finish(*s);
    return s;
  }

  // After an identifier in a struct type: does it name fields (A, B int) rather than embed a type?
  static bool names_follow(tok next) {
    switch (next) {
      case tok::ident:
      case tok::comma:
      case tok::mul:
      case tok::lbrack:
      case tok::lparen:
      case tok::kw_map:
      case tok::kw_chan:
      case tok::kw_func:
      case tok::kw_struct:
      case tok::kw_interface:
      case tok::arrow:
        return true;
      default:
        return false;
    }
  }

  static node_ptr clone(const expr_node& n) {
    auto c = std::make_unique<expr_node>();
    c->kind = n.kind;
    c->op = n.op;
    c->pos = n.pos;
    c->end = n.end;
    c->text = n.text;
    c->value = n.value;
    c->names = n.names;
    c->results = n.results;
    c->dir = n.dir;
    c->ellipsis = n.ellipsis;
    c->three = n.three;
    for (const auto& k : n.kids) c->kids.push_back(k ? clone(*k) : nullptr);
    return c;
  }
};

}  // namespace

expr_tree parse_expression(std::string_view text) {
  parser p{lex_expression(text)};
  if (p.is(tok::end)) expr_fail(0, "empty expression");
  expr_tree t;
  t.source = std::string(text);
  t.root = p.expression();
  if (!p.is(tok::end)) {
    if (p.is(tok::rparen) || p.is(tok::rbrack) || p.is(tok::rbrace))
      expr_fail(p.cur().pos, "unexpected '{}': no opening bracket matches it", p.cur().text);
    p.unexpected("end of expression");
  }
  return t;
}

}  // namespace godbg
