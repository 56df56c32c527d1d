module godbg.demo/bench_next

go 1.19
