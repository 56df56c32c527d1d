// `startup until FUNC`: from main.main to FUNC the program runs freely but for a sample of
// goroutine 1's stack every sample_us of program time (every thread stopped for it, the pause
// left out of the clock). Each sample stands for the program time since the one before; a
// function's total is the time of the samples it is on the stack of, its self time of those it
// is the innermost frame of. A profile, not a trace: calls shorter than the interval are seen
// only in proportion.
#include <poll.h>
#include <time.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/error.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "debugger/startup/startup_machine.hpp"

namespace godbg {

namespace {

// Frames every sample has, which say nothing about where the time went.
bool is_root(const std::string& f) {
  return f == "runtime.main" || f == "main.main" || f == "runtime.goexit";
}

}  // namespace

bool startup_machine::run_sampling(startup_result& res) {
  auto& proc = s_.process();
  clock_.resumed();
  s_.begin_resume();
  std::uint64_t last = clock_.instant_us();
  for (;;) {
    pollfd p{s_.wait_fd(), POLLIN, 0};
    timespec wait{0, long(std::min<std::uint64_t>(o_.sample_us, 100000) * 1000)};
    ::ppoll(&p, 1, &wait, nullptr);
    if (auto o = s_.poll_outcome(false)) {
      clock_.stopped();
      return dispatch(*o, res);
    }
    if (clock_.instant_us() < last + o_.sample_us) continue;
    clock_.stopped();
    proc.pause_running();
    bool waiting = false;
    try {
      waiting = take_sample();
    } catch (const error&) {
      // A stack that cannot be read this time: the next sample counts for both.
    }
    last = clock_.now_us();
    clock_.resumed();
    // A goroutine asleep or in the kernel was not held back by the pause: its timer ran on.
    if (waiting) clock_.count_last_pause();
    proc.continue_after_pause();
  }
}

bool startup_machine::take_sample() {
  if (!g1_) return false;
  stack_sample smp;
  smp.t_us = clock_.now_us();
  std::uint64_t prev = samples_.empty() ? main_main_us_.value_or(smp.t_us) : samples_.back().t_us;
  smp.weight_us = smp.t_us > prev ? smp.t_us - prev : 0;
  std::optional<pid_t> on;
  for (pid_t t : s_.process().thread_ids()) {
    auto tg = rt().goroutine_on_thread(t);
    if (tg.g && *tg.g == *g1_) {
      on = t;
      break;
    }
  }
  auto gi = rt().goroutine_at(*g1_, on);
  if (!gi) return false;
  bool waiting = gi->status == "waiting" || gi->status == "syscall";
  auto frames = goroutine_stack(s_, *gi, 128);
  for (auto it = frames.rbegin(); it != frames.rend(); ++it)
    smp.functions.push_back(it->where.function.value_or("?"));
  if (!smp.functions.empty()) samples_.push_back(std::move(smp));
  return waiting;
}

// The until stage's profile: the functions by total time, with their self time.
void startup_machine::profile_values(stage_rec& r) {
  struct acc {
    std::uint64_t total = 0, self = 0;
    std::size_t samples = 0;
  };
  std::map<std::string, acc> by;
  std::uint64_t span = 0;
  for (auto& smp : samples_) {
    span += smp.weight_us;
    std::set<std::string_view> seen;
    for (auto& f : smp.functions)
      if (seen.insert(f).second) {
        auto& a = by[f];
        a.total += smp.weight_us;
        ++a.samples;
      }
    by[smp.functions.back()].self += smp.weight_us;
  }
  std::vector<std::pair<std::string, acc>> order(by.begin(), by.end());
  std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) {
    return a.second.total != b.second.total ? a.second.total > b.second.total
                                            : a.second.self > b.second.self;
  });
  stage_value::list top;
  std::string text;
  int shown = 0;
  for (auto& [f, a] : order) {
    if (top.size() < 30) {
      stage_value::object e;
      e.fields = {// A pc no reader names is unknown: null, as CONTRACT.md has it, never "?".
                  {"function", f == "?" ? stage_value() : stage_value(f)},
                  {"total_us", a.total},
                  {"self_us", a.self},
                  {"samples", a.samples}};
      top.push_back(std::move(e));
    }
    if (shown < 6 && !is_root(f)) {
      text += fmt::format("{}{} {}", shown ? ", " : "", f, ms_text(a.total));
      ++shown;
    }
  }
  // The profile's resolution: a function's time is right to within its longest sample (one
  // that began before the function was entered stands wholly for it), which a busy machine
  // stretches well past interval_us.
  std::uint64_t longest = 0;
  for (const auto& smp : samples_) longest = std::max(longest, smp.weight_us);
  stage_value::object p;
  p.fields = {{"from", "main.main"},          {"span_us", span},
              {"samples", samples_.size()},   {"interval_us", o_.sample_us},
              {"longest_sample_us", longest}, {"top", std::move(top)}};
  r.put("profile", std::move(p));
  profile_summary_ = fmt::format("main.main to {}: {} in {} samples of goroutine 1{}{}", r.stage,
                                 ms_text(span), samples_.size(), text.empty() ? "" : "; ", text);
}

}  // namespace godbg
