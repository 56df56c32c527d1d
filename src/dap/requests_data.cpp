// Data breakpoints: the session's hardware watchpoints (debugger/breakpoints/watchpoints.hpp),
// as `watch` sets them at the console. dataBreakpointInfo names what a variable or expression
// watches; setDataBreakpoints replaces the set, keeping the watchpoints it sends again (a
// watched local is bound to the frame it was named in, which may be gone by the next request).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "dap/server.hpp"
#include "debugger/breakpoints/watchpoints.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/stack/goroutine_stacks.hpp"

namespace godbg::dap {

namespace {

// The debug registers hold four 8-byte ranges: what one watchpoint can cover at most.
constexpr std::uint64_t max_watch_bytes = 32;

// dataId: "GOID:TID:FRAME:EXPR" ("-" for no goroutine), the scope EXPR is read in.
std::string data_id(const scope& at, const std::string& expr) {
  return fmt::format("{}:{}:{}:{}", at.goid ? std::to_string(*at.goid) : "-", at.tid, at.frame,
                     expr);
}

std::optional<std::pair<scope, std::string>> parse_data_id(const std::string& id) {
  std::size_t a = id.find(':'), b = a == std::string::npos ? a : id.find(':', a + 1),
              c = b == std::string::npos ? b : id.find(':', b + 1);
  if (c == std::string::npos || c + 1 >= id.size()) return std::nullopt;
  scope at;
  std::string g = id.substr(0, a);
  if (g != "-") {
    auto goid = try_parse_integer<std::int64_t>(g, sign::refused);
    if (!goid) return std::nullopt;
    at.goid = *goid;
  }
  auto tid = try_parse_integer<int>(id.substr(a + 1, b - a - 1), sign::refused);
  auto frame = try_parse_integer<int>(id.substr(b + 1, c - b - 1), sign::refused);
  if (!tid || !frame) return std::nullopt;
  at.tid = *tid;
  at.frame = *frame;
  return std::pair{at, id.substr(c + 1)};
}

std::optional<watch_access> access_of(const std::string& t) {
  if (t == "write") return watch_access::write;
  if (t == "read") return watch_access::read;
  if (t == "readWrite") return watch_access::read_write;
  return std::nullopt;
}

}  // namespace

void server::data_breakpoint_info(const json& a, json& body) {
  auto refuse = [&](const std::string& why) { body = {{"dataId", nullptr}, {"description", why}}; };
  if (is_core()) return refuse("a core file: nothing runs in it, nothing to watch");
  std::string name = a.at("name");
  scope at = s_.selected();
  std::string expr = name;
  std::int64_t ref = a.value("variablesReference", std::int64_t(0));
  if (ref > 0) {
    const var_container* c = vars_.find(ref);
    if (!c) throw request_error("no such variablesReference (they last until the program runs)");
    var_container cont = *c;  // vars_ may grow below
    at = cont.where;
    using k = var_container::kind;
    if (cont.k == k::registers) return refuse("a register is not memory: it cannot be watched");
    if (cont.k == k::value) {
      expr.clear();
      for (auto& ch : value_children(s_, cont.value, cont.evaluate_name, "", 0, 0))
        if (ch.name == name) expr = ch.evaluate_name;
      if (expr.empty()) return refuse(name + " has no expression that names it");
    }
  } else if (a.contains("frameId")) {
    at = scope_of_frame(a["frameId"].get<std::int64_t>());
  }
  // What the watchpoint would watch, checked now so the editor offers only what can be set.
  go_value v;
  try {
    v = evaluate_value(s_, frame_in(s_, at), expr);
  } catch (const error& e) {
    return refuse(e.what());
  }
  if (!v.address || !v.type)
    return refuse(expr + " is not in memory (a value in a register, or one computed)");
  if (v.type->size == 0 || v.type->size > max_watch_bytes)
    return refuse(
        fmt::format("{} is {} bytes: a watchpoint covers 1 to {} bytes (watch a field "
                    "or an element)",
                    expr, v.type->size, max_watch_bytes));
  // x86 traps on writes, or on reads and writes: a read-only watch is told apart by the value
  // staying the same, as the console's `watch -r` does.
  body = {{"dataId", data_id(at, expr)},
          {"description",
           fmt::format("{} ({}, {} bytes at {:#x})", expr, v.type->name, v.type->size, *v.address)},
          {"accessTypes", json::array({"write", "read", "readWrite"})},
          {"canPersist", false}};
}

void server::set_data_breakpoints(const json& a, json& body) {
  const json& wanted = a.value("breakpoints", json::array());
  auto key_of = [](const json& b) {
    return b.value("dataId", std::string()) + "\n" + b.value("accessType", std::string("write")) +
           "\n" + b.value("condition", std::string());
  };
  // Those not sent again go first: their debug registers are free for the new ones.
  std::set<std::string> keys;
  for (const auto& b : wanted) keys.insert(key_of(b));
  for (auto it = bp_extra_.begin(); it != bp_extra_.end();) {
    bool gone = !s_.breakpoints().find(it->first);
    if (it->second.group != "data" || (keys.count(it->second.data_key) && !gone)) {
      ++it;
      continue;
    }
    try {
      if (!gone) s_.delete_breakpoint(it->first);
    } catch (const error& e) {
      log_.line(std::string("deleting a watchpoint: ") + e.what());
    }
    it = bp_extra_.erase(it);
  }
  json list = json::array();
  for (const auto& b : wanted) {
    std::string key = key_of(b), hit = b.value("hitCondition", std::string());
    auto kept = std::find_if(bp_extra_.begin(), bp_extra_.end(),
                             [&](const auto& e) { return e.second.data_key == key; });
    if (kept != bp_extra_.end()) {
      kept->second.hit_condition = hit.empty() ? std::nullopt : std::optional(hit);
      list.push_back({{"id", kept->first}, {"verified", true}});
      continue;
    }
    try {
      if (is_core()) refuse_in_core("setDataBreakpoints");
      if (s_.running() || stepping_) fail("the program is running; pause it to set a watchpoint");
      if (!s_.has_process()) fail("the program is not running");
      auto id = parse_data_id(b.at("dataId").get<std::string>());
      if (!id) fail("not a dataId of godbg's dataBreakpointInfo: {}", b.at("dataId").dump());
      auto access = access_of(b.value("accessType", std::string("write")));
      if (!access) fail("accessType {}: write, read or readWrite", b.at("accessType").dump());
      if (!hit.empty() && !parse_hit_condition(hit))
        fail("hit condition \"{}\": expected a number, optionally after ==, >=, >, <, <=, != or %",
             hit);
      std::string cond = b.value("condition", std::string());
      if (!cond.empty()) parse_condition(cond);  // a syntax error leaves no watchpoint behind
      user_breakpoint* wp = nullptr;
      s_.paused([&] { wp = &add_watchpoint(s_, id->first, id->second, *access); });
      if (!cond.empty()) wp->set_condition(cond);
      bp_extra extra;
      extra.group = "data";
      extra.data_key = key;
      if (!hit.empty()) extra.hit_condition = hit;
      bp_extra_[wp->id] = extra;
      list.push_back({{"id", wp->id}, {"verified", true}});
    } catch (const std::exception& e) {
      list.push_back({{"verified", false}, {"message", e.what()}});
    }
  }
  body = {{"breakpoints", list}};
}

}  // namespace godbg::dap
