// Package content carries the default course sources inside the binary, so that a server started
// anywhere has its courses. CONTENT_DIR, when it exists, is read instead.
package content

import "embed"

// FS holds every course folder (see README.md in this folder for the format).
//
//go:embed *
var FS embed.FS
