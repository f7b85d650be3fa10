#!/usr/bin/env python3
"""probe.py — a yardstick of the machine's speed at this moment.

    probe.py [ROUNDS]

Compresses a fixed text of 16 MB (made here from a seeded generator, the
same bytes on every run) with zlib at level 9, ROUNDS times (3), and prints
"probe_s=S" — the best round's wall time in seconds — and the spread,
"probe_hi_s=S". It measures none of secstd's code: a higher figure on one
run than on another says the machine was slower, whatever the code being
measured did. The same figure says less: this is one core's arithmetic on
data in its cache, and memory traffic or the host's scheduling, which also
move a server under load, it sees only in part. A virtual machine's speed
moves with its neighbours; bench/run.sh prints the probe before each
corpus and at the end, so a missed target can be read against it
(bench/README.md).
"""
import random
import sys
import time
import zlib

WORDS = ("security standard key management authentication cryptographic "
         "protocol network privacy trust device identity certificate access "
         "control framework requirements architecture information technology "
         "techniques evaluation").split()


def text(nbytes=16 * 1024 * 1024):
    rng = random.Random(17)
    parts, size = [], 0
    while size < nbytes:
        line = " ".join(rng.choice(WORDS) if rng.random() < 0.85 else str(rng.randrange(100000))
                        for _ in range(12))
        parts.append(line)
        size += len(line) + 1
    return ("\n".join(parts) + "\n").encode()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    if rounds < 1:
        sys.exit("probe.py: ROUNDS must be 1 or more")
    data = text()
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        zlib.compress(data, 9)
        times.append(time.perf_counter() - t0)
    print("probe_s=%.3f probe_hi_s=%.3f" % (min(times), max(times)))


if __name__ == "__main__":
    main()
