#include "dwarf/go_number_text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace godbg {

std::string float_text(double v, int bits) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return "0";
  char buf[512];
  std::to_chars_result r;
  if (bits == 32)
    r = std::to_chars(buf, buf + sizeof buf, float(v), std::chars_format::fixed);
  else
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (r.ec != std::errc()) return fmt::format("{}", v);
  return std::string(buf, r.ptr);
}

std::string int128_text(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
  std::string s;
  while (u) {
    s += char('0' + int(u % 10));
    u /= 10;
  }
  if (neg) s += '-';
  return {s.rbegin(), s.rend()};
}

bool go_is_print(std::uint32_t r) {
  if (r < 0x20 || r == 0x7f) return false;
  if (r < 0x7f) return true;
  if (r < 0xa0) return false;  // C1 controls
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  // Spaces other than U+0020, format characters, separators, private use and noncharacters:
  // what strconv.IsPrint rejects above U+00A0 (unassigned code points are taken as printable).
  struct range {
    std::uint32_t lo, hi;
  };
  static constexpr range non_print[] = {
      {0x00a0, 0x00a0},   {0x00ad, 0x00ad},   {0x0600, 0x0605},    {0x061c, 0x061c},
      {0x06dd, 0x06dd},   {0x070f, 0x070f},   {0x0890, 0x0891},    {0x08e2, 0x08e2},
      {0x1680, 0x1680},   {0x180e, 0x180e},   {0x2000, 0x200f},    {0x2028, 0x202f},
      {0x205f, 0x2064},   {0x2066, 0x206f},   {0x3000, 0x3000},    {0xe000, 0xf8ff},
      {0xfdd0, 0xfdef},   {0xfeff, 0xfeff},   {0xfff9, 0xfffb},    {0x110bd, 0x110bd},
      {0x110cd, 0x110cd}, {0x13430, 0x1343f}, {0x1bca0, 0x1bca3},  {0x1d173, 0x1d17a},
      {0xe0001, 0xe0001}, {0xe0020, 0xe007f}, {0xf0000, 0x10ffff},
  };
  if ((r & 0xfffe) == 0xfffe) return false;  // U+xFFFE and U+xFFFF of every plane
  for (const auto& x : non_print)
    if (r >= x.lo && r <= x.hi) return false;
  return true;
}

namespace {

// The code point of the UTF-8 sequence at s[i], and its length; length 0 for invalid bytes.
std::uint32_t decode_utf8(std::string_view s, std::size_t i, std::size_t& len) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  len = 0;
  if (c < 0x80) {
    len = 1;
    return c;
  }
  std::size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  std::uint32_t r = c & (0xff >> (n + 1));
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80) return 0;
    r = (r << 6) | (b(k) & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid, as in Go.
  static constexpr std::uint32_t min_for[] = {0, 0, 0x80, 0x800, 0x10000};
  if (r < min_for[n] || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return 0;
  len = n;
  return r;
}

}  // namespace

std::string go_quote_text(std::string_view s) {
  std::string out = "\"";
  out.reserve(s.size() + 2);
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 0;
    std::uint32_t r = decode_utf8(s, i, len);
    if (len == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    switch (r) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (go_is_print(r))
          out.append(s.substr(i, len));
        else if (r < 0x20 || r == 0x7f)
          out += fmt::format("\\x{:02x}", r);
        else if (r < 0x10000)
          out += fmt::format("\\u{:04x}", r);
        else
          out += fmt::format("\\U{:08x}", r);
    }
    i += len;
  }
  return out + "\"";
}

}  // namespace godbg
