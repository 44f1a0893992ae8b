package main

// The demo's server as a person runs it: the lines it prints, a busy port,
// and Ctrl-C, both for the server itself and for `make serve`, which must
// end without a "make: ***" line.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var serverBin struct {
	sync.Once
	path string
	err  error
}

// demoServer is this command, built once per test run.
func demoServer(t *testing.T) string {
	t.Helper()
	serverBin.Do(func() {
		dir, err := os.MkdirTemp("", "misskey-wasm-server-")
		if err != nil {
			serverBin.err = err
			return
		}
		afterTests = append(afterTests, func() { os.RemoveAll(dir) })
		serverBin.path = filepath.Join(dir, "misskey-wasm-demo")
		if out, err := exec.Command("go", "build", "-o", serverBin.path, ".").CombinedOutput(); err != nil {
			serverBin.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if serverBin.err != nil {
		t.Fatal(serverBin.err)
	}
	return serverBin.path
}

// output collects a process's stdout and stderr, and tells when a line
// matching a pattern has come.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

func (o *output) await(t *testing.T, re *regexp.Regexp, timeout time.Duration, exited <-chan struct{}) []string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if m := re.FindStringSubmatch(o.String()); m != nil {
			return m
		}
		select {
		case <-exited:
			t.Fatalf("the process ended before printing %s:\n%s", re, o.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; it printed:\n%s", timeout, re, o.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// started is a process in a process group of its own, as a shell starts a
// foreground job: a terminal's Ctrl-C sends SIGINT to the whole group.
type started struct {
	cmd    *exec.Cmd
	out    *output
	exited chan struct{}
	err    error
}

func start(t *testing.T, dir string, env []string, name string, args ...string) *started {
	t.Helper()
	s := &started{out: &output{}, exited: make(chan struct{})}
	s.cmd = exec.Command(name, args...)
	s.cmd.Dir = dir
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.exited
		}
	})
	return s
}

// interrupt sends SIGINT to the process group, as Ctrl-C does, and waits.
func (s *started) interrupt(t *testing.T, sig syscall.Signal, timeout time.Duration) {
	t.Helper()
	if err := syscall.Kill(-s.cmd.Process.Pid, sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.exited:
	case <-time.After(timeout):
		t.Fatalf("still running %v after %v:\n%s", sig, timeout, s.out.String())
	}
}

// status describes how the process ended: "exit status 0", "exit status 1",
// "signal: interrupt".
func (s *started) status() string {
	if s.err == nil {
		return "exit status 0"
	}
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		return ee.ProcessState.String()
	}
	return s.err.Error()
}

var demoURL = regexp.MustCompile(`misskey-wasm demo: open (http://127\.0\.0\.1:\d+/)\n`)
var fakeLine = regexp.MustCompile(`fake Misskey instance, the demo's default: (http://127\.0\.0\.1:\d+) \(its consent page signs you in as @alice when you click Allow\)\n`)

func TestServeCtrlC(t *testing.T) {
	bin := demoServer(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		s := start(t, ".", nil, bin, "-web", ".", "-dist", testDist, "-addr", "127.0.0.1:0", "-fake-addr", "127.0.0.1:0")
		page := s.out.await(t, demoURL, 30*time.Second, s.exited)[1]
		s.out.await(t, fakeLine, 5*time.Second, s.exited)
		res, err := http.Get(page)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("the demo page: HTTP %d", res.StatusCode)
		}
		s.interrupt(t, sig, 10*time.Second)
		if s.status() != "exit status 0" || !strings.HasSuffix(s.out.String(), "misskey-wasm demo: stopped\n") {
			t.Errorf("after %v: %s; it printed:\n%s", sig, s.status(), s.out.String())
		}
	}
}

