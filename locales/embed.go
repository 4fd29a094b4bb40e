// Package locales carries the interface translations inside the binary: go-i18n TOML files laid
// out as <lang>/<domain>.toml, one file per domain and language (en/site.toml, fr/course.toml…).
// The rules for the files, and which key goes in which, are at the top of en/site.toml.
package locales

import "embed"

// FS holds <lang>/<domain>.toml for every interface language; i18n.Load reads it.
//
// NB: only files one folder down are embedded; a <lang>.toml left at the top is not.
//
//go:embed */*.toml
var FS embed.FS
