module godbg.demo/forker

go 1.19
