#pragma once
#include <string_view>

namespace godbg {
std::string_view version();
}  // namespace godbg
