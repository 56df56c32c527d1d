module godbg.test/loadgen

go 1.19
