module godbg.demo/tracebacks

go 1.19
