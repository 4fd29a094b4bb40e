package markdown

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

// wallTime is how long f takes by the clock.
func wallTime(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// fill repeats unit up to exactly n bytes.
func fill(unit string, n int) string { return strings.Repeat(unit, n/len(unit)+1)[:n] }

// lines repeats line (a line end added) up to exactly n bytes.
func lines(line string, n int) string { return fill(line+"\n", n) }

// table is a table of cols columns whose rows are empty (`|`), up to n bytes.
func table(cols, n int) string {
	return fill(strings.Repeat("|a", cols)+"\n"+strings.Repeat("|-", cols)+"\n"+strings.Repeat("|\n", n), n)
}

// The shapes on which goldmark's time grows faster than the text, each as long as a lesson may
// be: whether refused or rendered, none may keep a server busy for more than 50 ms (of CPU, so that
// a machine shared with other work does not fail the test; on an idle machine that is the wall time). Refused
// shapes come with their largest accepted variant ("at the limit"), the real worst cases.
func TestWorstInputsAtTheCapRenderFast(t *testing.T) {
	const n = MaxLessonBytes
	budget := 50 * time.Millisecond * slowdown
	for _, tc := range []struct {
		name string
		src  string
	}{
		{"[a]( repeated", fill("[a](", n)},
		{"[a]( at the limit, then a long word", strings.Repeat("[a](", MaxLinksPerLine) + fill("x", n-4*MaxLinksPerLine)},
		{"[a]( at the limit on every line", lines(strings.Repeat("[a](", MaxLinksPerLine), n)},
		{"[a]( at the limit in one paragraph", lines(strings.Repeat("[a](", MaxLinksPerLine)+strings.Repeat("x", 1000), n)},
		{"[a](( repeated", fill("[a]((", n)},
		{"![a]( repeated", fill("![a](", n)},
		{"*[a](* repeated", fill("*[a](*", n)},
		{"> repeated", fill(">", n)},
		{"> > repeated", fill("> ", n)},
		{"> at the limit on every line", lines(strings.Repeat(">", MaxNesting)+" a", n)},
		{"> > - repeated", fill("> - ", n)},
		{"1. repeated", fill("1. ", n)},
		{"1. at the limit on every line", lines(strings.Repeat("1. ", MaxNesting)+"a", n)},
		{"- at the limit on every line", lines(strings.Repeat("- ", MaxNesting)+"a", n)},
		{"- at the item limit, then [ runs", strings.Repeat("- - - - - - - -\n", MaxListItems/8) + lines(strings.Repeat("[", 200), n-16*MaxListItems/8)},
		{"- a on every line", lines("- a", n)},
		{"blockquotes deepening line by line", func() string {
			var b strings.Builder
			for i := 0; b.Len() < n; i++ {
				b.WriteString(strings.Repeat(">", i%MaxNesting+1) + "a\n")
			}
			return b.String()[:n]
		}()},
		{"lists indented deeper on every line", func() string {
			var b strings.Builder
			for i := 0; b.Len() < n; i++ {
				b.WriteString(strings.Repeat("  ", i) + "- a\n")
			}
			return b.String()[:n]
		}()},
		{"- repeated", fill("- ", n)},
		{"* repeated", fill("*", n)},
		{"_ repeated", fill("_", n)},
		{"*a repeated", fill("*a", n)},
		{"_a  repeated", fill("_a ", n)},
		{"*a**b repeated", fill("*a**b", n)},
		{"~~a repeated", fill("~~a", n)},
		{"` repeated", fill("`", n)},
		{"`a`` repeated", fill("`a``", n)},
		{"[ repeated", fill("[", n)},
		{"[a repeated", fill("[a", n)},
		{"[[ on lines", lines(strings.Repeat("[", 200), n)},
		{"< repeated", fill("<", n)},
		{"<a repeated", fill("<a", n)},
		{"<http://a repeated", fill("<http://a", n)},
		{"<!-- repeated", fill("<!--", n)},
		{"![ repeated", fill("![", n)},
		{"&# repeated", fill("&#", n)},
		{"www.a repeated", fill("www.a", n)},
		{"link reference definitions", fill("[a]: b\n", n)},
		{"link reference definitions with open titles", fill("[a]: <b> '", n)},
		{"| repeated after a header", "|a|\n|-|\n" + fill("|", n-8)},
		{"table of 200 columns, empty rows", table(200, n)},
		{"table of 8 columns, empty rows", table(8, n)},
		{"tables at the cell limit", func() string {
			one := table(64, 64*2+2+64*2+2+2*(MaxTableCells/64/8-1)) + "\n"
			return fill(one, n)
		}()},
		{"table of 2048 columns", table(2048, 2*2048+1+2*2048+1+2)},
		{"words", fill("word ", n)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := New()
			var worst, worstWall time.Duration
			var err error
			for range 3 {
				runtime.GC() // NB: a collection left over from the previous case is not this one's
				worst = max(worst, cpuTime(func() { _, err = r.Render(tc.src) }))
				worstWall = max(worstWall, wallTime(func() { _, err = r.Render(tc.src) }))
			}
			if err != nil && !errors.Is(err, ErrTooComplex) {
				t.Fatalf("refused with %v; want rendered or ErrTooComplex", err)
			}
			t.Logf("CPU %v, wall %v, refused: %v", worst, worstWall, err != nil)
			if worst > budget {
				t.Errorf("%d bytes took %v of CPU (worst of 3); budget %v", len(tc.src), worst, budget)
			}
		})
	}
}

// A text over its limit is refused before goldmark reads it, whatever it holds.
func TestRenderRefusesTextOverTheLimit(t *testing.T) {
	r := New()
	for _, tc := range []struct {
		name  string
		src   string
		limit int
		want  error
	}{
		{"lesson over MaxLessonBytes", fill("word ", MaxLessonBytes+1), MaxLessonBytes, ErrTooLarge},
		{"post over MaxPostBytes", fill("word ", MaxPostBytes+1), MaxPostBytes, ErrTooLarge},
		{"no limit above MaxLessonBytes", fill("word ", MaxLessonBytes+1), 1 << 30, ErrTooLarge},
		{"quotes nested too deep", strings.Repeat(">", MaxNesting+1) + " a", MaxPostBytes, ErrTooComplex},
		{"lists nested too deep", strings.Repeat("1. ", MaxNesting+1) + "a", MaxPostBytes, ErrTooComplex},
		{"too many list items", lines("- a", 4*(MaxListItems+1)), MaxPostBytes, ErrTooComplex},
		{"too many links on a line", strings.Repeat("[a](b) ", MaxLinksPerLine+1), MaxPostBytes, ErrTooComplex},
		{"table too large", table(MaxTableCells/100+1, 2*(MaxTableCells/100+1)*2+2+200), MaxPostBytes, ErrTooComplex},
	} {
		t.Run(tc.name, func(t *testing.T) {
			html, err := r.RenderLimited(tc.src, tc.limit)
			if !errors.Is(err, tc.want) || html != "" {
				t.Errorf("got %.40q, %v; want nothing and %v", html, err, tc.want)
			}
		})
	}
	// What writers do write passes: at the limit, nested a little, linked, tabled.
	ok := []string{
		fill("word ", MaxPostBytes),
		"> - 1. quoted list\n>   - deeper\n\n- - -\n",
		strings.Repeat("[a](https://example.org/a) ", MaxLinksPerLine),
		table(10, 2*10*2+2+2*100),
	}
	for _, src := range ok {
		if _, err := r.RenderLimited(src, MaxPostBytes); err != nil {
			t.Errorf("%.40q: %v", src, err)
		}
	}
}
