module dapdemo

go 1.19
