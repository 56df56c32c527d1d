module godbg.demo/intarget

go 1.19
