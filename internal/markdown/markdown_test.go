package markdown

import (
	"strings"
	"testing"
)

func TestRenderKeepsWhatReadersNeed(t *testing.T) {
	html, err := New().Render("## Spectrum\n\nSee *the* [ITU](https://www.itu.int/) and **this**:\n\n1. one\n2. two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code`")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h2>Spectrum</h2>", "<em>the</em>", "<strong>this</strong>", "<ol>", "<table>", "<code>code</code>",
		`<a href="https://www.itu.int/" rel="nofollow noreferrer">ITU</a>`} {
		if !strings.Contains(html, want) {
			t.Errorf("output lacks %s:\n%s", want, html)
		}
	}
}

// Nothing a writer puts in Markdown can run in a reader's browser or load from another site.
func TestRenderRemovesWhatCouldRun(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"script tag", "<script>alert(1)</script>"},
		{"event handler", `<p onclick="alert(1)">x</p>`},
		{"javascript link", "[x](javascript:alert(1))"},
		{"javascript link, obfuscated", "[x](JaVaScRiPt:alert(1))"},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
		{"vbscript link", "[x](vbscript:msgbox(1))"},
		{"raw html image", `<img src="https://evil.example/x.png" onerror="alert(1)">`},
		{"markdown image", "![x](https://evil.example/track.png)"},
		{"iframe", `<iframe src="https://evil.example"></iframe>`},
		{"style", `<style>body{display:none}</style><p style="color:red">x</p>`},
		{"svg", `<svg onload="alert(1)"><circle/></svg>`},
		{"form", `<form action="https://evil.example"><input name=x></form>`},
		{"autolink", "<javascript:alert(1)>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			html, err := New().Render(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			low := strings.ToLower(html)
			// NB: the words may remain as text ("javascript:alert(1)" in a paragraph is harmless);
			// what must go is every element, attribute and link target that could act.
			for _, bad := range []string{"<script", "onclick=", "onerror=", "onload=", `href="javascript:`, `href="vbscript:`, `href="data:`, "<img", "<iframe", "<style", "style=", "<svg", "<form", "<input", "src="} {
				if strings.Contains(low, bad) {
					t.Errorf("%q survived as %q", bad, html)
				}
			}
		})
	}
}
