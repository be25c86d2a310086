"""The CPython side of the FFI benchmark: N calls of add() from
libhakobenchadd.so through ctypes. Usage: add_ctypes.py LIBRARY N"""
import ctypes
import sys

lib = ctypes.CDLL(sys.argv[1])
add = lib.add
add.argtypes = (ctypes.c_int64, ctypes.c_int64)
add.restype = ctypes.c_int64
n = int(sys.argv[2])
s = 0
for i in range(n):
    s = add(s, i)
print(s)
