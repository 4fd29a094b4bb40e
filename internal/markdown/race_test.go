//go:build race

package markdown

// slowdown is how much slower the race detector makes rendering (measured up to ~13x here, the
// worst shape at the cap taking 340 ms): timing budgets are multiplied by it, not skipped.
const slowdown = 20
