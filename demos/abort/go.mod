module godbg.demo/abort

go 1.19
