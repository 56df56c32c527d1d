module godbg.demo/bench_threads

go 1.19
