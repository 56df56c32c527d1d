module godbg.demo/waiters

go 1.19
