module godbg.demo/threadstorm

go 1.19
