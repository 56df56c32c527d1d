module godbg.demo/crash

go 1.19
