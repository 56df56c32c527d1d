module godbg.demo/inlined

go 1.19
