module godbg.demo/conds

go 1.19
