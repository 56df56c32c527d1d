module godbg.demo/bench_hot

go 1.19
