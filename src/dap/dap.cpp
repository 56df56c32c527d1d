#include "dap/dap.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "common/error.hpp"
#include "dap/server.hpp"
#include "process/inferior.hpp"

namespace godbg::dap {

namespace {

struct host_port {
  std::string host, port;
};

host_port split_address(const std::string& addr) {
  auto colon = addr.rfind(':');
  if (colon == std::string::npos || colon + 1 == addr.size())
    throw usage_error("dap: " + addr + " is not HOST:PORT");
  host_port hp{addr.substr(0, colon), addr.substr(colon + 1)};
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']')
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  if (hp.host.empty()) hp.host = "127.0.0.1";
  return hp;
}

struct addresses {
  addrinfo* list = nullptr;
  addresses(const host_port& hp, bool passive) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    int rc = ::getaddrinfo(hp.host.c_str(), hp.port.c_str(), &hints, &list);
    if (rc != 0) fail("dap: {}:{}: {}", hp.host, hp.port, ::gai_strerror(rc));
  }
  ~addresses() { ::freeaddrinfo(list); }
};

std::string address_text(const sockaddr_storage& ss) {
  char host[NI_MAXHOST], port[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&ss), sizeof ss, host, sizeof host, port,
                    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "?";
  return ss.ss_family == AF_INET6 ? fmt::format("[{}]:{}", host, port)
                                  : fmt::format("{}:{}", host, port);
}

// Each message goes out when written: without this, Nagle's algorithm holds a response back
// until the client acknowledges the event before it (40 ms of delayed ACK, each time).
void no_delay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// One client on addr: listen, say where (editors wait for this line), accept, stop listening.
int accept_one(const std::string& addr, logger& log) {
  addresses as(split_address(addr), true);
  int fd = -1;
  for (auto* a = as.list; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1) == 0) break;
    ::close(fd);
    fd = -1;
  }
  if (fd < 0) fail_errno("dap: listen on {}", addr);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  std::string where = address_text(ss);
  std::printf("DAP server listening at: %s\n", where.c_str());
  std::fflush(stdout);
  log.line("listening at " + where);
  int client = -1;
  while ((client = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC)) < 0) {
    if (errno != EINTR || inferior::termination_requested()) {
      ::close(fd);
      fail_errno("dap: accept a client on {}", where);
    }
  }
  ::close(fd);
  no_delay(client);
  return client;
}

int connect_to(const std::string& addr) {
  addresses as(split_address(addr), false);
  for (auto* a = as.list; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      no_delay(fd);
      return fd;
    }
    ::close(fd);
  }
  fail_errno("dap: connect to {}", addr);
}

void on_termination(int) {
  inferior::request_termination();
}

}  // namespace

int serve(const serve_options& o) {
  logger log;
  if (o.log) log.open(o.log_dest, o.log_output);
  // A client that goes away makes writes fail with EPIPE instead of killing godbg; blocked,
  // not ignored, so programs started from here get SIGPIPE back as usual.
  // SIGCHLD too, before any thread exists (DWARF's inflating thread inherits the mask): the
  // event loop waits for it on a signalfd, and a thread that takes it would lose the wakeup.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  sigaddset(&pipe, SIGCHLD);
  ::pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  // SIGTERM, SIGINT, SIGHUP: end the session the way a disconnect does.
  struct sigaction sa {};
  sa.sa_handler = on_termination;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(sig, &sa, nullptr);

  int in = -1, out = -1;
  if (!o.client_addr.empty()) {
    in = out = connect_to(o.client_addr);
  } else if (!o.listen.empty()) {
    in = out = accept_one(o.listen, log);
  } else {
    // stdout carries the protocol: anything else that would write there goes to stderr.
    in = STDIN_FILENO;
    out = ::dup(STDOUT_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
  }
  {
    server srv(in, out, log);
    srv.run();
  }
  if (in != STDIN_FILENO) ::close(in);
  if (out != in) ::close(out);
  log.line("session over");
  return 0;
}

}  // namespace godbg::dap
