//go:build linux || darwin || freebsd || netbsd || openbsd

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"unsafe"
)

func run(path string, args []string) int {
	tty := int(os.Stdin.Fd())
	self, err := foreground(tty)
	if err != nil { // not a terminal, or not ours: be the command
		if err := syscall.Exec(path, args, os.Environ()); err != nil {
			fmt.Fprintln(os.Stderr, "fg:", err)
			return 126
		}
	}
	// The terminal's signals go to the command's group; one that reaches
	// fg as well is caught and dropped (caught, not ignored: the command
	// must not inherit an ignored SIGINT). fg takes the terminal back from
	// the background, which needs SIGTTOU ignored.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM)
	cmd := exec.Command(path, args[1:]...)
	cmd.Args = args
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Foreground: true, Ctty: tty}
	if err = cmd.Start(); err == nil {
		signal.Ignore(syscall.SIGTTOU)
		err = cmd.Wait()
	}
	setForeground(tty, self)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exit.ExitCode()
	}
	fmt.Fprintln(os.Stderr, "fg:", err)
	return 126
}

// foreground returns the terminal's foreground process group if it is
// this process's own (fg was started in the foreground of a terminal).
func foreground(tty int) (int, error) {
	var pgrp int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(tty), uintptr(syscall.TIOCGPGRP), uintptr(unsafe.Pointer(&pgrp))); e != 0 {
		return 0, e
	}
	if int(pgrp) != syscall.Getpgrp() {
		return 0, errors.New("not in the terminal's foreground")
	}
	return int(pgrp), nil
}

func setForeground(tty, pgrp int) {
	p := int32(pgrp)
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(tty), uintptr(syscall.TIOCSPGRP), uintptr(unsafe.Pointer(&p)))
}
