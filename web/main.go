// Command web is the demo app's local server: it serves the demo (this
// folder) and the built library (dist/) on 127.0.0.1 with the right MIME
// types and Content-Security-Policy, and starts a fake Misskey instance
// (misskeytest) on another port as the demo's default instance.
//
//	go run ./web                  # serve, after `make build`
//	go run ./web -build dist      # build the library into dist/ and exit
//
// `make serve` builds this command into dist/.bin/ and runs it (not with
// `go run`, which turns the demo's clean exit on Ctrl-C into exit status 1).
//
// The demo itself is static: web/ plus dist/ can be copied to any host.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address of the demo (`make serve ADDR=…`)")
	fakeAddr := flag.String("fake-addr", "127.0.0.1:8081", "address of the fake Misskey instance (`make serve FAKE_ADDR=…`)")
	noFake := flag.Bool("no-fake", false, "do not start the fake instance")
	webDir := flag.String("web", "web", "folder of the demo's files")
	distDir := flag.String("dist", "dist", "folder of the built library")
	build := flag.String("build", "", "build the library into this folder and exit")
	postEvery := flag.Duration("post-every", 20*time.Second, "how often the fake's second user posts (0: never)")
	oauthLoopback := flag.Bool("oauth-on-loopback", false, "sign in with OAuth 2.0 on loopback too (the fake then accepts a client page on 127.0.0.1, as Misskey's test mode does)")
	flag.Parse()
	log.SetFlags(0)

	if *build != "" {
		log.SetPrefix("build: ")
		if err := buildDist(*build, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	log.SetPrefix("misskey-wasm demo: ")
	if _, err := os.Stat(filepath.Join(*distDir, "misskey.wasm")); err != nil {
		log.Fatalf("%s/misskey.wasm is missing: run `make build` (or use `make serve`)", *distDir)
	}
	if err := run(*addr, *fakeAddr, *noFake, *webDir, *distDir, *postEvery, *oauthLoopback); err != nil {
		log.Fatal(err)
	}
}

// run serves the demo until SIGINT (Ctrl-C) or SIGTERM, then returns nil:
// stopping the demo is no failure, and `make serve` must not report one.
func run(addr, fakeAddr string, noFake bool, webDir, distDir string, postEvery time.Duration, oauthLoopback bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var fakeURL string
	if !noFake {
		fake, err := startFake(fakeAddr, oauthLoopback)
		if err != nil {
			return fmt.Errorf("fake instance: %v", err)
		}
		defer fake.Close()
		fakeURL = fake.URL
		if postEvery > 0 {
			go keepPosting(ctx, fake, postEvery)
		}
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return listenError(addr, "addr", err)
	}
	cfg := demoConfig{DefaultInstance: fakeURL, OAuthOnLoopback: oauthLoopback}
	srv := &http.Server{Handler: newHandlerWith(webDir, distDir, cfg), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C ends the process at once
		srv.Close()
	}()
	fmt.Printf("misskey-wasm demo: open http://%s/\n", ln.Addr())
	if fakeURL != "" {
		fmt.Printf("fake Misskey instance, the demo's default: %s (its consent page signs you in as @alice when you click Allow)\n", fakeURL)
	}
	fmt.Println("Press Ctrl-C to stop.")
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	fmt.Println("misskey-wasm demo: stopped")
	return nil
}

// listenError explains why listening on addr, the value of the flag
// flagName, failed, and how to pick another address, e.g.
// "127.0.0.1:8081 is in use (change it with -fake-addr=127.0.0.1:PORT,
// or make serve FAKE_ADDR=127.0.0.1:PORT)".
func listenError(addr, flagName string, err error) error {
	host, _, splitErr := net.SplitHostPort(addr)
	if splitErr != nil {
		host = "127.0.0.1"
	}
	other := net.JoinHostPort(host, "PORT")
	hint := fmt.Sprintf("change it with -%s=%s, or make serve %s=%s", flagName, other, makeVars[flagName], other)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s is in use (%s)", addr, hint)
	}
	return fmt.Errorf("cannot listen on %s: %v (%s)", addr, err, hint)
}

// makeVars are the Makefile's names for the address flags.
var makeVars = map[string]string{"addr": "ADDR", "fake-addr": "FAKE_ADDR"}
