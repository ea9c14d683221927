//go:build !unix

package fileread

const (
	openFlags    = 0
	noFollowFlag = 0
)
