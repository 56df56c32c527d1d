module godbg.demo/counter

go 1.19
