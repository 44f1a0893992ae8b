// Command fg runs a command so that Ctrl-C in a terminal stops only it:
// `make serve` runs the demo server through it. In a terminal, the command
// gets a process group of its own and the terminal's foreground, so the
// terminal's SIGINT reaches the server alone, which exits 0; fg then gives
// the terminal back and exits with the command's status, and make, which
// never saw the signal, ends without an error (GNU make that gets SIGINT
// itself always dies by it: exit status 130). Without a terminal, fg runs
// the command in its own place (exec), signals and all.
//
//	fg command [args...]
package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: fg command [args...]")
		os.Exit(2)
	}
	path, err := exec.LookPath(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "fg:", err)
		os.Exit(127)
	}
	os.Exit(run(path, os.Args[1:]))
}
