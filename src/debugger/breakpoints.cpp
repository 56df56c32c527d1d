#include "debugger/breakpoints.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace godbg {

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
