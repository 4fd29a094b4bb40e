package auth

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// userCache keeps the users that signed-in requests read, so that a page view costs no query for
// its reader. It is right for as long as nothing changed the accounts:
//
//   - a change through this service forgets every entry before the call returns (forget);
//   - a change anywhere else (another server, the command line, an operator's SQL) bumps
//     user_version, by triggers (migration 0012), which WatchUsers polls: every server forgets
//     within one interval of the commit.
//
// A read that began before a change is not kept after it (the generation moved meanwhile).
type userCache struct {
	gen   atomic.Uint64 // moved by every change this server makes or hears of
	mu    sync.RWMutex
	users map[string]cachedUser
}

type cachedUser struct {
	user User
	gen  uint64
}

// userCacheMax bounds the entries; past it the cache starts again empty.
const userCacheMax = 20_000

// get is a copy of the user id as read under the current generation, or nil.
func (c *userCache) get(id string) *User {
	gen := c.gen.Load()
	c.mu.RLock()
	e, ok := c.users[id]
	c.mu.RUnlock()
	if !ok || e.gen != gen {
		return nil
	}
	u := e.user
	u.Roles = slices.Clone(e.user.Roles) // NB: the caller's to keep; the entry stays as read
	return &u
}

// put keeps u, read under generation gen, unless the accounts changed since.
func (c *userCache) put(u *User, gen uint64) {
	e := cachedUser{user: *u, gen: gen}
	e.user.Roles = slices.Clone(u.Roles)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if c.users == nil || len(c.users) >= userCacheMax {
		c.users = make(map[string]cachedUser)
	}
	c.users[u.ID] = e
}

// forget drops every entry, and any read still on its way.
func (c *userCache) forget() {
	c.mu.Lock()
	c.gen.Add(1)
	c.users = nil
	c.mu.Unlock()
}

// cachedUser is the user id for a signed-in request: from memory when it can be (userCache).
func (s *Service) cachedUser(ctx context.Context, id string) (*User, error) {
	if u := s.users.get(id); u != nil {
		return u, nil
	}
	gen := s.users.gen.Load()
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	s.users.put(u, gen)
	return u, nil
}

// UsersChanged tells the service that accounts changed behind its back (a test's SQL): the users
// it keeps in memory are read again. Changes through the service, and any change that bumps
// user_version once WatchUsers sees it, need no call.
func (s *Service) UsersChanged() { s.users.forget() }

// WatchUsers polls user_version every interval until ctx ends, and forgets the users kept in
// memory when it moved: a change made on another server, or outside any server, reaches this one
// within the interval.
func (s *Service) WatchUsers(ctx context.Context, every time.Duration) {
	s.store.db.WatchVersion(ctx, "user_version", every, s.users.forget)
}
