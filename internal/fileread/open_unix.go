//go:build unix

package fileread

import "syscall"

const (
	openFlags    = syscall.O_NONBLOCK
	noFollowFlag = syscall.O_NOFOLLOW
)
