// time.Time as Delve shows it: RFC 3339 to the second, ", +N" with a monotonic reading.
#include <fmt/format.h>

#include "dwarf/go_shown.hpp"

namespace godbg {

namespace {

// The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's civil_from_days).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = unsigned(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = std::int64_t(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

std::string time_text(std::uint64_t wall, std::int64_t ext, std::optional<int> zone_offset) {
  constexpr std::int64_t day = 86400;
  // Seconds from 0001-01-01 (Go's internal epoch) to 1885-01-01 (the wall epoch) and to 1970.
  constexpr std::int64_t wall_to_internal = (1884 * 365 + 1884 / 4 - 1884 / 100 + 1884 / 400) * day;
  constexpr std::int64_t unix_to_internal = (1969 * 365 + 1969 / 4 - 1969 / 100 + 1969 / 400) * day;
  bool monotonic = (wall >> 63) != 0;
  std::int64_t sec = monotonic ? std::int64_t((wall << 1) >> 31) + wall_to_internal : ext;
  int off = zone_offset.value_or(0);
  std::int64_t local = sec - unix_to_internal + off;
  std::int64_t days = floor_div(local, day);
  std::int64_t rem = local - days * day;
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  std::string zone = "Z";
  if (off != 0) {
    int a = off < 0 ? -off : off;
    zone = fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  }
  std::string s = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}", y, m, d, rem / 3600,
                              rem / 60 % 60, rem % 60, zone);
  if (monotonic) s += fmt::format(", {:+}", ext);
  return s;
}

}  // namespace godbg
