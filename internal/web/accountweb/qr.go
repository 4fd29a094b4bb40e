package accountweb

import (
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QRCode is a QR code drawn as SVG on the server: Size modules square (the quiet zone included),
// the dark ones in one path of unit squares, so that the page needs no image, script or request
// to show it.
type QRCode struct {
	Size int
	Path string // the SVG path data of the dark modules
}

// ViewBox is the SVG viewBox of the code.
func (q QRCode) ViewBox() string { return "0 0 " + strconv.Itoa(q.Size) + " " + strconv.Itoa(q.Size) }

// newQRCode encodes text (an otpauth:// URI) at the medium error-correction level. Each run of
// dark modules in a row is one rectangle of the path: about a kilobyte for a TOTP key's URI.
func newQRCode(text string) (QRCode, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return QRCode{}, err
	}
	bitmap := q.Bitmap()
	var d strings.Builder
	for y, row := range bitmap {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			run := strconv.Itoa(x - start)
			d.WriteString("M" + strconv.Itoa(start) + " " + strconv.Itoa(y) + "h" + run + "v1h-" + run + "z")
		}
	}
	return QRCode{Size: len(bitmap), Path: d.String()}, nil
}

// groupSecret writes a base32 key in groups of four, as people read and type it.
func groupSecret(s string) string {
	var groups []string
	for len(s) > 4 {
		groups = append(groups, s[:4])
		s = s[4:]
	}
	return strings.Join(append(groups, s), " ")
}
