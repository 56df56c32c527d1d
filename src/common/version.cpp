#include "common/version.hpp"

namespace godbg {
std::string_view version() {
  return "0.1.0";
}
}  // namespace godbg
