module godbg.demo/tracehot

go 1.19
