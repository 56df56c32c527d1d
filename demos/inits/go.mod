module godbg.demo/inits

go 1.19
