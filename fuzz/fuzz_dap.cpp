// The DAP server's framing and request handling: bytes from a client, fed in chunks of a size
// the first byte picks (so headers and bodies split anywhere), to a server with no program.
// Every message it sends must be a JSON object framed by the server itself; a crash, a hang,
// an exception escaping or a sanitizer report is a bug.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "dap/log.hpp"
#include "dap/server.hpp"

using namespace godbg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t chunk = data[0] % 64 + 1;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  dap::logger log;
  auto srv = dap::server::for_fuzzing(log, [](const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("seq") || !j.contains("type"))
      std::abort();
  });
  while (!rest.empty() && !srv->done()) {
    auto n = std::min(chunk, rest.size());
    srv->feed(rest.substr(0, n));
    rest.remove_prefix(n);
  }
  return 0;
}
