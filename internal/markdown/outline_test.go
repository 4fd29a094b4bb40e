package markdown

import (
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Inspect finds the level-one headings and images a reader would see, at their lines, and nothing
// that is only code or text that looks like them.
func TestInspectFindsHeadingsAndImagesAsRendered(t *testing.T) {
	for _, tc := range []struct {
		name             string
		src              []string // lines
		headings, images []int
	}{
		{"plain", []string{"# Title", "", "Text ![x](a.png) here."}, []int{1}, []int{3}},
		{"backtick fence", []string{"Run:", "", "```sh", "# list files", "echo '![x](y)'", "```", "", "# After"}, []int{8}, nil},
		{"tilde fence, longer close", []string{"~~~", "# too", "![x](y)", "~~~~", "![z](w)"}, nil, []int{5}},
		{"unclosed fence runs to the end", []string{"```", "# not a heading"}, nil, nil},
		{"inline code is not a fence", []string{"```x = 1``` is inline code", "", "# Heading", "", "![x](y)"}, []int{3}, []int{5}},
		{"image syntax in inline code", []string{"Write `![x]` or ``![y](z)`` to embed."}, nil, nil},
		{"indented headings", []string{" # One", "", "   # Three", "", "    # Four is code"}, []int{1, 3}, nil},
		{"setext heading", []string{"Intro", "", "Title", "===", "", "Section", "---"}, []int{3}, nil},
		{"setext heading over two lines", []string{"Long", "title", "="}, []int{1}, nil},
		{"level two is fine", []string{"## Section", "### Sub"}, nil, nil},
		{"empty heading", []string{"text", "", "#"}, []int{3}, nil},
		{"heading in a list", []string{"- # Item"}, []int{1}, nil},
		{"image on a later line of a paragraph", []string{"First line", "second line", "and ![a map](m.png) here"}, nil, []int{3}},
		{"image with no alt text on a later line", []string{"First line", "then ![](m.png)"}, nil, []int{2}},
		{"image with emphasised alt text", []string{"First", "![*big* map](m.png)"}, nil, []int{2}},
		{"image inside a link", []string{"See", "[![x](a.png)](https://example.org)"}, nil, []int{2}},
		{"reference image", []string{"Text", "![x][r]", "", "[r]: https://example.org/a.png"}, nil, []int{2}},
		{"undefined reference is text", []string{"![x][nowhere]"}, nil, nil},
		{"escaped", []string{`\![x](y) and \# not`}, nil, nil},
		{"image in a table", []string{"| a | b |", "|---|---|", "| 1 | ![x](y) |"}, nil, []int{3}},
		{"CRLF lines", []string{"Text\r", "\r", "# H\r", "![x](y)\r"}, []int{3}, []int{4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Inspect([]byte(strings.Join(tc.src, "\n")))
			if !slices.Equal(o.Headings, tc.headings) || !slices.Equal(o.Images, tc.images) {
				t.Errorf("headings at %v, images at %v; want %v and %v", o.Headings, o.Images, tc.headings, tc.images)
			}
		})
	}
}

// Without the position goldmark records, an image is placed by its alt text, else by its block.
func TestImageStartWithoutPosition(t *testing.T) {
	src := []byte("First line\nand ![alt](a.png)\n")
	para := ast.NewParagraph()
	para.Lines().Append(text.NewSegment(0, 10))
	img := ast.NewImage(ast.NewLink())
	para.AppendChild(para, img)
	if got := lineAt(src, imageStart(img)); got != 1 {
		t.Errorf("no alt text: line %d; want the paragraph's first line, 1", got)
	}
	img.AppendChild(img, ast.NewTextSegment(text.NewSegment(17, 20)))
	if got := lineAt(src, imageStart(img)); got != 2 {
		t.Errorf("alt text: line %d; want 2", got)
	}
}
