#include "debugger/startup/init_trace.hpp"

#include <charconv>
#include <cstring>

#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/startup/remote_syscall.hpp"

namespace godbg {

namespace {

// Room for ~8000 lines; only the pages written to cost the program memory.
constexpr std::uint64_t buffer_size = 1 << 20;

// "0.026" or "20" (ms, as runtime.fmtNSAsMS prints) in ns.
std::optional<std::uint64_t> ms_to_ns(std::string_view s) {
  std::uint64_t whole = 0, frac = 0, scale = 1;
  auto dot = s.find('.');
  auto w = s.substr(0, dot);
  if (w.empty() || std::from_chars(w.data(), w.data() + w.size(), whole).ptr != w.data() + w.size())
    return std::nullopt;
  if (dot != std::string_view::npos) {
    auto f = s.substr(dot + 1);
    if (f.empty() || f.size() > 6) return std::nullopt;
    for (char c : f) {
      if (c < '0' || c > '9') return std::nullopt;
      frac = frac * 10 + std::uint64_t(c - '0');
      scale *= 10;
    }
  }
  return whole * 1000000 + frac * 1000000 / scale;
}

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty() || std::from_chars(s.data(), s.data() + s.size(), v).ptr != s.data() + s.size())
    return std::nullopt;
  return v;
}

// Cuts `s` at `sep`: the part before, and s keeps the rest.
std::optional<std::string_view> take(std::string_view& s, std::string_view sep) {
  auto i = s.find(sep);
  if (i == std::string_view::npos) return std::nullopt;
  auto head = s.substr(0, i);
  s.remove_prefix(i + sep.size());
  return head;
}

std::optional<traced_init> parse_line(std::string_view l) {
  if (!l.starts_with("init ")) return std::nullopt;
  l.remove_prefix(5);
  traced_init t;
  auto pkg = take(l, " @");
  auto start = take(l, " ms, ");
  auto dur = take(l, " ms clock, ");
  auto bytes = take(l, " bytes, ");
  auto allocs = take(l, " allocs");
  if (!pkg || !start || !dur || !bytes || !allocs || !l.empty() || pkg->empty())
    return std::nullopt;
  auto s = ms_to_ns(*start), d = ms_to_ns(*dur);
  auto b = number(*bytes), a = number(*allocs);
  if (!s || !d || !b || !a) return std::nullopt;
  t.package = std::string(*pkg);
  t.start_ns = *s;
  t.dur_ns = *d;
  t.bytes = *b;
  t.allocs = *a;
  return t;
}

}  // namespace

std::vector<traced_init> parse_inittrace(std::string_view text, std::string& other) {
  std::vector<traced_init> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    bool complete = nl != std::string_view::npos;
    text.remove_prefix(complete ? nl + 1 : text.size());
    if (auto t = complete ? parse_line(line) : std::nullopt)
      out.push_back(std::move(*t));
    else
      other.append(line).append(complete ? "\n" : "");
  }
  return out;
}

bool init_tracer::arm(pid_t tid, std::uint64_t g) {
  auto& rt = s_.runtime();
  auto v = rt.find_inittrace();
  if (!v || !g || !sys_.available()) return false;
  auto& proc = s_.process();
  auto setting = proc.read_value<std::int32_t>(virt_addr(v->debug_inittrace));
  auto malloc = proc.read_value<std::uint8_t>(virt_addr(v->debug_malloc));
  std::uint64_t wb[3];
  if (!setting || !malloc ||
      !proc.read(virt_addr(g + v->g_writebuf), {reinterpret_cast<std::uint8_t*>(wb), sizeof wb}))
    return false;
  if (wb[0] != 0) return false;  // goroutine 1's output already goes somewhere
  auto buf = sys_.map_anonymous(tid, buffer_size);
  if (!buf) return false;
  v_ = *v;
  g_ = g;
  buf_ = *buf;
  cap_ = buffer_size;
  saved_setting_ = *setting;
  saved_malloc_ = *malloc;
  try {
    std::int32_t on = 1;
    std::uint8_t yes = 1;
    std::uint64_t slice[3] = {buf_, 0, cap_};
    proc.write(virt_addr(g_ + v_.g_writebuf),
               {reinterpret_cast<const std::uint8_t*>(slice), sizeof slice});
    proc.write(virt_addr(v_.debug_malloc), {&yes, 1});
    proc.write(virt_addr(v_.debug_inittrace),
               {reinterpret_cast<const std::uint8_t*>(&on), sizeof on});
  } catch (const error&) {
    result ignored;
    armed_ = true;
    restore(tid, ignored);
    return false;
  }
  armed_ = true;
  return true;
}

void init_tracer::restore(pid_t tid, result& r) {
  auto& proc = s_.process();
  auto put = [&](std::uint64_t a, const void* p, std::size_t n) {
    try {
      proc.write(virt_addr(a), {static_cast<const std::uint8_t*>(p), n});
    } catch (const error& e) {
      r.warnings.push_back(
          fmt::format("startup: could not restore the program's memory: {}", e.what()));
    }
  };
  std::uint64_t none[3] = {0, 0, 0};
  put(g_ + v_.g_writebuf, none, sizeof none);
  put(v_.debug_malloc, &saved_malloc_, 1);
  put(v_.debug_inittrace, &saved_setting_, sizeof saved_setting_);
  if (saved_setting_ == 0) {
    // Ended inside init (a breakpoint, a signal): the rest of it is not traced.
    std::uint8_t off = 0;
    put(v_.inittrace + v_.active, &off, 1);
  }
  if (!sys_.unmap(tid, buf_, cap_))
    r.warnings.push_back("startup: could not unmap the report's buffer in the program");
  armed_ = false;
}

init_tracer::result init_tracer::collect(pid_t tid) {
  result r;
  if (!armed_) return r;
  auto& proc = s_.process();
  r.init_time = proc.read_value<std::int64_t>(virt_addr(v_.runtime_init_time));
  auto len = proc.read_value<std::uint64_t>(virt_addr(g_ + v_.g_writebuf + 8));
  std::string text;
  if (len && *len <= cap_) {
    text.resize(*len);
    if (!proc.read(virt_addr(buf_), {reinterpret_cast<std::uint8_t*>(text.data()), text.size()}))
      text.clear();
    r.truncated = *len == cap_;
  }
  std::string other;
  r.inits = parse_inittrace(text, other);
  // What the program asked for goes where it would have gone: all of it when its own GODEBUG
  // has inittrace on, else whatever goroutine 1 printed that is not ours.
  const std::string& forward = saved_setting_ != 0 ? text : other;
  if (!forward.empty()) {
    try {
      proc.write(virt_addr(buf_),
                 {reinterpret_cast<const std::uint8_t*>(forward.data()), forward.size()});
      if (!sys_.write(tid, 2, buf_, forward.size()))
        r.warnings.push_back("startup: could not hand the program's init output to its stderr");
    } catch (const error& e) {
      r.warnings.push_back(fmt::format("startup: the program's init output is lost: {}", e.what()));
    }
  }
  restore(tid, r);
  if (r.truncated)
    r.warnings.push_back("startup: the init trace filled its buffer; later packages are missing");
  return r;
}

}  // namespace godbg
