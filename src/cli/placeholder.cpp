namespace godbg {}
