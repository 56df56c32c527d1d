module godbg.demo/cgo

go 1.19
