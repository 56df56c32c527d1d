#include "dwarf/dwarf_value.hpp"

#include "common/error.hpp"

namespace godbg {

go_value variable_value(const dwarf_variable& v, const location_context& ctx, bool allow_partial) {
  if (!v.type) fail("{} has no type in the DWARF", v.name);
  if (v.location.empty()) fail("{} is optimized out here", v.name);
  location loc = evaluate_location(v.location, ctx);
  go_value out;
  out.type = v.type;
  out.address = loc.address();
  try {
    out.bytes =
        read_location(loc, std::size_t(v.type->size), ctx, allow_partial ? &out.partial : nullptr);
  } catch (const error& e) {
    fail("{}: {}", v.name, e.what());
  }
  return out;
}

}  // namespace godbg
