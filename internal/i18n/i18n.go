// Package i18n loads the interface translations from locales/ with go-i18n, picks the reader's
// language and tells its writing direction. Content (courses, posts) is translated elsewhere; this
// package is for the words of the interface.
package i18n

import (
	"errors"
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

// Languages are the interface languages in the UN's order, and the one list of them: every other
// package that needs the six takes them from here (Tags, Supported). English comes first in
// fallbacks.
var Languages = []Language{
	{"ar", "العربية", "rtl"},
	{"zh", "中文", "ltr"},
	{"en", "English", "ltr"},
	{"fr", "Français", "ltr"},
	{"ru", "Русский", "ltr"},
	{"es", "Español", "ltr"},
}

// Tags returns the BCP 47 tags of Languages, in the same order: ar, zh, en, fr, ru, es. The slice
// is new at each call, so the caller may keep or change it.
func Tags() []string {
	tags := make([]string, len(Languages))
	for i, l := range Languages {
		tags[i] = l.Tag
	}
	return tags
}

// Default is the language used when nothing better is known.
const Default = "en"

// Bundle holds every translation, parsed once at start-up, and one Localizer per language.
type Bundle struct {
	bundle     *goi18n.Bundle
	localizers map[string]*Localizer
	matcher    language.Matcher
	ids        map[string][]string // language -> message ids in its files
}

// Load reads the translations from fsys (locales.FS in the binary), laid out as
// <lang>/<domain>.toml: every <lang>/*.toml file, for every language in Languages. It fails,
// naming the folder or file, when a language has no folder or no .toml file in it, when a file
// does not parse, or when two files of one language define the same message id: the server must
// not start half-translated, nor with a text that depends on the order the files are read in.
// Which keys a language has is for the tests to check, not Load.
func Load(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{
		bundle:     goi18n.NewBundle(language.English),
		localizers: map[string]*Localizer{},
		ids:        map[string][]string{},
	}
	tags := make([]language.Tag, 0, len(Languages))
	for _, lang := range Languages {
		tag := language.MustParse(lang.Tag)
		ids, err := b.loadLanguage(fsys, lang.Tag, tag)
		if err != nil {
			return nil, err
		}
		b.ids[lang.Tag] = ids
		tags = append(tags, tag)
	}
	b.matcher = language.NewMatcher(tags)
	for _, lang := range Languages {
		b.localizers[lang.Tag] = newLocalizer(b, lang)
	}
	return b, nil
}

// loadLanguage adds the messages of every dir/*.toml file to the bundle under tag and returns
// their ids.
func (b *Bundle) loadLanguage(fsys fs.FS, dir string, tag language.Tag) ([]string, error) {
	files, err := fs.Glob(fsys, dir+"/*.toml")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	if len(files) == 0 {
		if _, err := fs.Stat(fsys, dir); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("i18n: %s/: no such folder; every language needs its translations there", dir)
		}
		return nil, fmt.Errorf("i18n: %s/: no .toml file in the folder", dir)
	}
	definedIn := map[string]string{} // message id -> the file that defines it
	var ids []string
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		// NB: not Bundle.ParseMessageFileBytes, which takes the language from the file name
		// ("site" in en/site.toml).
		messages, err := goi18n.ParseMessageBytes(data, toml.Unmarshal)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		for _, m := range messages {
			if first, dup := definedIn[m.ID]; dup {
				return nil, fmt.Errorf("i18n: %s: %q is already defined in %s", name, m.ID, first)
			}
			definedIn[m.ID] = name
			ids = append(ids, m.ID)
		}
		if err := b.bundle.AddMessages(tag, messages...); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
	}
	return ids, nil
}

// MessageIDs lists the ids that the files of language tag define, in no particular order.
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
