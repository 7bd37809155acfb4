// Runs the CLI from its TypeScript sources in a child process (tests start it with
// `node --conditions=source --import tsx`), so tests exercise the code they sit beside.
import { main } from '../src/index.js';

await main(process.argv);
