package web_test

import (
	"net/netip"
	"net/url"
	"regexp"
	"strings"
)

// openAPIParam turns a Fiber route parameter (:slug) into its OpenAPI form ({slug}).
var openAPIParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// prefixes parses a comma-separated list of address blocks, as TRUSTED_PROXIES is written.
func prefixes(s string) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f != "" {
			out = append(out, netip.MustParsePrefix(f))
		}
	}
	return out
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
