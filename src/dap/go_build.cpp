#include "dap/go_build.hpp"

#include <stdlib.h>

#include <filesystem>

#include "common/error.hpp"
#include "process/run_tool.hpp"

namespace godbg::dap {

std::vector<std::string> split_flags(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool any = false;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      any = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (any || !cur.empty()) out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
    }
  }
  if (quote) fail("buildFlags: an unclosed {} quote", quote);
  if (any || !cur.empty()) out.push_back(cur);
  return out;
}

built_program build_for_debugging(const build_request& r) {
  namespace fs = std::filesystem;
  built_program b;
  if (r.output) {
    b.path = fs::absolute(*r.output).string();
  } else {
    std::string tmpl = (fs::temp_directory_path() / "godbg-dap-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) fail_errno("create a temporary directory for the build");
    b.temp_dir = tmpl;
    b.path = (fs::path(tmpl) / (r.test ? "__debug_bin.test" : "__debug_bin")).string();
  }
  std::vector<std::string> argv = {"go"};
  if (r.test) {
    argv.insert(argv.end(), {"test", "-c"});
  } else {
    argv.push_back("build");
  }
  argv.insert(argv.end(), {"-o", b.path, "-gcflags=all=-N -l"});
  argv.insert(argv.end(), r.flags.begin(), r.flags.end());
  // A package directory or file is built from where it is, so its own go.mod counts wherever
  // godbg was started; an import path is built from godbg's directory, as the go command would.
  std::optional<std::string> dir;
  std::error_code ec;
  if (fs::is_directory(r.program, ec)) {
    dir = fs::absolute(r.program).string();
    argv.push_back(".");
  } else if (fs::is_regular_file(r.program, ec)) {
    auto file = fs::absolute(r.program);
    dir = file.parent_path().string();
    argv.push_back(file.filename().string());
  } else {
    argv.push_back(r.program);
  }
  tool_result res;
  try {
    res = run_tool(argv, dir, r.env);
  } catch (...) {
    if (!b.temp_dir.empty()) fs::remove_all(b.temp_dir);
    throw;
  }
  b.log = res.output;
  if (res.status != 0 || !fs::exists(b.path)) {
    if (!b.temp_dir.empty()) fs::remove_all(b.temp_dir);
    std::string out = res.output;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    fail("{} failed (exit status {}): {}", r.test ? "go test -c" : "go build", res.status,
         out.empty() ? "no output" : out);
  }
  return b;
}

}  // namespace godbg::dap
