/**
 * The two sum rules that hold for every vote block, typed or read from a file (docs/entry.md):
 * F.402, a list's total is the sum of its candidates' votes, and F.202, the valid votes (E,
 * `TotalCounted`) are the sum of the list totals. One wording each: the entry checks
 * (src/domain/checks.ts) and the import's arithmetic checks (src/domain/counts.ts) both use these.
 */

const fmt = (n: number): string => n.toLocaleString('nl-NL');

export function listSumMessage(listNumber: number, total: number, sum: number): string {
  return `Lijst ${listNumber}: het lijsttotaal (${fmt(total)}) is niet gelijk aan de som van de stemmen op de kandidaten (${fmt(sum)}).`;
}

export function validVotesMessage(E: number, sumLists: number): string {
  return `Het totaal aantal geldige stemmen (E = ${fmt(E)}) is niet gelijk aan de som van de lijsttotalen (${fmt(sumLists)}).`;
}
