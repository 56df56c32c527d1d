module godbg.demo/generics

go 1.19