func TestServeBusyPort(t *testing.T) {
	bin := demoServer(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	for _, c := range []struct{ flag, want string }{
		{"-addr", "misskey-wasm demo: " + addr + " is in use (change it with -addr=127.0.0.1:PORT, or make serve ADDR=127.0.0.1:PORT)\n"},
		{"-fake-addr", "misskey-wasm demo: fake instance: " + addr + " is in use (change it with -fake-addr=127.0.0.1:PORT, or make serve FAKE_ADDR=127.0.0.1:PORT)\n"},
	} {
		args := []string{"-web", ".", "-dist", testDist, "-addr", "127.0.0.1:0", "-fake-addr", "127.0.0.1:0"}
		for i := range args {
			if args[i] == c.flag {
				args[i+1] = addr
			}
		}
		s := start(t, ".", nil, bin, args...)
		select {
		case <-s.exited:
		case <-time.After(20 * time.Second):
			t.Fatalf("%s on a busy port: still running:\n%s", c.flag, s.out.String())
		}
		if s.status() != "exit status 1" || s.out.String() != c.want {
			t.Errorf("%s on a busy port: %s, printed %q; want exit status 1 and %q", c.flag, s.status(), s.out.String(), c.want)
		}
	}
}

// needTool is the path of the command name (from the Debian package pkg);
// without it the test is skipped, loudly, except in CI, where it fails.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed: CI must run this test (apt-get install -y %s)", name, pkg)
		}
		fmt.Fprintf(os.Stderr, "\n*** %s SKIPPED: %s is not installed (apt-get install -y %s) ***\n\n", t.Name(), name, pkg)
		t.Skip(name + " is not installed")
	}
	return p
}

// asAPerson prepares `make serve` as a person runs it: the module's root, a
// copy of this run's dist/ (so that the real dist/ is not touched and the
// build, which must still run, finds its compressed copies current when it
// uses the same Go toolchain as this test), and the environment without
// make's variables (not as a sub-make of `make test`).
func asAPerson(t *testing.T) (root, dist string, env []string) {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dist = filepath.Join(t.TempDir(), "dist")
	if err := copyDir(testDist, dist); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES":
		default:
			env = append(env, kv)
		}
	}
	return root, dist, env
}

// `make serve` as a person runs it, then Ctrl-C: the terminal sends SIGINT
// to make and to the server (one process group). The server exits 0, so
// make reports no error (it prints "make: *** [serve] Error 1" after a
// failed recipe, "… Interrupt" after one killed by the signal). GNU make
// itself, having received SIGINT, waits for the server, then ends by the
// same signal, as an interrupted program should (a shell shows $? = 130);
// only when it was started with SIGINT ignored (a background job of a
// script) does it exit 0.
func TestMakeServeCtrlC(t *testing.T) {
	makeBin := needTool(t, "make", "make")
	root, dist, env := asAPerson(t)
	s := start(t, root, env, makeBin, "serve", "DIST="+dist, "ADDR=127.0.0.1:0", "FAKE_ADDR=127.0.0.1:0")
	page := s.out.await(t, demoURL, 5*time.Minute, s.exited)[1]
	s.out.await(t, fakeLine, 5*time.Second, s.exited)
	if res, err := http.Get(page + "dist/misskey.wasm"); err != nil || res.StatusCode != 200 {
		t.Fatalf("the demo's misskey.wasm: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	for _, want := range []string{"make: using go", "make: compiling the build tool", "build: compiling ./wasm", "build: packing", "ready: misskey.wasm"} {
		if !strings.Contains(s.out.String(), want) {
			t.Errorf("make serve did not say %q:\n%s", want, s.out.String())
		}
	}
	s.interrupt(t, syscall.SIGINT, 20*time.Second)
	out := s.out.String()
	t.Logf("make serve, then SIGINT to its process group: make ended with %s; the last lines:\n%s", s.status(), lastLines(out, 3))
	if regexp.MustCompile(`make(\[\d+\])?: \*\*\*`).MatchString(out) || !strings.HasSuffix(out, "misskey-wasm demo: stopped\n") {
		t.Errorf("make serve after Ctrl-C printed:\n%s", out)
	}
	if st := s.status(); st != "signal: interrupt" && st != "exit status 0" {
		t.Errorf("make serve after Ctrl-C: %s", st)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func copyDir(src, dst string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, bufio.NewReader(in)); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
		return os.Chtimes(target, info.ModTime(), info.ModTime())
	})
}
