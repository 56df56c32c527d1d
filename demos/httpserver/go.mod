module godbg.demo/httpserver

go 1.19
