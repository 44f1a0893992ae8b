//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// run runs the command where process groups are not Unix's.
func run(path string, args []string) int {
	cmd := exec.Command(path, args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fg:", err)
		return 126
	}
	return 0
}
