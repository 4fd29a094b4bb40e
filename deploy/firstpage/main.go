// Command firstpage starts a server and tells how soon it served its first page: it polls the
// page every 2 ms from this one process (a shell loop that starts curl and sleep again and again
// takes a core from the server it is timing, on a small machine), then prints the server's process
// id and the milliseconds from its start to the first 200, and leaves it running.
//
//	firstpage -log serve.log http://127.0.0.1:8080/en/ capacityhub serve
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"
)

func main() {
	logFile := flag.String("log", os.DevNull, "where the server's output goes")
	timeout := flag.Duration("timeout", 30*time.Second, "how long to wait for the first page")
	flag.Parse()
	if flag.NArg() < 2 {
		fmt.Fprintln(os.Stderr, "usage: firstpage [-log FILE] [-timeout D] URL COMMAND [ARG…]")
		os.Exit(2)
	}
	out, err := os.Create(*logFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "firstpage:", err)
		os.Exit(1)
	}
	page, err := url.Parse(flag.Arg(0))
	if err != nil || page.Scheme != "http" || page.Host == "" {
		fmt.Fprintln(os.Stderr, "firstpage: not an http:// URL:", flag.Arg(0))
		os.Exit(2)
	}
	cmd := exec.Command(flag.Arg(1), flag.Args()[2:]...)
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "firstpage:", err)
		os.Exit(1)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for time.Since(start) < *timeout {
		select {
		case err := <-exited:
			fmt.Fprintln(os.Stderr, "firstpage: the server stopped:", err)
			os.Exit(1)
		default:
		}
		if served(page) {
			fmt.Println(cmd.Process.Pid, time.Since(start).Milliseconds())
			return // NB: the server goes on running; the caller stops it
		}
		time.Sleep(2 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "firstpage: no page within", *timeout)
	_ = cmd.Process.Kill()
	os.Exit(1)
}

// served tells whether a GET of page is answered 200. NB: one request on a plain connection: all
// a poll needs, without an HTTP client's machinery.
func served(page *url.URL) bool {
	conn, err := net.DialTimeout("tcp", page.Host, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", page.RequestURI(), page.Host)
	status, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && strings.HasPrefix(status, "HTTP/1.1 200 ")
}
