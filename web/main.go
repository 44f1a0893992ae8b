// Command web is the demo app's local server: it serves the demo (this
// folder) and the built library (dist/) on 127.0.0.1 with the right MIME
// types and Content-Security-Policy, and starts a fake Misskey instance
// (misskeytest) on another port as the demo's default instance.
//
//	go run ./web                  # serve, after `make build`
//	go run ./web -build dist      # build the library into dist/ and exit
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
	addr := flag.String("addr", "127.0.0.1:8080", "address of the demo")
	fakeAddr := flag.String("fake-addr", "127.0.0.1:8081", "address of the fake Misskey instance")
	noFake := flag.Bool("no-fake", false, "do not start the fake instance")
	webDir := flag.String("web", "web", "folder of the demo's files")
	distDir := flag.String("dist", "dist", "folder of the built library")
	build := flag.String("build", "", "build the library into this folder and exit")
	postEvery := flag.Duration("post-every", 20*time.Second, "how often the fake's second user posts (0: never)")
	flag.Parse()

	if *build != "" {
		if err := buildDist(*build); err != nil {
			log.Fatal(err)
		}
		fmt.Println("built", *build)
		return
	}
	if _, err := os.Stat(filepath.Join(*distDir, "misskey.wasm")); err != nil {
		log.Fatalf("%s/misskey.wasm is missing: run `make build` (or use `make serve`)", *distDir)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var fakeURL string
	if !*noFake {
		fake, err := startFake(*fakeAddr)
		if err != nil {
			log.Fatalf("fake instance: %v", err)
		}
		defer fake.Close()
		fakeURL = fake.URL
		if *postEvery > 0 {
			go keepPosting(ctx, fake, *postEvery)
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("demo: %v", listenError(*addr, "addr", err))
	}
	srv := &http.Server{Handler: newHandler(*webDir, *distDir, fakeURL), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	fmt.Printf("misskey-wasm demo: open http://%s/\n", ln.Addr())
	if fakeURL != "" {
		fmt.Printf("fake Misskey instance (the demo's default): %s (signed in as @alice)\n", fakeURL)
	}
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// listenError explains why listening on addr, the value of the flag
// flagName, failed, and how to pick another address, e.g.
// "127.0.0.1:8081 is in use (change it with -fake-addr=127.0.0.1:PORT)".
func listenError(addr, flagName string, err error) error {
	host, _, splitErr := net.SplitHostPort(addr)
	if splitErr != nil {
		host = "127.0.0.1"
	}
	hint := fmt.Sprintf("change it with -%s=%s", flagName, net.JoinHostPort(host, "PORT"))
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s is in use (%s)", addr, hint)
	}
	return fmt.Errorf("cannot listen on %s: %v (%s)", addr, err, hint)
}
