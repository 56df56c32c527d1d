module godbg.demo/gotest

go 1.19
