package course

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"capacityhub/internal/db"
	"capacityhub/internal/paging"
	"capacityhub/internal/testenv"
)

// The catalogue is paged by slug: each page's Next is an opaque cursor that a client sends back
// for the following page, and the last page has none. A Limit of 0 is the whole list at once.
func TestCatalogPages(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		f := fstest.MapFS{}
		for _, slug := range []string{"alpha", "bravo", "charlie", "delta", "echo"} {
			for k, v := range miniCourse() {
				f[strings.Replace(k, "mini/", slug+"/", 1)] = &fstest.MapFile{Data: v.Data}
			}
		}
		e.importFS(t, f)
		if err := e.s.SetPublished(ctx, e.manager, "charlie", false); err != nil {
			t.Fatal(err)
		}
		walk := func(f Filter) (pages []string) {
			t.Helper()
			for range 10 {
				page, err := e.s.Catalog(ctx, "en", f)
				if err != nil {
					t.Fatal(err)
				}
				var slugs []string
				for _, c := range page.Items {
					slugs = append(slugs, c.Slug)
				}
				pages = append(pages, strings.Join(slugs, " "))
				if page.Next == "" {
					return pages
				}
				if strings.Contains(page.Next, page.Items[len(page.Items)-1].Slug) {
					t.Errorf("cursor %q shows the slug", page.Next)
				}
				if f.Page, err = paging.WithCursor(page.Next, f.Page.Limit); err != nil {
					t.Fatalf("cursor %q does not read back: %v", page.Next, err)
				}
			}
			t.Fatal("no last page")
			return nil
		}
		for _, tc := range []struct {
			name   string
			filter Filter
			want   string // pages, separated by " | "
		}{
			{"pages of two", Filter{Page: paging.First(2)}, "alpha bravo | delta echo"},
			{"full last page has no next", Filter{Page: paging.First(4)}, "alpha bravo delta echo"},
			{"unpublished shown to managers, in its place", Filter{Page: paging.First(3), WithUnpublished: true}, "alpha bravo charlie | delta echo"},
			{"no limit: all on one page", Filter{}, "alpha bravo delta echo"},
			{"filter and paging together", Filter{Query: "small", Page: paging.First(3)}, "alpha bravo delta | echo"},
			{"after a slug that is not listed", Filter{Page: paging.Request{After: "charlie", Limit: 1}}, "delta | echo"},
			{"after the last", Filter{Page: paging.Request{After: "zulu", Limit: 2}}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := strings.Join(walk(tc.filter), " | "); got != tc.want {
					t.Errorf("pages %q; want %q", got, tc.want)
				}
			})
		}
	})
}
