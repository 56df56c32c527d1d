module godbg.demo/hello

go 1.19
