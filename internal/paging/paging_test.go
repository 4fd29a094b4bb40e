package paging_test

import (
	"errors"
	"strconv"
	"testing"

	"capacityhub/internal/paging"
	"capacityhub/internal/validate"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, cursor, limit string
		want                paging.Request
		err                 string // "limit", "cursor" or ""
	}{
		{name: "defaults", want: paging.Request{Limit: paging.DefaultLimit}},
		{name: "a limit", limit: "5", want: paging.Request{Limit: 5}},
		{name: "capped", limit: "1000", want: paging.Request{Limit: paging.MaxLimit}},
		{name: "zero", limit: "0", err: "limit"},
		{name: "negative", limit: "-3", err: "limit"},
		{name: "words", limit: "ten", err: "limit"},
		{name: "a cursor", cursor: paging.Encode("radio-basics"), want: paging.Request{After: "radio-basics", Limit: paging.DefaultLimit}},
		{name: "not base64", cursor: "%%%", err: "cursor"},
		{name: "empty key", cursor: "=", err: "cursor"},
		{name: "NUL in key", cursor: paging.Encode("a\x00b"), err: "cursor"},
		{name: "not UTF-8", cursor: paging.Encode("\xff\xfe"), err: "cursor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := paging.Parse(tc.cursor, tc.limit)
			var ve validate.Errors
			switch tc.err {
			case "limit":
				if !errors.As(err, &ve) || ve[0].Field != "limit" {
					t.Fatalf("err %v, want a field error on limit", err)
				}
			case "cursor":
				if !errors.Is(err, paging.ErrInvalidCursor) {
					t.Fatalf("err %v, want ErrInvalidCursor", err)
				}
			default:
				if err != nil || got != tc.want {
					t.Fatalf("Parse = %+v, %v; want %+v", got, err, tc.want)
				}
			}
		})
	}
}

// Walking a list page by page with Cut gives every item once, in order, and ends.
func TestCutWalksAWholeList(t *testing.T) {
	var all []int
	for i := range 23 {
		all = append(all, i)
	}
	key := func(n int) string { return strconv.Itoa(n) }
	// read stands for a store: up to limit+1 items after the cursor's key.
	read := func(r paging.Request) []int {
		start := 0
		if r.After != "" {
			n, _ := strconv.Atoi(r.After)
			start = n + 1
		}
		return all[start:min(len(all), start+r.Limit+1)]
	}
	var seen []int
	cursor, pages := "", 0
	for {
		r, err := paging.WithCursor(cursor, 10)
		if err != nil {
			t.Fatal(err)
		}
		p := paging.Cut(read(r), r, key)
		seen = append(seen, p.Items...)
		pages++
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	if pages != 3 || len(seen) != len(all) || seen[22] != 22 {
		t.Errorf("%d pages, items %v", pages, seen)
	}
	labels := paging.Map(paging.Page[int]{Items: []int{1, 2}, Next: "x"}, strconv.Itoa)
	if labels.Items[1] != "2" || labels.Next != "x" {
		t.Errorf("Map = %+v", labels)
	}
}
