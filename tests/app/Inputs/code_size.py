#!/usr/bin/env python3
"""code_size.py LIB.so...: the bytes of code of each ELF64 library (its
allocated, executable sections), one per line: what faas-app plan counts."""
import struct
import sys

for path in sys.argv[1:]:
    data = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    total = 0
    for i in range(shnum):
        flags, = struct.unpack_from("<Q", data, shoff + i * shentsize + 8)
        size, = struct.unpack_from("<Q", data, shoff + i * shentsize + 32)
        if flags & 0x2 and flags & 0x4:  # SHF_ALLOC, SHF_EXECINSTR
            total += size
    print(total)
