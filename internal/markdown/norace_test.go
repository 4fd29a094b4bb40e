//go:build !race

package markdown

// slowdown multiplies timing budgets; 1 without the race detector.
const slowdown = 1
