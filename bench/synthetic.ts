/**
 * Synthetic, internally consistent count data for the benchmarks, in the shape of the real files:
 * the lists and candidates of a real TK2021 kieskring (230b), polling-station names and the
 * UncountedVotes set of the real 510b of Aa en Hunze (TK2023), and random numbers from a seeded PRNG
 * chosen so that every check of domain.md §5.3/§5.4 passes (A + B + C = D, E = Σ lists,
 * list = Σ candidates, H = E + F + G, D = H − I + J, blanco/ongeldig under 3 %, Z ≥ D).
 *
 * Same seed, same bytes. Nothing here touches the server.
 */
import { readFileSync } from 'node:fs';
import { sumCounts, type VoteCounts } from '../src/domain/counts.ts';
import { TK2023_RULES } from '../src/domain/ruleSets.ts';
import type { CandidateLists } from '../src/domain/election.ts';
import { countsToForm, type EntryForm } from '../src/domain/entry.ts';
import { readCandidateLists } from '../src/eml/eml230b.ts';
import { parsePollingStationText, writeEml510b, type PollingStationCounts } from '../src/eml/eml510write.ts';
import { readEml510 } from '../src/eml/eml510read.ts';
import { eml } from '../test/support/paths.ts';
import { TK2021_ELECTION } from '../test/support/counts.ts';

/** A small, fast, seeded PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rnd: () => number, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

/** The kieskring the benchmarks use: Zwolle (kieskring 4, 25 municipalities, 32 lists, 1,099 selections). */
export const BENCH_KIESKRING = {
  number: 4,
  name: 'Zwolle',
  listsFile: 'Kandidatenlijsten_TK2021_Zwolle.eml.xml',
  /** The municipality whose synthetic count file is imported (real code and name, of kieskring 4). */
  municipality: { code: '0193', name: 'Zwolle' },
} as const;

let listsCache: CandidateLists | null = null;

/** The candidate lists of kieskring Zwolle (TK2021), parsed once. */
export function benchLists(): CandidateLists {
  if (listsCache) return listsCache;
  const r = readCandidateLists(readFileSync(eml('tk2021', BENCH_KIESKRING.listsFile)));
  if (!r.ok) throw new Error(`${BENCH_KIESKRING.listsFile}: ${r.message}`);
  listsCache = r.value;
  return listsCache;
}

/** Number of Selection elements per vote block (lists + candidates). */
export function selectionsPerBlock(lists: CandidateLists): number {
  return lists.affiliations.reduce((n, a) => n + 1 + a.candidates.length, 0);
}

let stationNamesCache: { name: string; postcode: string | null }[] | null = null;

