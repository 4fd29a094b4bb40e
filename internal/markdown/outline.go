package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Outline is where a Markdown text has what course sources may not: level-one headings (the
// lesson title is the file's first line, outside the text) and images. Lines are 1-based.
type Outline struct {
	Headings []int // level-one headings, ATX (`# x`) or setext (`x` over `===`)
	Images   []int // each image, at the line of its alt text (or of its block when that is empty)
}

// Inspect parses src as Render does and returns its outline: code spans and code blocks are
// code, so a `# comment` or `![x]` there is neither heading nor image.
func Inspect(src []byte) Outline {
	doc := newGoldmark().Parser().Parse(text.NewReader(src))
	var o Outline
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if n.Level == 1 {
				o.Headings = append(o.Headings, lineAt(src, blockStart(n)))
			}
		case *ast.Image:
			o.Images = append(o.Images, lineAt(src, imageStart(n)))
		}
		return ast.WalkContinue, nil
	})
	return o
}

// blockStart is the offset in the source where block n starts: where goldmark says, else its first
// line, else that of the nearest enclosing block with lines (an empty `#` heading has none).
func blockStart(n ast.Node) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	for ; n != nil; n = n.Parent() {
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			return n.Lines().At(0).Start
		}
	}
	return 0
}

// imageStart is the offset of image n: where goldmark says, else its first text, else its block's
// start. NB: a paragraph may span lines, so the block's start is only the last resort.
func imageStart(n *ast.Image) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	start := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			start = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if start >= 0 {
		return start
	}
	return blockStart(n.Parent())
}

// lineAt is the 1-based line of byte offset off in src.
func lineAt(src []byte, off int) int {
	return 1 + bytes.Count(src[:min(max(off, 0), len(src))], []byte("\n"))
}
