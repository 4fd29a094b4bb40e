package accountweb_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

var countryOptionRE = regexp.MustCompile(`<option value="([A-Z]{2})"[^>]*>([^<]*)</option>`)

// The registration form names countries as the UN does, in the reader's language (the names
// ITU-D reports use), and a member whose stored country the list no longer offers still sees it
// named on the account page.
func TestRegistrationNamesCountriesAsTheUN(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		srv := webtest.New(t, webtest.On(engine))
		for _, tc := range []struct{ lang, code, name string }{
			{"ar", "GB", "المملكة المتحدة لبريطانيا العظمى وآيرلندا الشمالية"},
			{"ar", "BO", "بوليفيا (دولة - المتعددة القوميات)"},
			{"zh", "BO", "多民族玻利维亚国"},
			{"zh", "KR", "大韩民国"},
			{"en", "TR", "Türkiye"},
			{"en", "KP", "Democratic People's Republic of Korea"},
			{"fr", "NL", "Pays-Bas (Royaume des)"},
			{"ru", "IR", "Иран (Исламская Республика)"},
			{"es", "TZ", "República Unida de Tanzanía"},
		} {
			resp, body := srv.Browser(t).Get("/" + tc.lang + "/register")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("/%s/register: %d", tc.lang, resp.StatusCode)
			}
			options := map[string]string{}
			for _, m := range countryOptionRE.FindAllStringSubmatch(body, -1) {
				options[m[1]] = html.UnescapeString(m[2])
			}
			if options[tc.code] != tc.name {
				t.Errorf("/%s/register offers %s as %q, want %q", tc.lang, tc.code, options[tc.code], tc.name)
			}
			if len(options) != 248 {
				t.Errorf("/%s/register offers %d countries, want 248", tc.lang, len(options))
			}
			for code := range options {
				if !auth.ValidCountry(code) {
					t.Errorf("/%s/register offers %s, which registration refuses", tc.lang, code)
				}
			}
			if _, ok := options["TW"]; ok {
				t.Errorf("/%s/register offers TW, which M49 does not list", tc.lang)
			}
		}

		b := srv.Browser(t)
		resp, body := b.Submit("/zh/register", "/zh/register", url.Values{"email": {"lin@example.org"},
			"password": {webtest.Password}, "name": {"Lin Mei"}, "country": {"TW"}, "language": {"zh"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("registering with a stored-only ISO code: %d\n%s", resp.StatusCode, body)
		}
		for lang, want := range map[string]string{"zh": "台湾", "en": "Taiwan"} {
			_, body := b.Get("/" + lang + "/me")
			if !regexp.MustCompile(`<dd[^>]*>` + want + `</dd>`).MatchString(body) {
				t.Errorf("/%s/me does not name the member's country %q", lang, want)
			}
		}
	})
}
