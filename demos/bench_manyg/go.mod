module godbg.demo/bench_manyg

go 1.19
