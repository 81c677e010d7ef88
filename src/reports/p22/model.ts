/**
 * The report model of PV model P 22-1, "Proces-verbaal van de verkiezingsuitslag" of the centraal
 * stembureau (Kieswet P 22; national.md §1.1): a plain, JSON-friendly object with every number and
 * name the PV shows, built from explicit inputs (the national result, the kieskringen's agreed counts,
 * the corrections, the drawn lots; no clock, no I/O). The renderers (PDF via Typst, ODT) only lay it
 * out, so the numbers are tested here once. The official model text was not available (national.md
 * §1.1); the sections follow what P 22 and issue 10 ask for:
 *
 *  1 election; 2 session; 3 the figures per kieskring (eligible voters, valid, blank and invalid
 *  votes, proxy votes, the differences between admitted voters and counted ballots); 4 corrections of
 *  kieskring figures with their reasons; 5 the votes per list; 6 the kiesdeler as an exact fraction
 *  and the lists excluded from the residual seats (P 7(2)); 7 full seats; 8 every residual seat with
 *  the averages (or remainders) compared, and P 9; 9 the seats per list; 10 the preference threshold
 *  and the candidates elected by preference votes (P 15); 11 the division over the lists of a list
 *  group (P 12, P 13, P 16(2)); 12 the elected candidates per list in order, with the kieskring list
 *  on which each is placed (P 16, P 18); 13 the lots drawn (P 14); 14 the files and the audit log;
 *  15 objections, remarks; 16 members and signatures.
 */
import { ballotsFound, sumCounts, uncountedValue, type VoteCounts } from '../../domain/counts.ts';
import { dutchDate, dutchDateTime, parseCreatedAt, type CreatedAtParts } from '../../domain/dates.ts';
import { candidateDisplayName } from '../../domain/election.ts';
import { formatHash } from '../../domain/hashcode.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { mul, type Fraction } from '../../domain/seats/fraction.ts';
import { electedInOrder, type NationalParty, type NationalResult } from '../../domain/seats/national.ts';
import type { SeatParameters } from '../../domain/seats/parameters.ts';
import { CANDIDATE_STAGE_TEXT, SEAT_STAGE_TEXT, stageText } from '../../domain/seats/stages.ts';
import { listNameFor510 } from '../../eml/eml510write.ts';
import { formatCount, type PvTextInput } from '../o3/model.ts';
import { kieskringRanges } from '../resultCsv.ts';

/** A decision of the election leader on a kieskring whose two entries differed (docs/csb.md "Corrections"). */
export interface P22Correction {
  readonly kieskring: { readonly number: number; readonly name: string };
  /** The entry taken over. */
  readonly choice: 'first' | 'second';
  /** The first entry: the HSB's signed count file (import) or typed. */
  readonly firstSource: 'import' | 'typed';
  /** The fields in which the entries differ, as labelled on the form, with both values. */
  readonly fields: readonly { readonly label: string; readonly first: number | null; readonly second: number | null }[];
  readonly reason: string;
  /** Who decided (user name). */
  readonly by: string;
  /** When, local 'yyyy-mm-ddThh:mm:ss' (null: unknown). */
  readonly at: string | null;
}

/** A drawn lot as stored (csb_lots). */
export interface P22Lot {
  readonly kind: 'seats' | 'candidates';
  /** For a lot within a list. */
  readonly listNumber: number | null;
  readonly stage: string;
  /** List numbers (seats), group list keys or person keys (candidates). */
  readonly between: readonly string[];
  readonly drawn: readonly string[];
  /** Local 'yyyy-mm-ddThh:mm:ss', and the user name of who entered it. */
  readonly enteredAt: string | null;
  readonly enteredBy: string | null;
}

export interface P22Input extends PvTextInput {
  readonly election: { readonly id: string; readonly name: string; readonly date: string };
  /** The STAAT region, e.g. 'Nederland'. */
  readonly area: string;
  readonly result: NationalResult;
  /** Every kieskring with its agreed counts, by number. */
  readonly kieskringen: readonly { readonly number: number; readonly name: string; readonly counts: VoteCounts }[];
  readonly parameters: Pick<SeatParameters, 'residualSeatThreshold' | 'preferenceThreshold'>;
  readonly corrections: readonly P22Correction[];
  readonly lots: readonly P22Lot[];
  /** SHA-256 (hex) of the 510d (the `emlHash` of PvTextInput is the 520's); null for a concept. */
  readonly countHash: string | null;
  readonly practice?: boolean;
}

