package store

import (
	"syscall"
	"unsafe"
)

// allocSlots returns n zeroed slots in memory the kernel is asked to back
// with transparent huge pages (THP is commonly in "madvise" mode, as on these
// machines): a bulk import probes the key table at random, and with 4 KiB
// pages most probes also miss the TLB. The memory is outside the Go heap
// (slots hold no pointers); free releases it and must be called exactly once.
func allocSlots(n int) (slots []keySlot, free func()) {
	size := n * int(unsafe.Sizeof(keySlot{}))
	if size < 4<<20 {
		return make([]keySlot, n), func() {}
	}
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]keySlot, n), func() {}
	}
	const madvHugepage = 14
	syscall.Madvise(b, madvHugepage) // advice only: the table works without it
	return unsafe.Slice((*keySlot)(unsafe.Pointer(unsafe.SliceData(b))), n), func() { syscall.Munmap(b) }
}
