package main

import (
	"errors"
	"fmt"
)

// usageError is a mistake in how clout was called: exit code 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// exitCode maps an error to the process exit status: 0 success, 1 runtime
// failure, 2 usage error.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// interruptedError is a command stopped by Ctrl-C or SIGTERM: its message
// says what was kept and how to go on; it unwraps to the context's error so
// that the exit code is 130.
type interruptedError struct {
	msg   string
	cause error
}

func (e *interruptedError) Error() string { return e.msg }
func (e *interruptedError) Unwrap() error { return e.cause }

func interrupted(cause error, format string, args ...any) error {
	return &interruptedError{msg: fmt.Sprintf(format, args...), cause: cause}
}
