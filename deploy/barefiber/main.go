// Command barefiber serves one fixed 2 KB HTML page with Fiber and nothing else: the ceiling
// that deploy/bench.sh measures Capacity Hub's pages against, in the same run on the same
// machine, so that the figures are ratios that compare across machines.
package main

import (
	"log"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:3001"
	}
	page := []byte("<!doctype html><html lang=\"en\"><title>limit</title><p>" + strings.Repeat("x", 2048-60) + "</p></html>")
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error {
		c.Type("html", "utf-8")
		return c.Send(page)
	})
	log.Fatal(app.Listen(addr))
}
