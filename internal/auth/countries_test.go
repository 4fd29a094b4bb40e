package auth

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// The UN's own short names, as the UN Statistics Division's M49 tables write them in each of the
// six languages: the forms that differ most from everyday (CLDR) names, recent renamings
// (Türkiye, Netherlands (Kingdom of the)), the special administrative regions of China.
func TestM49Names(t *testing.T) {
	for _, tc := range []struct{ code, ar, en, es, fr, ru, zh string }{
		{"GB", "المملكة المتحدة لبريطانيا العظمى وآيرلندا الشمالية", "United Kingdom of Great Britain and Northern Ireland",
			"Reino Unido de Gran Bretaña e Irlanda del Norte", "Royaume-Uni de Grande-Bretagne et d’Irlande du Nord",
			"Соединенное Королевство Великобритании и Северной Ирландии", "大不列颠及北爱尔兰联合王国"},
		{"BO", "بوليفيا (دولة - المتعددة القوميات)", "Bolivia (Plurinational State of)", "Bolivia (Estado Plurinacional de)",
			"Bolivie (État plurinational de)", "Боливия (Многонациональное Государство)", "多民族玻利维亚国"},
		{"KR", "جمهورية كوريا", "Republic of Korea", "República de Corea", "République de Corée", "Республика Корея", "大韩民国"},
		{"KP", "جمهورية كوريا الشعبية الديمقراطية", "Democratic People's Republic of Korea", "República Popular Democrática de Corea",
			"République populaire démocratique de Corée", "Корейская Народно-Демократическая Республика", "朝鲜民主主义人民共和国"},
		{"TR", "تركيا", "Türkiye", "Türkiye", "Türkiye", "Турция", "土耳其"},
		{"NL", "هولندا (مملكة _)", "Netherlands (Kingdom of the)", "Países Bajos (Reino de los)", "Pays-Bas (Royaume des)",
			"Нидерланды (Королевство)", "荷兰王国"},
		{"CI", "كوت ديفوار", "Côte d’Ivoire", "Côte d’Ivoire", "Côte d’Ivoire", "Кот-д'Ивуар", "科特迪瓦"},
		{"PS", "دولة فلسطين", "State of Palestine", "Estado de Palestina", "État de Palestine", "Государство Палестина", "巴勒斯坦国"},
		{"VN", "فييت نام", "Viet Nam", "Viet Nam", "Viet Nam", "Вьетнам", "越南"},
		{"TZ", "جمهورية تنزانيا المتحدة", "United Republic of Tanzania", "República Unida de Tanzanía", "République-Unie de Tanzanie",
			"Объединенная Республика Танзания", "坦桑尼亚联合共和国"},
		{"HK", "الصين، منطقة هونغ كونغ الإدارية الخاصة", "China, Hong Kong Special Administrative Region",
			"China, región administrativa especial de Hong Kong", "Chine, région administrative spéciale de Hong Kong",
			"Китай, Специальный административный район Гонконг", "中国香港特别行政区"},
		{"CN", "الصين", "China", "China", "Chine", "Китай", "中国"},
		{"US", "الولايات المتحدة الأمريكية", "United States of America", "Estados Unidos de América", "États-Unis d’Amérique",
			"Соединенные Штаты Америки", "美利坚合众国"},
		{"FR", "فرنسا", "France", "Francia", "France", "Франция", "法国"},
		{"IR", "إيران (جمهورية - الإسلامية)", "Iran (Islamic Republic of)", "Irán (República Islámica del)", "Iran (République islamique d’)",
			"Иран (Исламская Республика)", "伊朗伊斯兰共和国"},
		{"CZ", "تشيكيا", "Czechia", "Chequia", "Tchéquie", "Чехия", "捷克"},
		{"SZ", "إسواتيني", "Eswatini", "Eswatini", "Eswatini", "Эсватини", "斯威士兰"},
		{"MK", "مقدونيا الشمالية", "North Macedonia", "Macedonia del Norte", "Macédoine du Nord", "Северная Македония", "北马其顿"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			for lang, want := range map[string]string{"ar": tc.ar, "en": tc.en, "es": tc.es, "fr": tc.fr, "ru": tc.ru, "zh": tc.zh} {
				if got := CountryName(lang, tc.code); got != want {
					t.Errorf("CountryName(%s, %s) = %q, want %q", lang, tc.code, got, want)
				}
			}
		})
	}
}

// The table as a whole: every ISO country or area that M49 lists, named in all six languages,
// with codes that agree with ISO's (as x/text knows them, a source independent of the table).
func TestM49Table(t *testing.T) {
	if len(m49Areas) != 248 {
		t.Fatalf("%d areas, want 248", len(m49Areas))
	}
	var notListed []string
	for _, code := range countryCodes {
		if _, ok := M49Area(code); !ok {
			notListed = append(notListed, code)
		}
	}
	if !slices.Equal(notListed, []string{"TW"}) {
		t.Errorf("ISO codes M49 does not list: %v, want only TW", notListed)
	}
	regions := []string{"002", "009", "019", "142", "150"}
	ldc := 0
	for _, a := range m49Areas {
		r, err := language.ParseRegion(a.Code)
		if err != nil {
			t.Errorf("%s: %v", a.Code, err)
			continue
		}
		if r.ISO3() != a.ISO3 || fmt.Sprintf("%03d", r.M49()) != a.M49 {
			t.Errorf("%s: ISO3 %s and M49 %s, x/text says %s and %03d", a.Code, a.ISO3, a.M49, r.ISO3(), r.M49())
		}
		if a.Code != "AQ" && !slices.Contains(regions, a.Region) || a.Code != "AQ" && a.SubRegion == "" {
			t.Errorf("%s: region %q, sub-region %q", a.Code, a.Region, a.SubRegion)
		}
		for _, lang := range unLanguages {
			if name := a.Name(lang); name == "" || name != strings.TrimSpace(name) {
				t.Errorf("%s has %s name %q", a.Code, lang, name)
			}
		}
		if a.LDC {
			ldc++
		}
	}
	// 44 least developed countries since Sao Tome and Principe left the list in December 2024.
	if ldc != 44 {
		t.Errorf("%d least developed countries, want 44", ldc)
	}
	for _, tc := range []struct {
		code                      string
		region, sub, intermediate string
		ldc, lldc, sids           bool
	}{
		{"ET", "002", "202", "014", true, true, false},
		{"BT", "142", "034", "", false, true, false},
		{"FJ", "009", "054", "", false, false, true},
		{"HT", "019", "419", "029", true, false, true},
		{"GB", "150", "154", "", false, false, false},
		{"AQ", "", "", "", false, false, false},
	} {
		a, _ := M49Area(tc.code)
		if a.Region != tc.region || a.SubRegion != tc.sub || a.IntermediateRegion != tc.intermediate ||
			a.LDC != tc.ldc || a.LLDC != tc.lldc || a.SIDS != tc.sids {
			t.Errorf("%s: %+v", tc.code, a)
		}
	}
}

