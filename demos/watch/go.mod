module godbg.demo/watch

go 1.19
