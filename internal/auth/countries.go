package auth

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Countries are named as the United Nations names them in its six languages: the short names of
// the UN Statistics Division's M49 standard (m49.tsv, which says where it comes from and how to
// update it), the names ITU-D reports use. The registration list offers the 248 countries and
// areas that M49 lists with an ISO 3166-1 code. A member's stored country stays valid when it is
// any assigned ISO code (Taiwan, TW, has no row of its own in M49); such a code is named from
// CLDR (golang.org/x/text), as every country was before.

// countryCodes are the 249 officially assigned ISO 3166-1 alpha-2 codes.
var countryCodes = strings.Fields(`
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`)

// ValidCountry tells whether code is an assigned ISO 3166-1 alpha-2 code (upper case).
func ValidCountry(code string) bool {
	_, found := slices.BinarySearch(countryCodes, code)
	return found
}

// Country is a code with its name in some language.
type Country struct {
	Code string
	Name string
}

// unLanguages are the six official languages of the United Nations, in m49.tsv's column order.
var unLanguages = []string{"ar", "en", "es", "fr", "ru", "zh"}

// Area is a country or area of the UN M49 standard: its codes, where M49 places it and the
// groups of developing countries it belongs to.
type Area struct {
	Code string // ISO 3166-1 alpha-2
	M49  string // three digits, as "004"
	ISO3 string // ISO 3166-1 alpha-3
	// Region, SubRegion and IntermediateRegion are M49 codes ("002" Africa, "202" Sub-Saharan
	// Africa, "014" Eastern Africa); empty where M49 has none (Antarctica has no region, most
	// countries no intermediate region).
	Region, SubRegion, IntermediateRegion string
	// LDC, LLDC and SIDS tell whether M49 counts it among the least developed countries, the
	// landlocked developing countries or the small island developing States.
	LDC, LLDC, SIDS bool
	names           [6]string // in unLanguages' order
}

// Name is the area's UN short name in language tag; English for a language the UN does not use.
func (a Area) Name(tag string) string {
	return a.names[unLanguageIndex(tag)]
}

// unLanguageIndex is tag's position in unLanguages, or English's.
func unLanguageIndex(tag string) int {
	base, _ := language.Make(tag).Base()
	if i := slices.Index(unLanguages, base.String()); i >= 0 {
		return i
	}
	return slices.Index(unLanguages, "en")
}

//go:embed m49.tsv
var m49TSV string

// m49Areas are the rows of m49.tsv, by code; read once, never changed.
var m49Areas = mustParseM49(m49TSV)

// M49Area is the M49 area of ISO code (upper case), if M49 lists it.
func M49Area(code string) (Area, bool) {
	i, found := slices.BinarySearchFunc(m49Areas, code, func(a Area, code string) int { return strings.Compare(a.Code, code) })
	if !found {
		return Area{}, false
	}
	return m49Areas[i], true
}

// mustParseM49 reads the embedded table; a malformed table is a build mistake, so it panics
// (at start-up, and in the package's tests).
func mustParseM49(tsv string) []Area {
	areas, err := parseM49(tsv)
	if err != nil {
		panic(err)
	}
	return areas
}

// parseM49 reads m49.tsv: comment lines, a header naming the columns, then one row per area,
// sorted by ISO code.
func parseM49(tsv string) ([]Area, error) {
	const columns = 9 + 6
	var areas []Area
	header := true
	for n, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != columns {
			return nil, fmt.Errorf("m49.tsv line %d: %d columns, want %d", n+1, len(f), columns)
		}
		if header {
			if got, want := f[9:], unLanguages; !slices.Equal(got, want) {
				return nil, fmt.Errorf("m49.tsv: name columns %v, want %v", got, want)
			}
			header = false
			continue
		}
		a := Area{Code: f[0], M49: f[1], ISO3: f[2], Region: f[3], SubRegion: f[4], IntermediateRegion: f[5],
			LDC: f[6] == "x", LLDC: f[7] == "x", SIDS: f[8] == "x"}
		for i := range a.names {
			if a.names[i] = f[9+i]; a.names[i] == "" {
				return nil, fmt.Errorf("m49.tsv line %d: %s has no %s name", n+1, a.Code, unLanguages[i])
			}
		}
		if !ValidCountry(a.Code) || len(a.M49) != 3 || len(a.ISO3) != 3 {
			return nil, fmt.Errorf("m49.tsv line %d: codes %q %q %q", n+1, a.Code, a.M49, a.ISO3)
		}
		if len(areas) > 0 && areas[len(areas)-1].Code >= a.Code {
			return nil, fmt.Errorf("m49.tsv line %d: %s out of order", n+1, a.Code)
		}
		areas = append(areas, a)
	}
	return areas, nil
}

// Countries returns the countries and areas offered at registration, named in language tag and
// sorted as a reader of that language expects (Arabic, Chinese and Russian names sort by their
// own rules, not by code point).
func Countries(tag string) []Country {
	out := make([]Country, len(m49Areas))
	for i, a := range m49Areas {
		out[i] = Country{Code: a.Code, Name: a.Name(tag)}
	}
	coll := collate.New(language.Make(tag))
	slices.SortFunc(out, func(a, b Country) int { return coll.CompareString(a.Name, b.Name) })
	return out
}

// CountryName is code's name in language tag: its UN name, or for an ISO code M49 does not list
// its CLDR name, or else code itself.
func CountryName(tag, code string) string {
	if a, ok := M49Area(code); ok {
		return a.Name(tag)
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(language.Make(tag)).Name(r); n != "" {
		return n
	}
	return code
}
