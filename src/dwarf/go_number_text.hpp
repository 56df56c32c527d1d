#pragma once
// Numbers and strings as Go and Delve write them: floats in the shortest %f form that reads back
// exactly (1000000000000000000000, 0.0000001, +Inf, -Inf, NaN), strings as strconv.Quote does.
#include <cstdint>
#include <string>
#include <string_view>

namespace godbg {

// bits: 32 for a float32 (shortest digits of the float32), 64 for a float64. -0 prints as 0,
// as Delve shows it.
std::string float_text(double v, int bits);
std::string int128_text(__int128 v);
// strconv.Quote: printable UTF-8 kept, the rest escaped (\n, \x00, \u00a0, \xff for bad bytes).
std::string go_quote_text(std::string_view s);
// Whether Go's strconv.IsPrint holds for code point r (unassigned code points aside).
bool go_is_print(std::uint32_t r);

}  // namespace godbg
