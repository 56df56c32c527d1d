#include "debugger/breakpoints.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/eval/expression_eval.hpp"

namespace godbg {

bool hit_condition::holds(std::int64_t hits) const {
  switch (how) {
    case op::eq:
      return hits == k;
    case op::ne:
      return hits != k;
    case op::lt:
      return hits < k;
    case op::le:
      return hits <= k;
    case op::gt:
      return hits > k;
    case op::ge:
      return hits >= k;
    case op::mod:
      return hits % k == 0;
  }
  return true;
}

std::string hit_condition::text() const {
  static const char* names[] = {"==", "!=", "<", "<=", ">", ">=", "%"};
  return fmt::format("{} {}", names[int(how)], k);
}

hit_condition parse_hit_condition(const std::string& op, const std::string& k) {
  static const std::pair<const char*, hit_condition::op> ops[] = {
      {"==", hit_condition::op::eq}, {"!=", hit_condition::op::ne}, {"<", hit_condition::op::lt},
      {"<=", hit_condition::op::le}, {">", hit_condition::op::gt},  {">=", hit_condition::op::ge},
      {"%", hit_condition::op::mod}};
  hit_condition c;
  bool known = false;
  for (auto& [name, how] : ops)
    if (op == name) c.how = how, known = true;
  if (!known) fail("hit condition: unknown operator \"{}\" (==, !=, <, <=, >, >=, %)", op);
  c.k = parse_integer<std::int64_t>(k, "a hit count", 0);
  if (c.how == hit_condition::op::mod && c.k == 0) fail("hit condition: % 0 divides by zero");
  return c;
}

bool user_breakpoint::count_hit() {
  ++hits;
  if (ignore_count > 0) {
    --ignore_count;
    return false;
  }
  return !hit_cond || hit_cond->holds(hits);
}

void user_breakpoint::set_condition(const std::optional<std::string>& text) {
  std::shared_ptr<const expr_tree> tree;
  if (text) tree = parse_condition(*text);
  condition = text;
  condition_tree = std::move(tree);
}

user_breakpoint& breakpoint_table::add(std::string spec, std::vector<virt_addr> sites,
                                       bool temporary) {
  user_breakpoint bp;
  bp.id = next_id_++;
  bp.spec = std::move(spec);
  bp.sites = std::move(sites);
  bp.temporary = temporary;
  return by_id_[bp.id] = std::move(bp);
}

void breakpoint_table::remove(int id) {
  if (!by_id_.erase(id)) fail("no breakpoint {}", id);
}

user_breakpoint* breakpoint_table::find(int id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

std::vector<user_breakpoint*> breakpoint_table::at(virt_addr a) {
  std::vector<user_breakpoint*> out;
  for (auto& [id, bp] : by_id_)
    if (std::find(bp.sites.begin(), bp.sites.end(), a) != bp.sites.end()) out.push_back(&bp);
  return out;
}

std::vector<const user_breakpoint*> breakpoint_table::all() const {
  std::vector<const user_breakpoint*> out;
  for (auto& [id, bp] : by_id_) out.push_back(&bp);
  return out;
}

std::vector<int> breakpoint_table::ids() const {
  std::vector<int> out;
  for (auto& [id, bp] : by_id_) out.push_back(id);
  return out;
}

}  // namespace godbg
