package markdown

import (
	"bytes"
	"errors"
	"fmt"
)

// The limits every text meets before goldmark sees it. NB: goldmark's time grows faster than its
// input on some shapes (measured on the 2-core build machine, at 64 KiB: `>` repeated 6 s, `[a](`
// 2.4 s, `1. ` 1.4 s, a 200-column table of empty rows 10 s), so a text over a limit is refused,
// never rendered. Within the limits time is linear, but up to ~0.8 µs of CPU a byte (`[` runs, list
// markers, reference definitions): TestWorstInputsAtTheCapRenderFast holds the worst shapes found
// at MaxLessonBytes to 50 ms.
const (
	// MaxLessonBytes is the largest lesson (or any text) rendered; the longest shipped lesson is
	// 9.2 KB. The worst shapes found take ~26 ms of CPU here at this size. NB: time is linear, so
	// 64 KiB would break the 50 ms budget.
	MaxLessonBytes = 32 << 10
	// MaxPostBytes is the largest user post (question, answer, comment, forum post) rendered.
	MaxPostBytes = 16 << 10
	// MaxNesting is how many block quotes and list items one line may open (`> > - 1. x` opens 4).
	MaxNesting = 16
	// MaxListItems is how many list items a text may have in all: each costs ~3 µs, and
	// `- - - - x` makes four in ten bytes.
	MaxListItems = 2048
	// MaxLinksPerLine is how many `](` one line may hold: goldmark scans from each to the next space.
	MaxLinksPerLine = 32
	// MaxTableCells is how many cells (columns times rows) the tables of a text may have in all:
	// goldmark pads every row to the header's width, so two bytes (`|` and a line end) make a row.
	MaxTableCells = 4096
)

// ErrTooLarge is returned (wrapped in an *Error) for a text longer than its limit.
var ErrTooLarge = errors.New("markdown: text too long")

// ErrTooComplex is returned (wrapped in an *Error) for a text nested, linked or tabled past the
// limits above.
var ErrTooComplex = errors.New("markdown: text too complex")

// Error is a text refused before rendering: which limit (Kind, ErrTooLarge or ErrTooComplex),
// where (Line, 1-based) and why, in words a writer can act on.
type Error struct {
	Kind   error
	Line   int
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("%v: line %d: %s", e.Kind, e.Line, e.Reason) }

// Unwrap lets errors.Is find the kind.
func (e *Error) Unwrap() error { return e.Kind }

// Check tells whether src may be rendered with a limit of maxBytes (capped at MaxLessonBytes): it
// returns nil or an *Error. It reads src once, in linear time.
func Check(src []byte, maxBytes int) error {
	maxBytes = min(maxBytes, MaxLessonBytes)
	if len(src) > maxBytes {
		return &Error{Kind: ErrTooLarge, Line: 1, Reason: fmt.Sprintf("%d bytes; at most %d", len(src), maxBytes)}
	}
	lines := bytes.Split(src, []byte("\n"))
	cells, items := 0, 0
	for i, line := range lines {
		depth, listItems, rest := containerPrefix(line)
		if depth > MaxNesting {
			return &Error{Kind: ErrTooComplex, Line: i + 1, Reason: fmt.Sprintf("%d quotes and list items on one line; at most %d", depth, MaxNesting)}
		}
		if items += listItems; items > MaxListItems {
			return &Error{Kind: ErrTooComplex, Line: i + 1, Reason: fmt.Sprintf("more than %d list items", MaxListItems)}
		}
		if n := bytes.Count(line, []byte("](")); n > MaxLinksPerLine {
			return &Error{Kind: ErrTooComplex, Line: i + 1, Reason: fmt.Sprintf("%d links on one line; at most %d", n, MaxLinksPerLine)}
		}
		cols := delimiterColumns(rest)
		if cols == 0 || i == 0 || len(bytes.TrimSpace(lines[i-1])) == 0 {
			continue
		}
		rows := 1 // the header
		for j := i + 1; j < len(lines) && len(bytes.TrimSpace(lines[j])) > 0; j++ {
			rows++
		}
		if cells += cols * rows; cells > MaxTableCells {
			return &Error{Kind: ErrTooComplex, Line: i, Reason: fmt.Sprintf("tables of more than %d cells in all", MaxTableCells)}
		}
	}
	return nil
}

// containerPrefix counts the block quote and list markers (depth), and the list markers alone
// (items), that start line, and returns the rest.
func containerPrefix(line []byte) (depth, items int, rest []byte) {
	for {
		line = bytes.TrimLeft(line, " \t")
		switch {
		case len(line) > 0 && line[0] == '>':
			line = line[1:]
		case len(line) > 0 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && spaceOrEnd(line, 1):
			line = line[1:]
			items++
		default:
			n := 0
			for n < len(line) && n < 10 && line[n] >= '0' && line[n] <= '9' {
				n++
			}
			if n == 0 || n >= len(line) || (line[n] != '.' && line[n] != ')') || !spaceOrEnd(line, n+1) {
				return depth, items, line
			}
			line = line[n+1:]
			items++
		}
		depth++
	}
}

func spaceOrEnd(b []byte, i int) bool { return i >= len(b) || b[i] == ' ' || b[i] == '\t' }

// delimiterColumns is the number of columns of rest when it is a table's delimiter row
// (`|---|:-:|`), else 0.
func delimiterColumns(rest []byte) int {
	rest = bytes.TrimSpace(rest)
	if !bytes.Contains(rest, []byte("|")) || !bytes.Contains(rest, []byte("-")) {
		return 0
	}
	cols := 0
	for _, cell := range bytes.Split(rest, []byte("|")) {
		cell = bytes.TrimSpace(cell)
		if len(cell) == 0 {
			continue
		}
		if len(bytes.Trim(cell, ":-")) > 0 {
			return 0
		}
		cols++
	}
	return cols
}
