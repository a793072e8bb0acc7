"""`python -m dashboard.bench.peer_child`: one peer's run of one page in a process of
its own, so its time and peak memory are its own (peers.py starts it). It reads a
pickled (kind, page, PeerInput, runs) on stdin and writes a pickled (warm median ms,
peak MB, {frame: Arrow IPC bytes}) on stdout. A fresh interpreter, not a
multiprocessing child: that would re-run whatever `__main__` is (a page script, after
Streamlit's AppTest ran one in the same process)."""

from __future__ import annotations

import pickle
import statistics
import sys
import time


def main() -> None:
    from dashboard.bench.peers import own_peak_mb, run_peer

    kind, name, given, runs = pickle.load(sys.stdin.buffer)
    run_peer(kind, name, given)  # the first run loads the libraries and warms the cache
    times, result = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        result = run_peer(kind, name, given)
        times.append((time.perf_counter() - started) * 1000)
    frames = {k: v.write_ipc(None).getvalue() for k, v in result.items()}
    pickle.dump((statistics.median(times), own_peak_mb(), frames), sys.stdout.buffer)


if __name__ == "__main__":
    main()
