# Stop once at each step of the Go bootstrap, as the seed articles do by hand with dlv.
tbreak _rt0_amd64_linux
tbreak _rt0_amd64
tbreak runtime.rt0_go
tbreak runtime.args
tbreak runtime.osinit
tbreak runtime.schedinit
tbreak runtime.newproc
tbreak runtime.mstart
tbreak runtime.main
tbreak main.main
continue
continue
continue
continue
continue
continue
continue
continue
continue
continue
# main.main reached; let the program print vim-go and exit.
continue
