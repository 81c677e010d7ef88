/**
 * The election-file worker thread of phase 1 (see electionFileWorker.ts): reads an uploaded EML 110a
 * or 230b (and its hash code) per job and answers with the result.
 */
import { parentPort } from 'node:worker_threads';
import { serveElectionFiles } from './electionFileWorker.ts';

if (parentPort) serveElectionFiles(parentPort);
