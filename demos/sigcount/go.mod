module godbg.demo/sigcount

go 1.19
