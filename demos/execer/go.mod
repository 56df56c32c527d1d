module godbg.demo/execer

go 1.19
