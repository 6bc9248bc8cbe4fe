#!/usr/bin/env python3
"""Start-up of the failsim CLI in alternating rounds (experiments/perf/cli-startup.md).

usage: python3 experiments/perf/cli-startup-rounds.py N CHECKOUT...
Each round runs, in every checkout in turn, `node bin/failsim.mjs run <seed> --set clients[0].rate=1/s
--json --no-progress`, `... explain <seed>`, `... --help` and `node -e 0`, and prints one line per
process: round, checkout (folder name), command, wall s, user s, sys s. CPU comes from wait4's
rusage (microseconds; /usr/bin/time rounds to 10 ms). Run it under `flock /work/wt/cpu.lock`."""
import os, sys, time
N = int(sys.argv[1]); trees = sys.argv[2:]
S = 'models/dynamodb-failover/c-failover.yaml'
CMDS = {
  'run': ['bin/failsim.mjs', 'run', S, '--set', 'clients[0].rate=1/s', '--json', '--no-progress'],
  'explain': ['bin/failsim.mjs', 'explain', S],
  'help': ['bin/failsim.mjs', '--help'],
  'bare': ['-e', '0'],
}
node = '/usr/bin/env'
devnull = os.open(os.devnull, os.O_WRONLY)
for r in range(1, N + 1):
  for t in trees:
    for c, args in CMDS.items():
      t0 = time.perf_counter()
      pid = os.fork()
      if pid == 0:
        os.chdir(t); os.dup2(devnull, 1); os.dup2(devnull, 2)
        os.execvp('node', ['node'] + args)
      _, status, ru = os.wait4(pid, 0)
      wall = time.perf_counter() - t0
      assert os.waitstatus_to_exitcode(status) == 0, (t, c)
      print(r, os.path.basename(t), c, f'{wall:.4f}', f'{ru.ru_utime:.4f}', f'{ru.ru_stime:.4f}', flush=True)
