#pragma once
// User breakpoints: what the user asked for (a location, maybe a condition), apart from the
// physical int3 sites they share with each other and with the debugger's internal stops.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"

namespace godbg {

struct user_breakpoint {
  int id = 0;
  std::string spec;                     // as the user wrote the location
  std::optional<std::string> function;  // the function spec names, when it names one
  std::vector<virt_addr> sites;
  bool temporary = false;
  bool enabled = true;
  int hits = 0;
  std::optional<std::string> condition;
};

class breakpoint_table {
 public:
  user_breakpoint& add(std::string spec, std::vector<virt_addr> sites, bool temporary);
  void remove(int id);
  user_breakpoint* find(int id);
  // Every breakpoint with a site at `a`, in id order.
  std::vector<user_breakpoint*> at(virt_addr a);
  std::vector<const user_breakpoint*> all() const;
  std::vector<int> ids() const;
  bool empty() const { return by_id_.empty(); }
  void clear() { by_id_.clear(); }

 private:
  int next_id_ = 1;
  std::map<int, user_breakpoint> by_id_;
};

}  // namespace godbg
