/**
 * The server's three persistent worker threads follow the phase (issue 13, memory): the election-file
 * worker (electionFileWorker.ts), which reads the uploaded 110a and 230b, in phase 1 (started at the
 * first upload, stopped on leaving phase 1); the import worker (countImport.ts) in phase 2 of an HSB,
 * when count files are imported; the render worker (documents.ts), with its Typst compiler and fonts
 * (~45 MiB), in phase 3, when the documents are made. Never two at once: a 70 MB count file is imported
 * without the render worker (or the heap of a parsed 230b) beside it, and the documents are made
 * without the import worker. A worker still needed after all (a concept PV in phase 2) starts at its
 * first use, as before.
 */
import { HSB } from '../domain/installation.ts';
import type { AppContext } from './context.ts';
import { prestartImportWorker, stopImportWorker } from './countImport.ts';
import { startRenderWorker, stopRenderWorker } from './documents.ts';
import { stopElectionFileWorker } from './electionFileWorker.ts';
import { currentPhase, electionRow, installation } from './state.ts';

/** Servers whose workers are started ahead of use (`startServer`'s `startRenderWorker`, default true). */
const prestarting = new WeakSet<AppContext>();

/**
 * At server start: from now on this server starts the worker of its phase ahead of use (the render
 * worker when it is entering or in phase 3), starting with the current phase's.
 */
export function prestartPhaseWorkers(ctx: AppContext): void {
  prestarting.add(ctx);
  phaseWorkers(ctx);
}

/**
 * After every change of phase (and at start): start the worker of the new phase, stop the others.
 * The render worker is started ahead only for a server that pre-starts (see `prestartPhaseWorkers`);
 * the import worker at phase 2 of an HSB always (as the phase change always did); the election-file
 * worker never ahead (at its first upload; a running job finishes first).
 */
export function phaseWorkers(ctx: AppContext): void {
  const phase = currentPhase(ctx);
  if (phase !== 1) stopElectionFileWorker();
  if (phase === 2 && electionRow(ctx) !== undefined && installation(ctx) === HSB) prestartImportWorker();
  else stopImportWorker();
  if (phase !== 3) void stopRenderWorker({ drain: true }); // a job being rendered ends with its own message
  else if (prestarting.has(ctx)) startRenderWorker();
}