export interface P22KieskringRow {
  readonly number: number;
  readonly name: string;
  /** Z, E, F, G, H */
  readonly eligible: number;
  readonly valid: number;
  readonly blank: number;
  readonly invalid: number;
  readonly ballots: number;
  /** B, D, I, J (null: not in the kieskring's count) */
  readonly proxies: number | null;
  readonly admitted: number | null;
  readonly more: number | null;
  readonly fewer: number | null;
}

export interface P22ListRow {
  readonly listNumber: number;
  readonly name: string;
  readonly votes: number;
  readonly fullSeats: number;
  readonly residualSeats: number;
  readonly seats: number;
  /** P 7(2): votes below the threshold, no residual seat. */
  readonly excluded: boolean;
}

export interface P22Comparison {
  /** The residual seats (1-based numbers) in this table's columns. */
  readonly seats: readonly number[];
  readonly rows: readonly {
    readonly listNumber: number;
    readonly name: string;
    /** Per column: the list's average (or remainder) at that seat; null when it did not take part. */
    readonly values: readonly (string | null)[];
    /** Per column: this list won that seat. */
    readonly won: readonly boolean[];
  }[];
}

export interface P22Candidate {
  /** Order of election within the list (1-based). */
  readonly nr: number;
  readonly name: string;
  readonly locality: string;
  readonly votes: number;
  /** 'voorkeurstemmen' (P 15) or 'lijstvolgorde' (P 17, P 18). */
  readonly how: string;
  /** The list on which the candidate is placed (P 16, P 18): 'kieskring 4', 'kieskringen 1-19'. */
  readonly placedOn: string;
  /** The candidate's position on that list. */
  readonly position: number | null;
}

export interface P22Model {
  readonly model: string;
  readonly title: string;
  readonly concept: boolean;
  readonly practice: boolean;
  /** SHA-256 of the 520 and of the 510d as 16 groups of 4, or null (concept). */
  readonly hash: string | null;
  readonly countHash: string | null;
  readonly auditLog: string | null;
  readonly createdAt: string;
  readonly createdAtIso: CreatedAtParts;
  readonly election: { readonly id: string; readonly name: string; readonly date: string; readonly dateText: string };
  readonly area: string;
  readonly seats: number;
  readonly session: { readonly place: string; readonly date: string; readonly time: string };
  readonly kieskringen: readonly P22KieskringRow[];
  readonly total: P22KieskringRow;
  readonly corrections: readonly {
    readonly kieskring: string;
    readonly adopted: string;
    readonly fields: readonly { readonly label: string; readonly first: string; readonly second: string }[];
    readonly reason: string;
    readonly by: string;
    readonly at: string;
  }[];
  /** The votes on lists, the seats, the kiesdeler (exact: '69.485 17/25'). */
  readonly votes: number;
  readonly quota: string;
  /** The threshold for residual seats in words, or null (none). */
  readonly residualThreshold: string | null;
  readonly lists: readonly P22ListRow[];
  /** Lists with votes that take no part in the residual seats (P 7(2)). */
  readonly excluded: readonly { readonly listNumber: number; readonly name: string; readonly votes: number }[];
  readonly fullSeats: number;
  readonly residualSeats: number;
  readonly residualSteps: readonly { readonly nr: number; readonly listNumber: number; readonly name: string; readonly stage: string; readonly value: string; readonly byLot: boolean }[];
  readonly comparisons: readonly P22Comparison[];
  /** P 9. */
  readonly majority: { readonly to: string; readonly from: string; readonly byLot: boolean } | null;
  readonly unfilled: number;
  /** '17.371 21/50', and the part of the kiesdeler ('25%'). */
  readonly preferenceThreshold: string;
  readonly preferencePart: string;
  readonly preferenceElected: readonly { readonly listNumber: number; readonly listName: string; readonly name: string; readonly votes: number }[];
  readonly groups: readonly {
    readonly listNumber: number;
    readonly name: string;
    readonly votes: number;
    readonly seats: number;
    readonly quota: string;
    readonly lists: readonly { readonly label: string; readonly votes: number; readonly fullSeats: number; readonly residualSeats: number; readonly seats: number }[];
    readonly steps: readonly { readonly nr: number; readonly list: string; readonly stage: string; readonly value: string; readonly byLot: boolean }[];
    readonly moves: readonly string[];
  }[];
  readonly elected: readonly { readonly listNumber: number; readonly name: string; readonly seats: number; readonly candidates: readonly P22Candidate[] }[];
  readonly lots: readonly { readonly nr: number; readonly what: string; readonly between: string; readonly drawn: string; readonly entered: string }[];
  readonly objections: { readonly none: boolean; readonly text: string };
  readonly remarks: string;
  readonly members: readonly { readonly name: string; readonly role: string }[];
}

