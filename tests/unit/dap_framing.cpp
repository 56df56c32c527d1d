// The DAP server's message framing, byte by byte: headers split anywhere, several messages in
// one read, and the headers that cannot be read as a message (which end the session).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dap/framing.hpp"

using godbg::dap::frame;
using godbg::dap::frame_reader;
using godbg::dap::framing_error;

TEST_CASE("dap framing: whole, split at every byte, and several at once") {
  std::string a = R"({"seq":1,"type":"request","command":"initialize"})";
  std::string b = R"({"seq":2})";
  std::string stream = frame(a) + frame(b);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    frame_reader r;
    r.feed(std::string_view(stream).substr(0, cut));
    std::vector<std::string> got;
    while (auto m = r.next()) got.push_back(*m);
    r.feed(std::string_view(stream).substr(cut));
    while (auto m = r.next()) got.push_back(*m);
    REQUIRE(got.size() == 2);
    CHECK(got[0] == a);
    CHECK(got[1] == b);
    CHECK(r.pending() == 0);
  }
}

TEST_CASE("dap framing: other headers, case and a bare LF are accepted") {
  frame_reader r;
  r.feed("content-length: 2\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{}");
  CHECK(r.next() == std::optional<std::string>("{}"));
  r.feed("Content-Length:3\n\n[1]");
  CHECK(r.next() == std::optional<std::string>("[1]"));
  r.feed("Content-Length: 0\r\n\r\n");
  CHECK(r.next() == std::optional<std::string>(""));
}

TEST_CASE("dap framing: headers that cannot be read end the stream") {
  for (const char* bad :
       {"Content-Length: ten\r\n\r\n", "Content-Type: x\r\n\r\n{}",
        "Content-Length: 99999999999999999999\r\n\r\n", "Content-Length: 1000000000\r\n\r\n",
        "no colon here\r\n\r\n", "Content-Length: 2 2\r\n\r\n", "Content-Length: -1\r\n\r\n"}) {
    frame_reader r;
    r.feed(bad);
    CHECK_THROWS_AS(r.next(), framing_error);
  }
  frame_reader r;
  r.feed(std::string(frame_reader::max_header + 10, 'x'));
  CHECK_THROWS_AS(r.next(), framing_error);
}

TEST_CASE("dap framing: a body still coming is not a message yet") {
  frame_reader r;
  r.feed("Content-Length: 9\r\n\r\n{\"a\":");
  CHECK_FALSE(r.next().has_value());
  r.feed("123}");
  CHECK(r.next() == std::optional<std::string>("{\"a\":123}"));
}
