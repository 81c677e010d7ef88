/** Entry point of the compiled server child of the benchmarks (bench/support.ts buildCompiledChild). */
import { serveAsChild } from './support.ts';

await serveAsChild();
