// Command vulncheck judges what govulncheck found: it reads govulncheck's JSON (-format json) on
// standard input and exits 1 when the code calls a vulnerable function that the accept file does
// not list with a reason. `make lint` runs it (see the Makefile and the README).
//
// It exists because govulncheck has no way to let a known finding through: its text mode fails on
// every called vulnerability, so one that cannot be fixed here (the standard library of a Go
// release the machines do not have yet) would hide every new one behind a red lint. Findings in
// imported packages or required modules whose vulnerable functions the code does not call are
// counted, not failed, as govulncheck itself does.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"unicode"
)

func main() {
	acceptPath := flag.String("accept", "", "file of accepted vulnerability IDs, one a line with the reason")
	flag.Parse()
	accepted := map[string]string{}
	if *acceptPath != "" {
		f, err := os.Open(*acceptPath)
		if err != nil {
			fail(err)
		}
		accepted, err = readAccepted(f)
		f.Close()
		if err != nil {
			fail(fmt.Errorf("%s: %w", *acceptPath, err))
		}
	}
	r, err := read(bufio.NewReader(os.Stdin))
	if err != nil {
		fail(fmt.Errorf("reading govulncheck's JSON: %w", err))
	}
	if !r.judge(accepted, os.Stdout) {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "vulncheck:", err)
	os.Exit(2)
}

// readAccepted reads lines of the form `GO-2026-6617 reason`; # starts a comment line. A line
// without a reason is an error: an exception nobody can explain is not one.
func readAccepted(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	s := bufio.NewScanner(r)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason := line, ""
		if i := strings.IndexFunc(line, unicode.IsSpace); i > 0 {
			id, reason = line[:i], strings.TrimSpace(line[i:])
		}
		if reason == "" {
			return nil, fmt.Errorf("line %d: %s has no reason", n, id)
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("line %d: %s listed twice", n, id)
		}
		out[id] = reason
	}
	return out, s.Err()
}

// The part of govulncheck's JSON protocol (v1.0.0) that is read here: a stream of messages, each
// one object with one of these members.
type message struct {
	Config *struct {
		ScannerVersion string `json:"scanner_version"`
		DB             string `json:"db"`
		GoVersion      string `json:"go_version"`
		ScanLevel      string `json:"scan_level"`
	} `json:"config"`
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string   `json:"osv"`
		FixedVersion string   `json:"fixed_version"`
		Trace        []*frame `json:"trace"`
	} `json:"finding"`
}

// frame is one step of a finding's trace; the first is the vulnerable function (or, for a
// finding at package or module level, only the package or module), the last the caller in our code.
type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
	Position *struct {
		Filename string `json:"filename"`
		Line     int    `json:"line"`
		Column   int    `json:"column"`
	} `json:"position"`
}

// vuln is one vulnerability found, with the shortest trace govulncheck gave for a call of it.
type vuln struct {
	id, summary, module, version, fixed string
	trace                               []*frame
}

type report struct {
	header   string
	summary  map[string]string
	called   map[string]*vuln
	imported map[string]bool // found at package or module level only, so far
}

func read(r io.Reader) (*report, error) {
	rep := &report{summary: map[string]string{}, called: map[string]*vuln{}, imported: map[string]bool{}}
	dec := json.NewDecoder(r)
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		switch {
		case m.Config != nil:
			c := m.Config
			if c.ScanLevel != "symbol" {
				return nil, fmt.Errorf("scan level %q: only a symbol scan tells which vulnerabilities are called", c.ScanLevel)
			}
			rep.header = fmt.Sprintf("govulncheck %s, %s, database %s", c.ScannerVersion, c.GoVersion, c.DB)
		case m.OSV != nil:
			rep.summary[m.OSV.ID] = m.OSV.Summary
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			f := m.Finding
			top := f.Trace[0]
			if top.Function == "" {
				rep.imported[f.OSV] = true
				continue
			}
			v := rep.called[f.OSV]
			if v == nil {
				v = &vuln{id: f.OSV, module: top.Module, version: top.Version, fixed: f.FixedVersion}
				if v.module == "stdlib" { // as Go names its releases: go1.26.8, not v1.26.8
					v.version, v.fixed = goRelease(v.version), goRelease(v.fixed)
				}
				rep.called[f.OSV] = v
			}
			if v.trace == nil || len(f.Trace) < len(v.trace) {
				v.trace = f.Trace
			}
		}
	}
	// NB: govulncheck that stops half-way (a package that does not build, a database it cannot
	// read) may have written nothing; no config message is no scan, not a clean one.
	if rep.header == "" {
		return nil, errors.New("no config message: govulncheck did not run to the end")
	}
	for id := range rep.called {
		delete(rep.imported, id)
	}
	for id, v := range rep.called {
		v.summary = rep.summary[id]
	}
	return rep, nil
}

// judge writes what was found and reports whether every called vulnerability is accepted.
func (r *report) judge(accepted map[string]string, w io.Writer) bool {
	ids := slices.Sorted(maps.Keys(r.called))
	fmt.Fprintln(w, r.header)
	failed := 0
	for _, id := range ids {
		v := r.called[id]
		at := fmt.Sprintf("%s@%s, fixed in %s", v.module, v.version, or(v.fixed, "no version yet"))
		if reason, yes := accepted[id]; yes {
			fmt.Fprintf(w, "accepted   %s (%s): %s\n", id, at, reason)
			continue
		}
		failed++
		fmt.Fprintf(w, "VULNERABLE %s (%s): %s\n           %s\n", id, at, v.summary, v.path())
	}
	var stale []string
	for id := range accepted {
		if r.called[id] == nil {
			stale = append(stale, id)
		}
	}
	slices.Sort(stale)
	for _, id := range stale {
		fmt.Fprintf(w, "no longer called, can leave the accept list: %s\n", id)
	}
	fmt.Fprintf(w, "%d vulnerabilities called (%d accepted), %d more in packages or modules whose vulnerable code is not called\n",
		len(r.called), len(r.called)-failed, len(r.imported))
	return failed == 0
}

// path is the trace from our code to the vulnerable function, as govulncheck's text output shows
// it: the position of the call in our code, then the functions called.
func (v *vuln) path() string {
	var names []string
	for i := len(v.trace) - 1; i >= 0; i-- {
		names = append(names, v.trace[i].name())
	}
	out := strings.Join(names, " -> ")
	if p := v.trace[len(v.trace)-1].Position; p != nil {
		out = fmt.Sprintf("%s:%d:%d: %s", p.Filename, p.Line, p.Column, out)
	}
	return out
}

// name is the function as Go code calls it: fiber.App.Test, not v2.App.Test.
func (f *frame) name() string {
	pkg := path.Base(f.Package)
	if major := strings.TrimPrefix(pkg, "v"); major != pkg && major != "" && strings.Trim(major, "0123456789") == "" {
		pkg = path.Base(path.Dir(f.Package))
	}
	name := pkg + "."
	if f.Receiver != "" {
		name += strings.TrimPrefix(f.Receiver, "*") + "."
	}
	return name + f.Function
}

func goRelease(v string) string {
	if v == "" {
		return ""
	}
	return "go" + strings.TrimPrefix(v, "v")
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
