#pragma once
// `godbg dap`: the Debug Adapter Protocol on stdin/stdout, on one TCP connection accepted on
// --listen, or on one made to --client-addr (vscode-go's way for a program in a terminal).
#include <string>

namespace godbg::dap {

struct serve_options {
  std::string listen;       // HOST:PORT to accept one client on; "" for stdin/stdout
  std::string client_addr;  // HOST:PORT to connect to instead
  bool log = false;
  std::string log_output;  // Delve's --log-output list ("dap", "debugger", ...)
  std::string log_dest;    // a descriptor number or a file; "" for stderr
};

// Serves one client to the end of its session. Returns godbg's exit status. Throws
// godbg::error when the address cannot be listened on or connected to.
int serve(const serve_options& o);

}  // namespace godbg::dap
