"""Replays script calls captured with MONITOR (script-replay.sh) against a Redis and prints, per script, the time
Redis spent inside it per request (INFO commandstats), with no app, client or load beside it.

usage: replay.py PORT MONITOR_FILE NAME=SOURCE_FILE...   (each SOURCE_FILE a Lua script, or a C# file whose first
raw string literal after `Source = ` is one)
"""
import os
import re
import socket
import struct
import sys

ESCAPES = {"n": 10, "r": 13, "t": 9, "a": 7, "b": 8, "\\": 92, '"': 34}


def unescape(text):
    """MONITOR's quoting of one argument, undone."""
    out, i = bytearray(), 0
    while i < len(text):
        if text[i] != "\\":
            out += text[i].encode("latin-1")
            i += 1
        elif text[i + 1] == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(ESCAPES[text[i + 1]])
            i += 2
    return bytes(out)


def captured_calls(path):
    """The captured EVALSHA calls of the counter script: (keys, argument, requests), deadline cleared so they run."""
    calls = []
    for line in open(path, encoding="latin-1"):
        if '"EVALSHA"' not in line or not line.rstrip("\n").endswith('"'):
            continue  # another command, or the last line, cut when MONITOR was stopped
        args = [unescape(a) for a in re.findall(r'"((?:[^"\\]|\\.)*)"', line)]
        count = int(args[2])
        keys, blob = args[3:3 + count], bytearray(args[3 + count])
        requests = struct.unpack_from("<h", blob, 8)[0]
        if requests > 0:
            blob[0:8] = bytes(8)  # header: deadline (i8) first; 0 is none
            calls.append((keys, bytes(blob), requests))
    return calls


def lua_source(path):
    text = open(path).read()
    if not path.endswith(".cs"):
        return text
    raw = re.search(r'Source = """\n(.*?)\n\s*""";', text, re.S)
    if raw:
        lines = raw.group(1).split("\n")
        indent = min(len(l) - len(l.lstrip()) for l in lines if l.strip())
        return "\n".join(l[indent:] for l in lines) + "\n"
    return re.search(r'Source = "(.*?)";', text).group(1)


class Redis:
    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port))
        self.reader = self.socket.makefile("rb")

    @staticmethod
    def encode(args):
        out = b"*%d\r\n" % len(args)
        for arg in args:
            arg = arg.encode() if isinstance(arg, str) else arg
            out += b"$%d\r\n%s\r\n" % (len(arg), arg)
        return out

    def read(self):
        line = self.reader.readline()
        kind, rest = line[:1], line[1:].strip()
        if kind == b"$":
            return None if rest == b"-1" else self.reader.read(int(rest) + 2)[:-2]
        if kind == b"*":
            return [self.read() for _ in range(int(rest))]
        if kind == b"-":
            raise RuntimeError(rest.decode("latin-1"))
        return rest

    def call(self, *args):
        self.socket.sendall(self.encode(args))
        return self.read()


def main():
    port, monitor, scripts = int(sys.argv[1]), sys.argv[2], [a.split("=", 1) for a in sys.argv[3:]]
    calls = captured_calls(monitor)
    if not calls:
        sys.exit("no counter script call was captured")
    requests = sum(c[2] for c in calls)
    print(f"# {len(calls)} captured calls, {requests / len(calls):.1f} requests and "
          f"{sum(len(c[0]) for c in calls) / len(calls):.1f} keys per call")
    redis, repeats, results = Redis(port), int(os.environ.get("REPEATS", "20")), {}
    for _ in range(int(os.environ.get("ROUNDS", "3"))):
        for name, path in scripts:
            sha = redis.call("SCRIPT", "LOAD", lua_source(path))
            redis.call("FLUSHALL")
            redis.call("CONFIG", "RESETSTAT")
            for _ in range(repeats):
                redis.socket.sendall(b"".join(Redis.encode(["EVALSHA", sha, str(len(k))] + k + [b]) for k, b, _ in calls))
                for _ in calls:
                    redis.read()
            stats = redis.call("INFO", "commandstats").decode()
            usec = int(re.search(r"cmdstat_evalsha:calls=\d+,usec=(\d+)", stats).group(1))
            results.setdefault(name, []).append(usec / (repeats * requests))
    for name, values in results.items():
        print(f"script={name} us_per_request=" + " ".join(f"{v:.2f}" for v in values) + f" median={sorted(values)[len(values) // 2]:.2f}")


main()
