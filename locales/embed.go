// Package locales carries the interface translations, one go-i18n TOML file per language, inside
// the binary.
package locales

import "embed"

// FS holds ar.toml, en.toml, es.toml, fr.toml, ru.toml and zh.toml.
//
//go:embed *.toml
var FS embed.FS
