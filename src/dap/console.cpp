#include "dap/console.hpp"

#include <cstdlib>

#include "commands/text_printer.hpp"
#include "common/error.hpp"

namespace godbg::dap {

console_reporter::console_reporter(std::FILE* f) : text_(make_text_printer(f, f, false)) {}

void console_reporter::start(const start_record& r) {
  started = true;
  text_->start(r);
}
void console_reporter::stop(const stop_record& r, const std::vector<source_line_record>& c) {
  moved = r;
  text_->stop(r, c);
}
void console_reporter::exited(const exit_record& r) {
  moved = r;
  text_->exited(r);
}
void console_reporter::startup(const startup_record& r) {
  report = r;
  text_->startup(r);
}
void console_reporter::disassembly(const std::vector<instruction_record>& i) {
  instructions.insert(instructions.end(), i.begin(), i.end());
  text_->disassembly(i);
}

memory_text::memory_text() : f_(::open_memstream(&buf_, &len_)) {
  if (!f_) fail_errno("open a memory stream");
}

memory_text::~memory_text() {
  if (f_) std::fclose(f_);
  std::free(buf_);
}

std::string memory_text::take() {
  if (f_) std::fclose(f_);
  f_ = nullptr;
  std::string s(buf_ ? buf_ : "", len_);
  return s;
}

}  // namespace godbg::dap