/** Residual seats per comparison table (keeps A4 portrait readable). */
export const SEATS_PER_COMPARISON = 6;

export type P22Error = 'p22.date' | 'p22.hash' | 'p22.kieskring';

/** An exact fraction as the PV prints it: the whole part with thousands points, then the proper fraction ('69.485 17/25'). */
export function formatFraction(f: Fraction): string {
  const neg = f.n < 0n;
  const n = neg ? -f.n : f.n;
  const whole = n / f.d;
  const rest = n % f.d;
  const w = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const sign = neg ? '-' : '';
  if (rest === 0n) return `${sign}${w}`;
  if (whole === 0n) return `${sign}${rest}/${f.d}`;
  return `${sign}${w} ${rest}/${f.d}`;
}

/** A part of the kiesdeler in words: 1/4 → '25%', 1/10 → '10%', 1 → '100%' (exact fractions otherwise). */
function percent(f: Fraction): string {
  const p = f.n * 100n;
  return p % f.d === 0n ? `${p / f.d}%` : `${formatFraction(f)} maal`;
}



/** 'yyyy-mm-ddThh:mm:ss' → 'dd-mm-yyyy hh:mm'; '' for null or anything else. */
function localText(s: string | null): string {
  const c = s === null ? null : parseCreatedAt(s);
  return c === null ? '' : dutchDateTime(c);
}

const num = (x: number | null): string => (x === null ? '–' : formatCount(x));

function kieskringRow(number: number, name: string, c: VoteCounts): P22KieskringRow {
  return {
    number,
    name,
    eligible: c.cast,
    valid: c.totalCounted,
    blank: c.rejected.blanco,
    invalid: c.rejected.ongeldig,
    ballots: ballotsFound(c),
    proxies: uncountedValue(c, 'geldige volmachtbewijzen'),
    admitted: uncountedValue(c, 'toegelaten kiezers'),
    more: uncountedValue(c, 'meer getelde stembiljetten'),
    fewer: uncountedValue(c, 'minder getelde stembiljetten'),
  };
}

/** 'kieskring 4' or 'kieskringen 1-4, 6' (a set of identical lists). */
export function placementText(kieskringen: readonly number[]): string {
  return kieskringen.length === 1 ? `kieskring ${kieskringen[0] ?? ''}` : `kieskringen ${kieskringRanges(kieskringen)}`;
}

