module godbg.demo/offmain

go 1.19