// A broken table is refused, with the line at fault, rather than naming countries wrongly.
func TestParseM49Refuses(t *testing.T) {
	const header = "iso2\tm49\tiso3\tregion\tsubregion\tintermediate\tldc\tlldc\tsids\tar\ten\tes\tfr\tru\tzh\n"
	row := func(code, m49, en string) string {
		return strings.Join([]string{code, m49, "XXX", "002", "015", "", "", "", "", "ع", en, "es", "fr", "ру", "中"}, "\t") + "\n"
	}
	if areas, err := parseM49("# comment\n" + header + row("DZ", "012", "Algeria") + row("EG", "818", "Egypt")); err != nil || len(areas) != 2 {
		t.Fatalf("a good table: %v, %v", areas, err)
	}
	for name, tsv := range map[string]string{
		"a missing name":       header + row("DZ", "012", ""),
		"a missing column":     header + "DZ\t012\n",
		"rows out of order":    header + row("EG", "818", "Egypt") + row("DZ", "012", "Algeria"),
		"a code ISO never set": header + row("XX", "012", "Nowhere"),
		"a short M49 code":     header + row("DZ", "12", "Algeria"),
		"languages misplaced":  strings.Replace(header, "ar\ten", "en\tar", 1) + row("DZ", "012", "Algeria"),
	} {
		if _, err := parseM49(tsv); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The registration list: the M49 countries and areas, each once, valid, sorted for the reader.
func TestCountries(t *testing.T) {
	if len(countryCodes) != 249 || !ValidCountry("KE") || ValidCountry("XX") || ValidCountry("ke") {
		t.Fatal("country list wrong")
	}
	for _, lang := range unLanguages {
		list := Countries(lang)
		if len(list) != 248 {
			t.Errorf("%s: %d countries, want 248", lang, len(list))
		}
		seen := map[string]bool{}
		coll := collate.New(language.Make(lang))
		for i, c := range list {
			if !ValidCountry(c.Code) || seen[c.Code] || c.Name != CountryName(lang, c.Code) {
				t.Errorf("%s: %+v offered (twice, invalid or misnamed)", lang, c)
			}
			seen[c.Code] = true
			if i > 0 && coll.CompareString(list[i-1].Name, c.Name) > 0 {
				t.Errorf("%s: %q before %q", lang, list[i-1].Name, c.Name)
			}
		}
		if seen["TW"] {
			t.Errorf("%s: TW offered", lang)
		}
	}
	for _, tc := range []struct{ lang, first string }{{"fr", "AF"}, {"en", "AF"}, {"ru", "AU"}, {"es", "AF"}} {
		if c := Countries(tc.lang); c[0].Code != tc.first {
			t.Errorf("%s list starts with %v, want %s", tc.lang, c[0], tc.first)
		}
	}
	// Chinese sorts by pinyin, not by code point: 阿富汗 (Āfùhàn) comes long before 中国 (Zhōngguó).
	zh := Countries("zh")
	if i, j := slices.IndexFunc(zh, func(c Country) bool { return c.Code == "AF" }), slices.IndexFunc(zh, func(c Country) bool { return c.Code == "CN" }); i > 10 || j < 200 {
		t.Errorf("zh: 阿富汗 at %d, 中国 at %d", i, j)
	}
}

// A stored code M49 does not list keeps a name (CLDR's); a language the UN does not use reads
// the English names; what is no country is shown as it is.
func TestCountryNameFallbacks(t *testing.T) {
	for _, tc := range []struct{ tag, code, want string }{
		{"en", "TW", "Taiwan"},
		{"zh", "TW", "台湾"},
		{"en", "CI", "Côte d’Ivoire"}, {"fr", "SN", "Sénégal"}, {"ar", "EG", "مصر"}, {"zh", "CN", "中国"}, {"ru", "KZ", "Казахстан"}, {"es", "MX", "México"},
		{"zh-Hans", "GB", "大不列颠及北爱尔兰联合王国"},
		{"de", "GB", "United Kingdom of Great Britain and Northern Ireland"},
		{"en", "XX", "XX"},
		{"en", "", ""},
	} {
		if got := CountryName(tc.tag, tc.code); got != tc.want {
			t.Errorf("CountryName(%s, %q) = %q, want %q", tc.tag, tc.code, got, tc.want)
		}
	}
	if !ValidCountry("TW") {
		t.Error("a member from TW would no longer be valid")
	}
}
