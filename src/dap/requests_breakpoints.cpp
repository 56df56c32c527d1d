// setBreakpoints and its kin. Every DAP breakpoint is a user breakpoint of the session (so the
// console's `breakpoints` lists it and the core decides the stops); what only DAP has, hit
// conditions and log messages, is kept here and applied when the breakpoint is hit.
#include <filesystem>

#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "dap/server.hpp"
#include "debugger/eval/expression_eval.hpp"

namespace godbg::dap {

namespace {

void check_hit_condition(const std::string& c) {
  if (!parse_hit_condition(c))
    fail("hit condition \"{}\": expected a number, optionally after ==, >=, >, <, <=, != or %", c);
}

std::string optional_string(const json& bp, const char* key) {
  auto it = bp.find(key);
  return it != bp.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void server::clear_group(const std::string& group) {
  for (auto it = bp_extra_.begin(); it != bp_extra_.end();) {
    if (it->second.group != group) {
      ++it;
      continue;
    }
    try {
      if (s_.breakpoints().find(it->first)) s_.delete_breakpoint(it->first);
    } catch (const error& e) {
      log_.line(std::string("deleting a breakpoint: ") + e.what());
    }
    it = bp_extra_.erase(it);
  }
}

json server::add_breakpoint(const std::string& spec, const json& req, const std::string& group) {
  json out;
  try {
    if (is_core()) refuse_in_core("a breakpoint");
    std::string cond = optional_string(req, "condition"),
                hit = optional_string(req, "hitCondition");
    if (!hit.empty()) check_hit_condition(hit);
    // Parsed before the breakpoint exists: a syntax error leaves nothing behind.
    if (!cond.empty()) parse_condition(cond);
    auto& bp = s_.add_breakpoint(spec, false);
    if (!cond.empty()) bp.set_condition(cond);
    bp_extra extra;
    extra.group = group;
    if (!hit.empty()) extra.hit_condition = hit;
    if (auto msg = optional_string(req, "logMessage"); !msg.empty()) extra.log_message = msg;
    bp_extra_[bp.id] = extra;
    out["id"] = bp.id;
    out["verified"] = true;
    if (!bp.sites.empty()) {
      auto where = s_.describe_site(bp, bp.sites.front());
      if (where.file)
        out["source"] = {{"name", std::filesystem::path(*where.file).filename()},
                         {"path", *where.file}};
      if (where.line) out["line"] = *where.line - (lines_start_at1_ ? 0 : 1);
      out["instructionReference"] = fmt::format("{:#x}", bp.sites.front().value());
    }
  } catch (const std::exception& e) {
    out["verified"] = false;
    out["message"] = e.what();
  }
  return out;
}

void server::set_breakpoints(const json& a, json& body) {
  const json& source = a.value("source", json::object());
  std::string path = source.value("path", "");
  if (path.empty()) throw request_error("setBreakpoints: the source has no path");
  std::string group = "source:" + path;
  clear_group(group);
  json list = json::array();
  std::vector<json> wanted;
  if (a.contains("breakpoints") && a["breakpoints"].is_array()) {
    for (const auto& b : a["breakpoints"]) wanted.push_back(b);
  } else if (a.contains("lines") && a["lines"].is_array()) {
    for (const auto& l : a["lines"]) wanted.push_back({{"line", l}});
  }
  for (const auto& b : wanted) {
    int line = b.at("line").get<int>() + (lines_start_at1_ ? 0 : 1);
    json r = add_breakpoint(path + ":" + std::to_string(line), b, group);
    if (!r.contains("line")) r["line"] = b.at("line");
    if (!r.contains("source")) r["source"] = source;
    list.push_back(r);
  }
  body = {{"breakpoints", list}};
}

void server::set_function_breakpoints(const json& a, json& body) {
  clear_group("function");
  json list = json::array();
  for (const auto& b : a.value("breakpoints", json::array()))
    list.push_back(add_breakpoint(b.at("name").get<std::string>(), b, "function"));
  body = {{"breakpoints", list}};
}

void server::set_instruction_breakpoints(const json& a, json& body) {
  clear_group("instruction");
  json list = json::array();
  for (const auto& b : a.value("breakpoints", json::array())) {
    std::string ref = b.at("instructionReference");
    auto addr = try_parse_integer<std::uint64_t>(ref);
    if (!addr) {
      list.push_back({{"verified", false}, {"message", "not an address: " + ref}});
      continue;
    }
    std::int64_t off = b.value("offset", std::int64_t(0));
    list.push_back(
        add_breakpoint(fmt::format("*{:#x}", *addr + std::uint64_t(off)), b, "instruction"));
  }
  body = {{"breakpoints", list}};
}

void server::set_exception_breakpoints(const json& a, json& body) {
  // The session itself stops where the runtime goes with an unrecovered panic (reason panic)
  // and a fatal error (reason fatal), as Delve does: the filters only choose which of those
  // stops the editor sees (stop_is_silent lets the others run on). A breakpoint of our own
  // there would be a second stop a few bytes further on.
  static const std::set<std::string> known = {"panic", "fatal"};
  std::set<std::string> filters;
  for (const auto& f : a.value("filters", json::array())) filters.insert(f.get<std::string>());
  for (const auto& f : a.value("filterOptions", json::array()))
    filters.insert(f.at("filterId").get<std::string>());
  json list = json::array();
  for (const auto& f : filters)
    list.push_back(known.count(f) ? json{{"verified", true}}
                                  : json{{"verified", false}, {"message", "unknown filter " + f}});
  exception_filters_ = filters;
  body = {{"breakpoints", list}};
}

}  // namespace godbg::dap
