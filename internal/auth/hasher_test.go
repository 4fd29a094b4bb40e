package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

func testHasher() *hasher {
	return &hasher{capacity: 2, maxQueue: [2]int{1, 2}, maxWait: [2]time.Duration{time.Second, 300 * time.Millisecond}}
}

// The hasher runs at most capacity hashes, lets at most maxQueue requests of each lane wait for a
// turn, refuses the next at once, and gives up on a wait after maxWait or when its caller goes.
func TestHasherBoundsWorkAndQueue(t *testing.T) {
	t.Parallel()
	h := testHasher()
	ctx := context.Background()
	for i := range 2 {
		if err := h.acquire(ctx); err != nil {
			t.Fatalf("turn %d: %v", i+1, err)
		}
	}
	// Two wait: one gets the turn released in time, the other gives up after maxWait.
	got := make(chan error, 2)
	go func() { got <- h.acquire(ctx) }()
	go func() { got <- h.acquire(ctx) }()
	time.Sleep(50 * time.Millisecond)

	start := time.Now()
	if err := h.acquire(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("a third waiter with two waiting: %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > 20*time.Millisecond {
		t.Errorf("refusing the third waiter took %v, want at once", d)
	}
	h.release()
	if err := <-got; err != nil {
		t.Fatalf("a waiter, once a turn was free: %v", err)
	}
	start = time.Now()
	if err := <-got; !errors.Is(err, ErrBusy) {
		t.Fatalf("the other waiter: %v, want ErrBusy after waiting", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the waiter gave up after %v, want about 300ms", d)
	}
	// A caller that goes away stops waiting and frees its place in the queue.
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if err := h.acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled wait: %v, want context.Canceled", err)
	}
	h.release()
	h.release()
	if h.running != 0 || len(h.queue[0])+len(h.queue[1]) != 0 {
		t.Errorf("after every release, %d running and %d waiting", h.running, len(h.queue[0])+len(h.queue[1]))
	}
}

// A request WithPriority takes the next turn ahead of those already waiting, and has a lane of
// its own, so a full queue of others does not refuse it.
func TestHasherPriorityGoesFirst(t *testing.T) {
	t.Parallel()
	h := testHasher()
	ctx := context.Background()
	for range 2 {
		if err := h.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	order := make(chan string, 3)
	for _, who := range []string{"stranger 1", "stranger 2"} {
		go func() {
			if err := h.acquire(ctx); err == nil {
				order <- who
			}
		}()
		time.Sleep(20 * time.Millisecond)
	}
	if err := h.acquire(ctx); !errors.Is(err, ErrBusy) {
		t.Fatalf("a third stranger: %v, want ErrBusy", err)
	}
	go func() {
		if err := h.acquire(WithPriority(ctx)); err == nil {
			order <- "owner"
		}
	}()
	time.Sleep(20 * time.Millisecond)
	h.release()
	if first := <-order; first != "owner" {
		t.Errorf("the first free turn went to %s, want the owner", first)
	}
	h.release()
	h.release()
	<-order
	<-order
}
