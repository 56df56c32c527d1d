#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "commands/commands.hpp"
#include "commands/reporter.hpp"
#include "debugger/session.hpp"

namespace godbg {

namespace {
int parse_id(const std::string& s) {
  return parse_integer<int>(s, "a breakpoint number", 1);
}

breakpoint_record to_record(session& s, const user_breakpoint& bp) {
  breakpoint_record r;
  r.id = bp.id;
  r.location = bp.spec;
  r.temporary = bp.temporary;
  r.enabled = bp.enabled;
  r.hits = bp.hits;
  r.condition = bp.condition;
  for (auto a : bp.sites) r.sites.push_back(s.describe_site(bp, a));
  return r;
}

void set(command_context& c, const command_args& a, bool temporary) {
  auto& s = c.s;
  if (a.words.empty()) throw usage_error("usage: break LOC [if COND]");
  std::string spec = a.words[0];
  std::optional<std::string> cond;
  if (a.words.size() > 1) {
    if (a.words[1] != "if" || a.words.size() < 3) throw usage_error("usage: break LOC [if COND]");
    auto at = a.rest.find(" if ");
    cond = a.rest.substr(at + 4);
  }
  auto& bp = s.add_breakpoint(spec, temporary);
  bp.condition = cond;
  c.out.breakpoint_set(to_record(s, bp));
}
}  // namespace

namespace cmd {

void break_(command_context& c, const command_args& a) {
  set(c, a, false);
}
void tbreak(command_context& c, const command_args& a) {
  set(c, a, true);
}

void delete_(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (a.words.empty()) {
    for (int id : s.breakpoints().ids()) s.delete_breakpoint(id);
    c.out.message("Deleted all breakpoints.");
    return;
  }
  for (auto& w : a.words) s.delete_breakpoint(parse_id(w));
}

void condition(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (a.words.empty()) throw usage_error("usage: condition N [EXPR]");
  auto* bp = s.breakpoints().find(parse_id(a.words[0]));
  if (!bp) fail("no breakpoint {}", a.words[0]);
  auto sp = a.rest.find_first_of(" \t");
  if (sp == std::string::npos) {
    bp->condition.reset();
    c.out.message(fmt::format("Breakpoint {} is now unconditional.", bp->id));
  } else {
    bp->condition = a.rest.substr(a.rest.find_first_not_of(" \t", sp));
  }
}

void breakpoints(command_context& c, const command_args&) {
  auto& s = c.s;
  std::vector<breakpoint_record> out;
  for (auto* bp : s.breakpoints().all()) out.push_back(to_record(s, *bp));
  c.out.breakpoints(out);
}

}  // namespace cmd
}  // namespace godbg
