#include <set>

#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/breakpoints/in_target.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"

namespace godbg {

namespace {
int parse_id(const std::string& s) {
  return parse_integer<int>(s, "a breakpoint number", 1);
}

user_breakpoint& find_bp(session& s, const std::string& word) {
  auto* bp = s.breakpoints().find(parse_id(word));
  if (!bp) fail("no breakpoint {}", word);
  return *bp;
}

// "3", "1-4": the ids of existing breakpoints a word names (a range skips the missing ones).
std::vector<int> ids_of(session& s, const std::vector<std::string>& words) {
  std::vector<int> out;
  for (const auto& w : words) {
    auto dash = w.find('-');
    if (dash == std::string::npos || dash == 0) {
      out.push_back(find_bp(s, w).id);
      continue;
    }
    int lo = parse_id(w.substr(0, dash)), hi = parse_id(w.substr(dash + 1));
    if (hi < lo) fail("{}: the range ends before it starts", w);
    bool any = false;
    for (int id : s.breakpoints().ids())
      if (id >= lo && id <= hi) out.push_back(id), any = true;
    if (!any) fail("no breakpoints in {}", w);
  }
  return out;
}
}  // namespace

breakpoint_record breakpoint_view(session& s, const user_breakpoint& bp) {
  breakpoint_record r;
  r.id = bp.id;
  r.kind = bp.kind;
  r.location = bp.spec;
  r.temporary = bp.temporary;
  r.enabled = bp.enabled;
  r.hits = bp.hits;
  r.condition = bp.condition;
  if (bp.hit_cond) r.hit_condition = bp.hit_cond->text();
  r.ignore_count = bp.ignore_count;
  r.commands = bp.commands;
  if (bp.watch) r.watch = bp.watch->what;
  for (auto a : bp.sites) r.sites.push_back(s.describe_site(bp, a));
  if (auto v = view_in_target(s, bp)) {
    r.in_target = v->in_target;
    r.evaluations = v->evaluations;
    r.ptrace_reason = v->ptrace_reason;
    r.dropped = v->dropped;
  }
  return r;
}

namespace {

void set_breakpoint(command_context& c, const command_args& a, bool temporary) {
  auto& s = c.s;
  if (a.words.empty()) throw usage_error("usage: break LOC [if COND]");
  std::string spec = a.words[0];
  std::optional<std::string> cond;
  if (a.words.size() > 1) {
    if (a.words[1] != "if" || a.words.size() < 3) throw usage_error("usage: break LOC [if COND]");
    auto at = a.rest.find(" if ");
    cond = a.rest.substr(at + 4);
    parse_condition(*cond);  // a syntax error stops here, before a breakpoint exists
  }
  auto& bp = s.add_breakpoint(spec, temporary);
  bp.set_condition(cond);
  c.out.breakpoint_set(breakpoint_view(s, bp));
}
}  // namespace

namespace cmd {

void break_(command_context& c, const command_args& a) {
  set_breakpoint(c, a, false);
}
void tbreak(command_context& c, const command_args& a) {
  set_breakpoint(c, a, true);
}

void delete_(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (a.words.empty()) {
    for (int id : s.breakpoints().ids()) s.delete_breakpoint(id);
    c.out.message("Deleted all breakpoints.");
    return;
  }
  std::set<int> ids;
  for (int id : ids_of(s, a.words)) ids.insert(id);  // every word checked before any goes
  for (int id : ids) s.delete_breakpoint(id);
}

namespace {
void set_enabled(command_context& c, const command_args& a, std::optional<bool> on) {
  auto& s = c.s;
  std::vector<int> ids = a.words.empty() ? s.breakpoints().ids() : ids_of(s, a.words);
  for (int id : ids) {
    bool want = on ? *on : !s.breakpoints().find(id)->enabled;
    s.set_enabled(id, want);
    if (!on) c.out.message(fmt::format("Breakpoint {} {}.", id, want ? "enabled" : "disabled"));
  }
}
}  // namespace

void enable(command_context& c, const command_args& a) {
  set_enabled(c, a, true);
}
void disable(command_context& c, const command_args& a) {
  set_enabled(c, a, false);
}
void toggle(command_context& c, const command_args& a) {
  if (a.words.empty()) throw usage_error("usage: toggle N...");
  set_enabled(c, a, std::nullopt);
}

void ignore(command_context& c, const command_args& a) {
  if (a.words.size() != 2) throw usage_error("usage: ignore N COUNT");
  auto& bp = find_bp(c.s, a.words[0]);
  bp.ignore_count = parse_integer<int>(a.words[1], "a count", 0);
  if (bp.ignore_count == 0)
    c.out.message(fmt::format("Will stop next time breakpoint {} is reached.", bp.id));
  else
    c.out.message(
        fmt::format("Will ignore next {} crossings of breakpoint {}.", bp.ignore_count, bp.id));
}

void on(command_context& c, const command_args& a) {
  if (a.words.size() < 2) throw usage_error("usage: on N CMD");
  auto& bp = find_bp(c.s, a.words[0]);
  auto at = a.rest.find(a.words[0]) + a.words[0].size();
  std::string cmd = a.rest.substr(a.rest.find_first_not_of(" \t", at));
  std::size_t consumed = 0;
  if (cmd != "silent" && !find_command(split_words(cmd), consumed))
    fail("on {}: unknown command \"{}\"", bp.id, split_words(cmd)[0]);
  bp.commands.push_back(cmd);
}

void commands(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (a.words.size() > 1)
    throw usage_error("usage: commands [N], then one command a line, then end");
  int id = 0;
  if (a.words.empty()) {
    auto ids = s.breakpoints().ids();
    if (ids.empty()) fail("commands: no breakpoint to give commands to");
    id = ids.back();  // gdb: the last breakpoint set
  } else {
    id = find_bp(s, a.words[0]).id;
  }
  c.out.message(fmt::format(
      "Type commands for breakpoint {}, one per line. End with a line saying just \"end\".", id));
  session* sp = &s;
  c.in.collect_block([sp, id](std::vector<std::string> lines) {
    if (auto* bp = sp->breakpoints().find(id)) bp->commands = std::move(lines);
  });
}

void condition(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (a.words.empty()) throw usage_error("usage: condition N [EXPR]");
  if (a.words[0] == "-hitcount") {
    // Delve's form: stop only at the hits whose count satisfies OP K; no OP K clears it.
    if (a.words.size() != 2 && a.words.size() != 4)
      throw usage_error("usage: condition -hitcount N OP K");
    auto& bp = find_bp(s, a.words[1]);
    if (a.words.size() == 2) {
      bp.hit_cond.reset();
      return;
    }
    bp.hit_cond = parse_hit_condition(a.words[2], a.words[3]);
    return;
  }
  auto* bp = s.breakpoints().find(parse_id(a.words[0]));
  if (!bp) fail("no breakpoint {}", a.words[0]);
  auto sp = a.rest.find_first_of(" \t");
  if (sp == std::string::npos) {
    bp->set_condition(std::nullopt);
    c.out.message(fmt::format("Breakpoint {} is now unconditional.", bp->id));
  } else {
    std::string text = a.rest.substr(a.rest.find_first_not_of(" \t", sp));
    bp->set_condition(text);
  }
}

void breakpoints(command_context& c, const command_args&) {
  auto& s = c.s;
  std::vector<breakpoint_record> out;
  for (auto* bp : s.breakpoints().all()) out.push_back(breakpoint_view(s, *bp));
  c.out.breakpoints(out);
}

}  // namespace cmd
}  // namespace godbg
