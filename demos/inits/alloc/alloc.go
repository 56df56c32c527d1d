// Package alloc makes 1,000 heap objects of 64 bytes in its init (and one slice to hold them).
package alloc

const Objects = 1000

var Kept []*[64]byte

func init() {
	Kept = make([]*[64]byte, 0, Objects)
	for i := 0; i < Objects; i++ {
		Kept = append(Kept, new([64]byte))
	}
}
