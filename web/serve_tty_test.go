package main

import (
	"io"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// `make serve` in a terminal (a pseudo-terminal made by script(1)), then
// Ctrl-C typed there: the server, which has the terminal's foreground to
// itself (web/internal/fg), stops alone and exits 0; make, which never got
// the signal, exits 0 too, and the shell goes on with the next command.
func TestMakeServeCtrlCInTerminal(t *testing.T) {
	makeBin, scriptBin := needTool(t, "make", "make"), needTool(t, "script", "bsdutils")
	root, dist, env := asAPerson(t)
	line := makeBin + " serve DIST=" + dist + " ADDR=127.0.0.1:0 FAKE_ADDR=127.0.0.1:0; echo \"make ended: $?\""
	cmd := exec.Command(scriptBin, "-qfec", line, "/dev/null")
	cmd.Dir, cmd.Env = root, env
	keys, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &output{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() {
		keys.Close()
		cmd.Process.Kill()
		<-exited
	}()
	out.await(t, regexp.MustCompile(`misskey-wasm demo: open http://127\.0\.0\.1:\d+/\r?\n`), 5*time.Minute, exited)
	time.Sleep(200 * time.Millisecond)
	if _, err := io.WriteString(keys, "\x03"); err != nil { // Ctrl-C, typed
		t.Fatal(err)
	}
	out.await(t, regexp.MustCompile(`make ended: \d+`), 20*time.Second, exited)
	got := out.String()
	t.Logf("the terminal's last lines:\n%s", lastLines(strings.ReplaceAll(got, "\r", ""), 3))
	if !strings.Contains(got, "make ended: 0") || regexp.MustCompile(`make(\[\d+\])?: \*\*\*`).MatchString(got) || !strings.Contains(got, "misskey-wasm demo: stopped") {
		t.Errorf("make serve, then Ctrl-C in a terminal:\n%s", got)
	}
}