/** Polling-station names and postcodes of the real 510b of Aa en Hunze (TK2023). */
export async function realStationNames(): Promise<{ name: string; postcode: string | null }[]> {
  if (stationNamesCache) return stationNamesCache;
  const r = await readEml510(readFileSync(eml('tk2023', 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml')));
  if (!r.ok) throw new Error(`Aa en Hunze 510b: ${r.message}`);
  stationNamesCache = r.value.units.map((u) => parsePollingStationText(u.name));
  return stationNamesCache;
}

/**
 * One polling station's consistent counts: ~`voters` ballots spread over the lists by a fixed
 * popularity (with noise), within a list mostly on candidate 1, the rest thinly over the others.
 */
export function stationCounts(lists: CandidateLists, rnd: () => number, voters = int(rnd, 700, 1600)): VoteCounts {
  const n = lists.affiliations.length;
  // Zipf-like popularity by list number, with noise per station.
  const weights = lists.affiliations.map((_, i) => (1 / (i + 1)) * (0.6 + 0.8 * rnd()));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const F = int(rnd, 0, Math.floor(voters * 0.01)); // blanco < 3 %
  const G = int(rnd, 0, Math.floor(voters * 0.01)); // ongeldig < 3 %
  let E = 0;
  const listVotes = lists.affiliations.map((aff, i) => {
    const target = Math.floor(((voters - F - G) * weights[i]!) / wsum);
    const candidates = aff.candidates.map((c, k) => {
      const v = k === 0 ? Math.floor(target * (0.5 + 0.3 * rnd())) : rnd() < 0.5 ? int(rnd, 0, Math.max(0, Math.floor((target * 0.3) / Math.max(1, n)))) : 0;
      return { position: c.position, votes: v };
    });
    const total = candidates.reduce((a, c) => a + c.votes, 0);
    E += total;
    return { listNumber: aff.listNumber, total, candidates };
  });
  const H = E + F + G;
  // Now and then a ballot too few or too many, explained (as in the real file).
  const I = rnd() < 0.05 ? int(rnd, 1, 2) : 0;
  const J = I === 0 && rnd() < 0.1 ? int(rnd, 1, 3) : 0;
  const D = H - I + J;
  const B = Math.floor(D * (0.05 + 0.05 * rnd()));
  const C = Math.floor(D * 0.01 * rnd());
  const A = D - B - C;
  const Z = D + int(rnd, Math.floor(D * 0.15), Math.floor(D * 0.4));
  const values: Record<string, number> = {
    'geldige stempassen': A,
    'geldige volmachtbewijzen': B,
    'geldige kiezerspassen': C,
    'toegelaten kiezers': D,
    'meer getelde stembiljetten': I,
    'minder getelde stembiljetten': J,
    'geen verklaring': I + J,
  };
  return {
    cast: Z,
    totalCounted: E,
    rejected: { ongeldig: G, blanco: F },
    uncounted: TK2023_RULES.gemeente510b.map(({ reason }) => ({ reason, count: values[reason] ?? 0 })),
    lists: listVotes,
  };
}

export interface Synthetic510b {
  readonly eml: Buffer;
  readonly total: VoteCounts;
  readonly stations: number;
  readonly selectionsPerBlock: number;
  readonly municipality: { readonly code: string; readonly name: string };
  readonly kieskring: { readonly number: number; readonly name: string };
}

/**
 * A municipality's 510b with `stations` polling stations (default ~450: ~70 MB with Zwolle's 1,099
 * selections per block); the TotalVotes is the sum of the stations.
 */
export async function synthetic510b(opts: { stations?: number; seed?: number } = {}): Promise<Synthetic510b> {
  const stations = opts.stations ?? 450;
  const rnd = seededRandom(opts.seed ?? 20210317);
  const lists = benchLists();
  const names = await realStationNames();
  const polling: PollingStationCounts[] = [];
  for (let i = 1; i <= stations; i++) {
    const real = names[(i - 1) % names.length]!;
    const round = Math.floor((i - 1) / names.length);
    polling.push({ number: i, name: round === 0 ? real.name : `${real.name} ${round + 1}`, postcode: real.postcode, counts: stationCounts(lists, rnd) });
  }
  const total = sumCounts(polling.map((p) => p.counts));
  const k = { number: BENCH_KIESKRING.number, name: BENCH_KIESKRING.name };
  const r = writeEml510b({
    election: TK2021_ELECTION,
    municipality: BENCH_KIESKRING.municipality,
    kieskring: k,
    candidateLists: lists,
    total,
    pollingStations: polling,
    creationDateTime: '2021-03-18T10:00:00.000',
  });
  if (!r.ok) throw new Error(`writeEml510b: ${r.message}`);
  return { eml: r.value, total, stations, selectionsPerBlock: selectionsPerBlock(lists), municipality: BENCH_KIESKRING.municipality, kieskring: k };
}

/**
 * A complete, consistent entry form for one municipality (a few polling stations summed), distinct
 * per seed (so W.210 "identical to another municipality" does not fire).
 */
export function syntheticForm(seed: number, stations = 3): EntryForm {
  const rnd = seededRandom(seed);
  const lists = benchLists();
  const units: VoteCounts[] = [];
  for (let i = 0; i < stations; i++) units.push(stationCounts(lists, rnd));
  return countsToForm(sumCounts(units), lists);
}