/** Build the P 22-1 report model. Fails (Dutch message) on bad dates or hashes. */
export function buildP22Model(input: P22Input): Result<P22Model, P22Error> {
  const created = parseCreatedAt(input.createdAt);
  if (created === null) return fail('p22.date', 'De aanmaakdatum van het proces-verbaal is ongeldig.', input.createdAt);
  const dateText = dutchDate(input.election.date);
  if (dateText === null) return fail('p22.date', 'De verkiezingsdatum is ongeldig.', input.election.date);
  const hex = /^[0-9a-fA-F]{64}$/;
  for (const h of [input.emlHash, input.countHash]) {
    if (h !== null && !hex.test(h)) return fail('p22.hash', 'De hashcode van een uitslagbestand is ongeldig.', h);
  }
  if (input.kieskringen.length === 0) return fail('p22.kieskring', 'Er zijn geen kieskringen met een uitslag.');
  const r = input.result;
  const a = r.allocation;

  const ks = [...input.kieskringen].sort((x, y) => x.number - y.number);
  const kieskringen = ks.map((k) => kieskringRow(k.number, k.name, k.counts));
  const total = kieskringRow(0, input.area, sumCounts(ks.map((k) => k.counts)));

  const partyOf = new Map(r.parties.map((p) => [String(p.party.listNumber), p]));
  const listName = (p: NationalParty): string => listNameFor510(p.party.affiliation);
  const nameOfList = (id: string): string => {
    const p = partyOf.get(id);
    return p ? `${p.party.listNumber} ${listName(p)}` : id;
  };

  const lists: P22ListRow[] = r.parties.map((p, i) => {
    const l = a.lists[i];
    return {
      listNumber: p.party.listNumber,
      name: listName(p),
      votes: p.votes,
      fullSeats: l?.fullSeats ?? 0,
      residualSeats: l?.residualSeats ?? 0,
      seats: p.seats,
      excluded: l?.belowResidualThreshold ?? false,
    };
  });

  // Residual seats, and the values compared at each.
  const residual = a.steps.flatMap((s) => (s.kind === 'residual' ? [s] : []));
  const residualSteps = residual.map((s, i) => {
    const p = partyOf.get(s.listId);
    return {
      nr: i + 1,
      listNumber: p?.party.listNumber ?? 0,
      name: p ? listName(p) : s.listId,
      stage: SEAT_STAGE_TEXT[s.stage],
      value: formatFraction(s.value),
      byLot: s.byLot,
    };
  });
  const comparisons: P22Comparison[] = [];
  for (let start = 0; start < residual.length; start += SEATS_PER_COMPARISON) {
    const chunk = residual.slice(start, start + SEATS_PER_COMPARISON);
    const ids = new Set(chunk.flatMap((s) => s.compared.map((c) => c.listId)));
    comparisons.push({
      seats: chunk.map((_, i) => start + i + 1),
      rows: r.parties
        .filter((p) => ids.has(String(p.party.listNumber)))
        .map((p) => {
          const id = String(p.party.listNumber);
          return {
            listNumber: p.party.listNumber,
            name: listName(p),
            values: chunk.map((s) => {
              const v = s.compared.find((c) => c.listId === id)?.value;
              return v === undefined ? null : formatFraction(v);
            }),
            won: chunk.map((s) => s.listId === id),
          };
        }),
    });
  }
  const p9 = a.steps.find((s) => s.kind === 'absolute-majority');

  // Preference votes, list groups, the elected.
  const personName = (p: NationalParty, key: string): string => {
    const c = p.party.persons.find((x) => x.key === key)?.candidate;
    return c ? candidateDisplayName(c) : key;
  };
  const listLabel = (p: NationalParty, key: string): string => {
    const l = p.lists.find((x) => x.key === key);
    return l ? placementText(l.kieskringen) : key;
  };
  const preferenceElected = r.parties.flatMap((p) =>
    electedInOrder(p)
      .filter((e) => e.ranking === 1)
      .map((e) => ({ listNumber: p.party.listNumber, listName: listName(p), name: personName(p, e.person), votes: p.personVotes.get(e.person) ?? e.votes })),
  );
  const groups = r.parties.flatMap((p) => {
    const g = p.result?.group;
    if (!p.result || !g) return [];
    const listSeats = p.result.listSeats;
    return [
      {
        listNumber: p.party.listNumber,
        name: listName(p),
        votes: p.votes,
        seats: p.seats,
        quota: formatFraction(g.quota),
        lists: p.lists.map((l) => ({
          label: placementText(l.kieskringen),
          votes: l.votes,
          fullSeats: g.fullSeats.get(l.key) ?? 0,
          residualSeats: g.steps.filter((s) => s.list === l.key).length,
          seats: listSeats.get(l.key) ?? 0,
        })),
        steps: g.steps.map((s, i) => ({ nr: i + 1, list: listLabel(p, s.list), stage: CANDIDATE_STAGE_TEXT[s.stage], value: formatFraction(s.value), byLot: s.byLot })),
        moves: g.moves.map((m) =>
          m.rule === 'P 16(2)'
            ? `P 16, tweede lid: de zetel van de lijst van ${listLabel(p, m.from)} gaat naar de lijst van ${listLabel(p, m.to)} voor ${m.person === null ? 'de kandidaat' : personName(p, m.person)}.`
            : `P 13: de lijst van ${listLabel(p, m.from)} heeft geen kandidaten meer; de zetel gaat naar de lijst van ${listLabel(p, m.to)}.`,
        ),
      },
    ];
  });
  const elected = r.parties
    .filter((p) => p.result !== null && p.seats > 0)
    .map((p) => ({
      listNumber: p.party.listNumber,
      name: listName(p),
      seats: p.seats,
      candidates: electedInOrder(p).map((e, i) => {
        const person = p.party.persons.find((x) => x.key === e.person);
        const on = p.lists.find((l) => l.key === e.list);
        const placement = person?.placements.find((pl) => on?.kieskringen.includes(pl.kieskring));
        return {
          nr: i + 1,
          name: person ? candidateDisplayName(person.candidate) : e.person,
          locality: person?.candidate.locality ?? '',
          votes: p.personVotes.get(e.person) ?? e.votes,
          how: e.ranking === 1 ? 'voorkeurstemmen' : 'lijstvolgorde',
          placedOn: on ? placementText(on.kieskringen) : e.list,
          position: placement?.position ?? null,
        };
      }),
    }));

  // Lots: names instead of keys.
  const lots = input.lots.map((l, i) => {
    const p = l.listNumber !== null ? partyOf.get(String(l.listNumber)) : undefined;
    const name = (x: string): string =>
      l.kind === 'seats' ? nameOfList(x) : p === undefined ? x : l.stage === 'preference' ? personName(p, x) : `lijst van ${listLabel(p, x)}`;
    return {
      nr: i + 1,
      what: `${stageText(l.stage)}${p ? `, lijst ${p.party.listNumber} ${listName(p)}` : ''}`,
      between: l.between.map(name).join('; '),
      drawn: l.drawn.map(name).join('; '),
      entered: [localText(l.enteredAt), l.enteredBy ?? ''].filter((x) => x !== '').join(', '),
    };
  });

  const corrections = input.corrections.map((c) => ({
    kieskring: `${c.kieskring.number} ${c.kieskring.name}`,
    adopted:
      c.choice === 'second'
        ? `de tweede invoer${c.firstSource === 'import' ? ' (in plaats van het telbestand van het hoofdstembureau)' : ''}`
        : `de eerste invoer${c.firstSource === 'import' ? ' (het telbestand van het hoofdstembureau)' : ''}`,
    fields: c.fields.map((f) => ({ label: f.label, first: num(f.first), second: num(f.second) })),
    reason: c.reason,
    by: c.by,
    at: localText(c.at),
  }));

  const threshold = input.parameters.residualSeatThreshold;
  const objectionText = (input.objections ?? '').trim();
  return ok({
    model: 'Model P 22-1',
    title: 'Proces-verbaal van de verkiezingsuitslag',
    concept: input.emlHash === null,
    practice: input.practice === true,
    hash: input.emlHash === null ? null : formatHash(input.emlHash),
    countHash: input.countHash === null ? null : formatHash(input.countHash),
    auditLog:
      input.auditHead && hex.test(input.auditHead.hash) ? `Auditlog: ${input.auditHead.length} records, laatste hash ${formatHash(input.auditHead.hash)}` : null,
    createdAt: dutchDateTime(created),
    createdAtIso: created,
    election: { id: input.election.id, name: input.election.name, date: input.election.date, dateText },
    area: input.area,
    seats: a.totalSeats,
    session: { place: input.session.place, date: input.session.date, time: input.session.time },
    kieskringen,
    total,
    corrections,
    votes: Number(a.totalVotes),
    quota: formatFraction(a.quota),
    residualThreshold:
      a.large && threshold !== null
        ? `Lijsten met minder stemmen dan ${percent(threshold)} van de kiesdeler (${formatFraction(mul(threshold, a.quota))}) krijgen geen restzetel (P 7, tweede lid).`
        : null,
    lists,
    excluded: lists.filter((l) => l.excluded && l.votes > 0).map((l) => ({ listNumber: l.listNumber, name: l.name, votes: l.votes })),
    fullSeats: lists.reduce((n, l) => n + l.fullSeats, 0),
    residualSeats: residual.length,
    residualSteps,
    comparisons,
    majority: p9 && p9.kind === 'absolute-majority' ? { to: nameOfList(p9.to), from: nameOfList(p9.from), byLot: p9.byLot } : null,
    unfilled: a.unfilled,
    preferenceThreshold: formatFraction(mul(input.parameters.preferenceThreshold, a.quota)),
    preferencePart: percent(input.parameters.preferenceThreshold),
    preferenceElected,
    groups,
    elected,
    lots,
    objections: { none: objectionText === '', text: objectionText },
    remarks: (input.remarks ?? '').trim(),
    members: input.members.map((m) => ({ name: m.name, role: m.role ?? '' })),
  });
}
