package auth

import (
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

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

// Countries returns every country named in language tag, sorted as a reader of that language
// expects (Arabic, Chinese and Russian names sort by their own rules, not by code point).
func Countries(tag string) []Country {
	lang := language.Make(tag)
	namer := display.Regions(lang)
	out := make([]Country, 0, len(countryCodes))
	for _, code := range countryCodes {
		name := code
		if r, err := language.ParseRegion(code); err == nil {
			if n := namer.Name(r); n != "" {
				name = n
			}
		}
		out = append(out, Country{Code: code, Name: name})
	}
	coll := collate.New(lang)
	slices.SortFunc(out, func(a, b Country) int { return coll.CompareString(a.Name, b.Name) })
	return out
}

// CountryName is code's name in language tag, or code itself when unknown.
func CountryName(tag, code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(language.Make(tag)).Name(r); n != "" {
		return n
	}
	return code
}
