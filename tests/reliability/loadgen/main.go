// A bounded HTTP load generator on loopback for the reliability suite: C workers, each on its
// own keep-alive connection, send GET requests one after another to one address until told to
// stop. Commands on stdin, one a line:
//
//	report   print the counts since the last report as one JSON line
//	quit     print the last report and end (so does the end of stdin)
//
// A report: {"ok":N,"failed":N,"timeouts":N,"status":N,"max_ms":F,"seconds":F,"rps":F,
// "first_error":"..."}. A request fails when it gets no answer within -timeout, its connection
// breaks, or the answer is not 200 with the expected body length.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

type counts struct {
	ok, failed, timeouts, status atomic.Int64
	maxNanos                     atomic.Int64
	mu                           sync.Mutex
	firstError                   string
}

func (c *counts) fail(err error) {
	c.failed.Add(1)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.timeouts.Add(1)
	}
	c.mu.Lock()
	if c.firstError == "" {
		c.firstError = err.Error()
	}
	c.mu.Unlock()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "host:port of the server (loopback)")
	workers := flag.Int("c", 8, "concurrent connections")
	timeout := flag.Duration("timeout", 10*time.Second, "a request that takes longer fails")
	size := flag.Int("size", 1024, "the body length every answer must have")
	flag.Parse()

	tr := &http.Transport{MaxIdleConnsPerHost: *workers, MaxConnsPerHost: *workers,
		DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: *timeout}
	url := "http://" + *addr + "/"

	var cur atomic.Pointer[counts]
	cur.Store(&counts{})
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 4096)
			for !stop.Load() {
				t0 := time.Now()
				resp, err := client.Get(url)
				c := cur.Load()
				if err != nil {
					c.fail(err)
					time.Sleep(time.Millisecond) // a dead server: do not spin
					continue
				}
				n, err := io.ReadFull(resp.Body, buf[:*size])
				extra, _ := resp.Body.Read(buf[:1])
				resp.Body.Close()
				switch {
				case err != nil:
					c.fail(err)
				case resp.StatusCode != 200 || n != *size || extra != 0:
					c.status.Add(1)
					c.fail(fmt.Errorf("status %d, %d bytes", resp.StatusCode, n+extra))
				default:
					c.ok.Add(1)
				}
				d := time.Since(t0).Nanoseconds()
				for m := c.maxNanos.Load(); d > m && !c.maxNanos.CompareAndSwap(m, d); m = c.maxNanos.Load() {
				}
			}
		}()
	}

	since := time.Now()
	out := json.NewEncoder(os.Stdout)
	report := func() {
		c := cur.Swap(&counts{})
		now := time.Now()
		secs := now.Sub(since).Seconds()
		since = now
		c.mu.Lock()
		defer c.mu.Unlock()
		out.Encode(map[string]any{
			"ok": c.ok.Load(), "failed": c.failed.Load(), "timeouts": c.timeouts.Load(),
			"status": c.status.Load(), "max_ms": float64(c.maxNanos.Load()) / 1e6,
			"seconds": secs, "rps": float64(c.ok.Load()) / secs, "first_error": c.firstError,
		})
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "quit" {
			break
		}
		if in.Text() == "report" {
			report()
		}
	}
	stop.Store(true)
	wg.Wait()
	report()
}
