module godbg.demo/values

go 1.19
