package twarc

import (
	"bufio"
	"errors"
	"io"
)

// readBuf is the read buffer size. Lines longer than it (twarc2 pages are
// often several MB) are assembled in lineReader.long, which keeps its
// capacity for the next long line; there is no limit on line length.
const readBuf = 64 << 10

// lineReader returns the lines of an input one at a time.
type lineReader struct {
	br   *bufio.Reader
	long []byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, readBuf)}
}

// next returns the next line without its "\n" or "\r\n". The slice is valid
// until the next call. At the end of input it returns io.EOF, possibly with a
// last line that had no newline.
func (lr *lineReader) next() ([]byte, error) {
	b, err := lr.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		lr.long = append(lr.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = lr.br.ReadSlice('\n')
			lr.long = append(lr.long, b...)
		}
		b = lr.long
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b, err
}
