package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"capacityhub/internal/fault"
)

func TestKindSurvivesWrapping(t *testing.T) {
	errGone := fault.New(fault.Gone, "x.gone", "x: gone")
	wrapped := fmt.Errorf("loading: %w", errGone)
	for _, tc := range []struct {
		name string
		err  error
		want fault.Kind
		key  string
	}{
		{"sentinel", errGone, fault.Gone, "x.gone"},
		{"wrapped", wrapped, fault.Gone, "x.gone"},
		{"joined", errors.Join(errors.New("other"), wrapped), fault.Gone, "x.gone"},
		{"plain error", errors.New("disk full"), fault.Internal, ""},
		{"nil", nil, fault.Internal, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fault.KindOf(tc.err); got != tc.want {
				t.Errorf("KindOf = %v, want %v", got, tc.want)
			}
			fe, ok := fault.As(tc.err)
			if ok != (tc.key != "") || ok && fe.Key() != tc.key {
				t.Errorf("As = %v %v, want key %q", fe, ok, tc.key)
			}
		})
	}
	if !errors.Is(wrapped, errGone) || errors.Is(wrapped, fault.New(fault.Gone, "x.gone", "x: gone")) {
		t.Error("errors.Is must match the sentinel itself and nothing else")
	}
	if errGone.Error() != "x: gone" || fault.Unavailable.String() != "unavailable" {
		t.Errorf("texts: %q, %q", errGone.Error(), fault.Unavailable.String())
	}
}
