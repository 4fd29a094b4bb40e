package i18n_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"capacityhub/internal/i18n"
	"capacityhub/locales"
)

func load(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every language defines exactly the keys English defines: no page ever shows a raw key or a
// stray English string.
func TestEveryLanguageHasEveryKey(t *testing.T) {
	b := load(t)
	en := b.MessageIDs("en")
	if len(en) < 20 {
		t.Fatalf("English defines only %d messages", len(en))
	}
	for _, lang := range i18n.Languages {
		ids := b.MessageIDs(lang.Tag)
		for _, id := range en {
			if !slices.Contains(ids, id) {
				t.Errorf("%s.toml lacks %q", lang.Tag, id)
			}
		}
		for _, id := range ids {
			if !slices.Contains(en, id) {
				t.Errorf("%s.toml has %q, which en.toml lacks", lang.Tag, id)
			}
		}
	}
}

// rawMessages reads a locale file as go-i18n sees it: id -> plural form -> text.
func rawMessages(t *testing.T, tag string) map[string]map[string]string {
	t.Helper()
	data, err := fs.ReadFile(locales.FS, tag+".toml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = map[string]string{"other": v}
		case map[string]any:
			forms := map[string]string{}
			for form, text := range v {
				forms[form], _ = text.(string)
			}
			out[id] = forms
		}
	}
	return out
}

// Translations are real: a message identical to English in another language is a copy, except
// for names that stay the same everywhere.
func TestTranslationsAreNotEnglishCopies(t *testing.T) {
	same := map[string]bool{ // words that really are the same
		"site.name": true, "nav.forums": true, "home.forums.title": true, "fr:count.minutes": true, "fr:role.expert": true, "ar:date.long": true,
		"fr:list.separator": true, "es:list.separator": true, "ru:list.separator": true,
		"es:punct.colon": true, "ru:punct.colon": true, "ar:punct.colon": true,
	}
	en := rawMessages(t, "en")
	for _, lang := range i18n.Languages {
		if lang.Tag == "en" {
			continue
		}
		for id, forms := range rawMessages(t, lang.Tag) {
			if !same[id] && !same[lang.Tag+":"+id] && forms["other"] == en[id]["other"] {
				t.Errorf("%s: %q is the English text %q", lang.Tag, id, forms["other"])
			}
		}
	}
}

// Plural messages carry every form the language's CLDR rules use (Arabic six, Russian four,
// Chinese one), so that "2 courses" reads right in each: go-i18n fails, and the page would show the
// raw key, for any count whose form is missing.
func TestPluralFormsFollowCLDR(t *testing.T) {
	b := load(t)
	en := rawMessages(t, "en")
	counts := []int{1000, 1001, 100000, 1000000, 2000000}
	for n := range 220 {
		counts = append(counts, n)
	}
	for _, lang := range i18n.Languages {
		loc := b.Localizer(lang.Tag)
		for id, enForms := range en {
			if _, isPlural := enForms["one"]; !isPlural {
				continue
			}
			for _, n := range counts {
				if got := loc.N(id, n); got == id || strings.Contains(got, "{{") {
					t.Errorf("%s: %q has no form for %d", lang.Tag, id, n)
					break
				}
			}
		}
	}
}

func TestPluralsRender(t *testing.T) {
	b := load(t)
	for _, tc := range []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 1, "1 course"},
		{"en", 3, "3 courses"},
		{"ru", 1, "1 курс"},
		{"ru", 3, "3 курса"},
		{"ru", 5, "5 курсов"},
		{"ar", 2, "دورتان"},
		{"ar", 3, "3 دورات"},
		{"ar", 11, "11 دورة"},
		{"zh", 2, "2 门课程"},
		{"fr", 0, "0 cours"},
	} {
		if got := b.Localizer(tc.lang).N("count.courses", tc.count); got != tc.want {
			t.Errorf("%s N(count.courses, %d) = %q, want %q", tc.lang, tc.count, got, tc.want)
		}
	}
}

func TestTemplatedMessage(t *testing.T) {
	got := load(t).Localizer("fr").Tf("error.reference", map[string]any{"ID": "abc123"})
	if !strings.Contains(got, "abc123") || !strings.HasPrefix(got, "Référence") {
		t.Errorf("Tf = %q", got)
	}
}

func TestDirection(t *testing.T) {
	b := load(t)
	for _, lang := range i18n.Languages {
		want := "ltr"
		if lang.Tag == "ar" {
			want = "rtl"
		}
		if got := b.Localizer(lang.Tag).Dir; got != want {
			t.Errorf("%s dir = %s, want %s", lang.Tag, got, want)
		}
	}
	if b.Localizer("de") != nil {
		t.Error("unsupported language got a localizer")
	}
}

func TestNegotiate(t *testing.T) {
	b := load(t)
	for _, tc := range []struct {
		name, cookie, accept, want string
	}{
		{"cookie wins", "ar", "fr-FR,fr;q=0.9", "ar"},
		{"bad cookie ignored", "xx", "es-MX,es;q=0.9,en;q=0.5", "es"},
		{"regional variant", "", "fr-CA", "fr"},
		{"traditional chinese is chinese", "", "zh-TW", "zh"},
		{"quality order", "", "de;q=0.9,ru;q=0.8,en;q=0.1", "ru"},
		{"unsupported only", "", "de-DE,pt;q=0.8", "en"},
		{"garbage", "", ";;;,,q=", "en"},
		{"nothing", "", "", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.Negotiate(tc.cookie, tc.accept); got != tc.want {
				t.Errorf("Negotiate(%q, %q) = %s, want %s", tc.cookie, tc.accept, got, tc.want)
			}
		})
	}
}
