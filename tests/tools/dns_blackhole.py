#!/usr/bin/env python3
"""A name server that never answers: it reads queries on UDP port 53 of
the address given and drops them, so a resolver pointed at it waits for
its whole timeout.  For tests only, inside a private network namespace."""
import socket
import sys

addr = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.53"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, 53))
print("listening", flush=True)
while True:
    s.recvfrom(4096)
