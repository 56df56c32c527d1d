module godbg.demo/postmortem

go 1.19
