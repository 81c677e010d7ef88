/**
 * Entry point of the `uitslag` command line (run by bin/uitslag: through tsx, or compiled to
 * dist/server/main.js by scripts/build-server.mjs).
 * All logic is in ./commands.ts; this file only wires the real process.
 */
import { defaultEnv, runCli } from './commands.ts';

process.exitCode = await runCli(process.argv.slice(2), defaultEnv());
