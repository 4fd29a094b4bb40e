// Package i18n loads the interface translations from locales/ with go-i18n, picks the reader's
// language and tells its writing direction. Content (courses, posts) is translated elsewhere; this
// package is for the words of the interface.
package i18n

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Language is one of the six official UN languages the interface speaks.
type Language struct {
	Tag  string // BCP 47: ar, zh, en, fr, ru, es
	Name string // the language's name in itself, for the language switcher
	Dir  string // "rtl" or "ltr"
}

// Languages are the interface languages in the UN's order. English comes first in fallbacks.
var Languages = []Language{
	{"ar", "العربية", "rtl"},
	{"zh", "中文", "ltr"},
	{"en", "English", "ltr"},
	{"fr", "Français", "ltr"},
	{"ru", "Русский", "ltr"},
	{"es", "Español", "ltr"},
}

// Default is the language used when nothing better is known.
const Default = "en"

// Bundle holds every translation, parsed once at start-up, and one Localizer per language.
type Bundle struct {
	bundle     *goi18n.Bundle
	localizers map[string]*Localizer
	matcher    language.Matcher
	ids        map[string][]string // language -> message ids in its file
}

// Load reads <tag>.toml for every language in Languages from fsys. A missing or unparsable file
// is an error: the server must not start half-translated.
func Load(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{
		bundle:     goi18n.NewBundle(language.English),
		localizers: map[string]*Localizer{},
		ids:        map[string][]string{},
	}
	b.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	tags := make([]language.Tag, 0, len(Languages))
	for _, lang := range Languages {
		name := lang.Tag + ".toml"
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		mf, err := b.bundle.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			b.ids[lang.Tag] = append(b.ids[lang.Tag], m.ID)
		}
		tags = append(tags, language.MustParse(lang.Tag))
	}
	b.matcher = language.NewMatcher(tags)
	for _, lang := range Languages {
		b.localizers[lang.Tag] = newLocalizer(b, lang)
	}
	return b, nil
}

// MessageIDs lists the ids that the file of language tag defines, in no particular order.
func (b *Bundle) MessageIDs(tag string) []string { return b.ids[tag] }

// Localizer returns the localizer for tag, or nil when tag is not one of Languages.
func (b *Bundle) Localizer(tag string) *Localizer { return b.localizers[tag] }

// Supported tells whether tag is one of the interface languages.
func Supported(tag string) bool {
	for _, l := range Languages {
		if l.Tag == tag {
			return true
		}
	}
	return false
}

// Negotiate picks the language for a visitor who came without one in the path: the cookie's when
// it names a supported language, else the best match for the Accept-Language header, else
// Default. A match counts when it is at least readable (zh-TW gets zh, simplified script; pt does
// not get es).
func (b *Bundle) Negotiate(cookie, acceptLanguage string) string {
	if Supported(cookie) {
		return cookie
	}
	if acceptLanguage == "" {
		return Default
	}
	want, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(want) == 0 {
		return Default
	}
	_, i, conf := b.matcher.Match(want...)
	if conf == language.No {
		return Default
	}
	return Languages[i].Tag
}

// Localizer translates interface strings into one language. It is safe for concurrent use and
// shared by every request in that language.
type Localizer struct {
	Language
	l *goi18n.Localizer
	// plain caches every message that needs neither data nor plural rules, so that the common
	// case is a map lookup rather than a template execution.
	plain map[string]string
}

func newLocalizer(b *Bundle, lang Language) *Localizer {
	l := &Localizer{Language: lang, l: goi18n.NewLocalizer(b.bundle, lang.Tag, Default), plain: map[string]string{}}
	for _, id := range b.ids[Default] {
		s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id})
		if err == nil && !strings.Contains(s, "{{") {
			l.plain[id] = s
		}
	}
	return l
}

// T translates the message id. A missing id (a bug that the locale tests catch) shows as the id
// itself rather than breaking the page.
func (l *Localizer) T(id string) string {
	if s, ok := l.plain[id]; ok {
		return s
	}
	return l.Tf(id, nil)
}

// Tf translates the message id with template data, e.g. {"Name": "Amina"}.
func (l *Localizer) Tf(id string, data map[string]any) string {
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// N translates the message id in the plural form that count calls for in this language (CLDR
// rules: Arabic has six forms, Chinese one). The template sees the number as .Count.
func (l *Localizer) N(id string, count int) string {
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: map[string]any{"Count": count}})
	if err != nil {
		return id
	}
	return s
}
