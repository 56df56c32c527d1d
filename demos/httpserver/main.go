// An HTTP server on loopback, the target of the reliability suite (tests/reliability): every
// request goes through main.serve(n, path), the place for breakpoints, where n counts the
// requests (1, 2, ...), so `break main.serve if n < 0` is never true and `if n > 0` always is.
// Usage: httpserver [PORT] (0, the default, picks a free port). Prints "listening PORT PID" once
// it accepts connections. GET /stop ends it with status 0.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
)

var (
	Requests int64
	body     = make([]byte, 1024)
)

//go:noinline
func serve(n int64, path string) []byte {
	if len(path) > 64 {
		return body[:1]
	}
	return body
}

func handle(w http.ResponseWriter, r *http.Request) {
	n := atomic.AddInt64(&Requests, 1)
	if r.URL.Path == "/stop" {
		fmt.Fprintln(w, "stopping")
		go os.Exit(0)
		return
	}
	b := serve(n, r.URL.Path)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

func main() {
	port := "0"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	for i := range body {
		body[i] = byte('a' + i%26)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpserver:", err)
		os.Exit(1)
	}
	fmt.Println("listening", ln.Addr().(*net.TCPAddr).Port, os.Getpid())
	if err := http.Serve(ln, http.HandlerFunc(handle)); err != nil {
		fmt.Fprintln(os.Stderr, "httpserver:", err)
		os.Exit(1)
	}
}
