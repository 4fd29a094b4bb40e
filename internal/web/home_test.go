package web

import (
	"bytes"
	"context"
	"testing"

	"capacityhub/internal/i18n"
	"capacityhub/internal/web/site"
	"capacityhub/locales"
)

func BenchmarkHomePageRender(b *testing.B) {
	bundle, err := i18n.Load(locales.FS)
	if err != nil {
		b.Fatal(err)
	}
	assets := mustAssets(b)
	loc := bundle.Localizer("fr")
	var buf bytes.Buffer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		p := site.Page{L: loc, Title: loc.T("home.title"), Path: "/", Section: "home", Assets: assets.urls}
		if err := Home(p).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
}

func mustAssets(tb testing.TB) *staticAssets {
	a, err := loadStaticAssets()
	if err != nil {
		tb.Fatal(err)
	}
	return a
}
