module godbg.demo/traced

go 1.19
