/** A hung shutdown gives up after this long, exiting with 1. */
const FORCE_EXIT_MS = 15_000;

/**
 * SIGINT (Ctrl-C) and SIGTERM run `stop` once, then exit 0; a second signal, or a stop that
 * hangs, exits 1 at once. Used by the commands that start servers (`serve`, `dev`), so nothing
 * they started outlives them and no port stays bound.
 */
export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => process.exit(1), FORCE_EXIT_MS).unref();
    stop(signal).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`Stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (process.env.npm_command) watchParent(() => onSignal('SIGTERM'));
}

/** How often a process started through npm checks that its parent is still there. */
const PARENT_CHECK_MS = 500;
/** Read when the CLI loads, not when a server is up: the parent may be gone by then. */
const FIRST_PARENT = process.ppid;

/**
 * `npx switchboard …` runs node under `sh -c` under npm: a SIGTERM to npx ends npm and the
 * shell but never reaches node, which would keep serving with its port bound. So under npm, the
 * parent going away (node is handed to init or a subreaper) counts as a SIGTERM.
 */
function watchParent(onGone: () => void): void {
  const timer = setInterval(() => {
    if (process.ppid !== FIRST_PARENT) {
      clearInterval(timer);
      onGone();
    }
  }, PARENT_CHECK_MS);
  timer.unref();
}
