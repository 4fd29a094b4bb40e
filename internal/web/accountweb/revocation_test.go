package accountweb_test

import (
	"context"
	"net/http"
	"testing"

	"capacityhub/internal/db"
	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// A token that sign-out or a reused refresh token ended stays dead when the key-value store
// forgets everything: the server restarted with its in-process store, or Redis restarted empty.
// The database is the record; the store only caches it.
func TestRevocationSurvivesStoreRestart(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		ts := webtest.New(t, webtest.On(engine))
		const email = "amina@example.org"
		ts.CreateUser(t, email, "Amina Diallo")

		signedOut := ts.SignInAPI(t, email, webtest.Password)
		kept := ts.SignInAPI(t, email, webtest.Password)
		stolen := ts.SignInAPI(t, email, webtest.Password)

		if resp, body := webtest.CallAPI(t, ts.App, http.MethodPost, "/api/v1/auth/logout", signedOut.AccessToken,
			map[string]string{"refresh_token": signedOut.RefreshToken}); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("sign-out: %d %s", resp.StatusCode, body)
		}
		// The owner rotates; a thief then replays the old refresh token, which ends that sign-in.
		resp, body := webtest.CallAPI(t, ts.App, http.MethodPost, "/api/v1/auth/refresh", "", map[string]string{"refresh_token": stolen.RefreshToken})
		rotated := webtest.WantJSON[webtest.Tokens](t, resp, body, http.StatusOK)
		if resp, body := webtest.CallAPI(t, ts.App, http.MethodPost, "/api/v1/auth/refresh", "", map[string]string{"refresh_token": stolen.RefreshToken}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("reused refresh token: %d %s, want 401", resp.StatusCode, body)
		}
		webtest.WantTokensRevoked(t, ts.App, signedOut, "signed out")
		webtest.WantTokensRevoked(t, ts.App, rotated, "sign-in ended by a reused refresh token")

		// The store forgets everything, and the server starts again on the same database.
		var store kv.Store
		if r, ok := ts.KV.(*kv.Redis); ok {
			if err := r.DeletePrefix(context.Background()); err != nil {
				t.Fatal(err)
			}
			store = r
		} else {
			m := kv.NewMemory()
			t.Cleanup(func() { m.Close() })
			store = m
		}
		restarted := webtest.New(t, webtest.On(engine), webtest.WithDB(ts.DB), webtest.WithStore(store))
		webtest.WantTokensRevoked(t, restarted.App, signedOut, "signed out, after the store restarted empty")
		webtest.WantTokensRevoked(t, restarted.App, rotated, "ended by a reused refresh token, after the store restarted empty")
		if resp, body := webtest.CallAPI(t, restarted.App, http.MethodGet, "/api/v1/me", kept.AccessToken, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("a sign-in nobody ended, after the restart: %d %s, want 200", resp.StatusCode, body)
		}
		// And a sign-out after the restart holds on the other server, which cached the sign-in
		// as live a moment ago (with Redis they share the cache; in process, each has its own
		// and the database decides once the other's minute is up).
		if resp, body := webtest.CallAPI(t, restarted.App, http.MethodPost, "/api/v1/auth/logout", kept.AccessToken, nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("sign-out after the restart: %d %s", resp.StatusCode, body)
		}
		webtest.WantTokensRevoked(t, restarted.App, kept, "signed out after the restart")
	})
}
