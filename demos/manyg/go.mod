module godbg.demo/manyg

go 1.19
