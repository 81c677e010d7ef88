/**
 * PV model O 3 as ODT (OpenDocument text), from the same report model as the PDF (model.ts),
 * with the same sections and appendices. Footer on every page: creation date, the 510c's hash
 * (or "concept") and "pagina x van y"; a preview carries "CONCEPT" in the page header.
 */

import { writeOdt, type OdtBlock, type OdtCell } from '../odt.ts';
import { HSB_LABELS, LISTS_PER_APPENDIX_TABLE, formatCount, type O3Labels, type O3Model } from './model.ts';

const n = (x: number | null): string => (x === null ? '–' : formatCount(x));

/** Every number in the tables as the official models print it ("230.595"); list numbers and positions stay below 1.000. */
function withCounts(blocks: OdtBlock[]): OdtBlock[] {
  const cell = (c: OdtCell): OdtCell =>
    typeof c === 'number' ? formatCount(c) : typeof c === 'object' && typeof c.text === 'number' ? { ...c, text: formatCount(c.text) } : c;
  return blocks.map((b) => (b.type === 'table' ? { ...b, rows: b.rows.map((r) => r.map(cell)) } : b));
}
const b = (text: string | number, span?: number): OdtCell => (span ? { text, bold: true, span } : { text, bold: true });

function kv(rows: readonly (readonly [string, string | number])[]): OdtBlock {
  return { type: 'table', columns: [{ weight: 3 }, { weight: 1, align: 'right' }], rows: rows.map(([k, v]) => [k, v]) };
}

/** The document blocks of the O 3 (exposed for tests). */
export function o3OdtBlocks(m: O3Model, L: O3Labels = HSB_LABELS): OdtBlock[] {
  const g = m.gemeente;
  const out: OdtBlock[] = [];
  out.push({ type: 'paragraph', style: 'center', text: L.model });
  out.push({ type: 'paragraph', style: 'title', text: m.title });
  out.push({ type: 'paragraph', style: 'subtitle', text: m.election.name });
  out.push({
    type: 'paragraph',
    style: 'subtitle',
    text: g ? `Gemeente ${g.name} (${g.code}), kieskring ${m.kieskring.number} ${m.kieskring.name}` : `Kieskring ${m.kieskring.number} ${m.kieskring.name}`,
  });

  out.push({ type: 'heading', level: 1, text: '1. Verkiezing' });
  out.push(kv([['Verkiezing', m.election.name], ['Datum van de stemming', m.election.dateText]]));

  out.push({ type: 'heading', level: 1, text: `2. Zitting van ${L.body}` });
  out.push(
    kv([
      ['Plaats', m.session.place],
      ['Datum', m.session.date],
      ['Tijd', m.session.time],
      ...(g ? [['Gemeente', `${g.code} – ${g.name}`] as const] : []),
      ['Kieskring', `${m.kieskring.number} – ${m.kieskring.name}`],
      ['Aantal kiesgerechtigden', m.eligibleVoters],
    ]),
  );

  out.push({ type: 'heading', level: 1, text: '3. Aantal uitgebrachte stemmen' });
  out.push(
    kv([
      ['Geldige stemmen op kandidaten (E)', m.votes.valid],
      ['Blanco stemmen (F)', m.votes.blank],
      ['Ongeldige stemmen (G)', m.votes.invalid],
      ['Totaal aantal getelde stembiljetten (H = E + F + G)', m.votes.total],
    ]),
  );
  out.push({ type: 'heading', level: 2, text: 'Stemmen per lijst' });
  out.push({
    type: 'table',
    columns: [{ weight: 1 }, { weight: 8 }, { weight: 2, align: 'right' }],
    header: ['Lijst', 'Aanduiding', 'Stemmen'],
    rows: [...m.lists.map((l) => [l.listNumber, l.name, l.total]), [b('Totaal geldige stemmen', 2), b(m.votes.valid)]],
  });
  for (const l of m.lists) {
    out.push({ type: 'heading', level: 2, text: `Lijst ${l.listNumber} – ${l.name}` });
    out.push({
      type: 'table',
      columns: [{ weight: 1, align: 'right' }, { weight: 8 }, { weight: 2, align: 'right' }],
      header: ['Nr.', 'Naam kandidaat', 'Stemmen'],
      rows: [...l.candidates.map((c) => [c.position, c.name, c.votes]), [b(`Totaal lijst ${l.listNumber}`, 2), b(l.total)]],
    });
  }

  const d = m.differences;
  out.push({ type: 'heading', level: 1, text: '4. Verschillen tussen toegelaten kiezers en getelde stembiljetten' });
  out.push(
    kv([
      ['Aantal toegelaten kiezers (D)', n(d.admittedVoters)],
      ['Aantal getelde stembiljetten (H)', d.ballotsFound],
      ['Meer getelde stembiljetten dan toegelaten kiezers (I)', d.more],
      ['Minder getelde stembiljetten dan toegelaten kiezers (J)', d.fewer],
    ]),
  );
  out.push({ type: 'paragraph', text: 'Verklaringen voor de verschillen:' });
  out.push({
    type: 'table',
    columns: [{ weight: 1 }, { weight: 10 }, { weight: 2, align: 'right' }],
    header: ['', 'Verklaring', 'Aantal'],
    rows: d.explanations.map((e) => [e.letter, e.label, e.count]),
  });
  if (d.municipalities.length > 0) {
    out.push({ type: 'paragraph', text: `${L.unitsTitle} met een verschil:` });
    out.push({
      type: 'table',
      columns: [{ weight: 1 }, { weight: 6 }, { weight: 2, align: 'right' }, { weight: 2, align: 'right' }],
      header: [L.unitCode, L.unit, 'Meer (I)', 'Minder (J)'],
      rows: d.municipalities.map((r) => [r.code, r.name, r.more, r.fewer]),
    });
  } else {
    out.push({ type: 'paragraph', text: `Er zijn geen ${L.unitsLower} met een verschil.` });
  }

  out.push({ type: 'heading', level: 1, text: '5. Volmachtbewijzen en kiezerspassen' });
  out.push(kv([['Aantal geldige volmachtbewijzen (B)', m.proxies.proxyVotes], ['Aantal geldige kiezerspassen (C)', m.proxies.voterPasses]]));

  out.push({ type: 'heading', level: 1, text: '6. Bezwaren van aanwezige kiezers' });
  out.push({ type: 'paragraph', text: m.objections.none ? 'Er zijn geen bezwaren ingebracht.' : 'Er zijn bezwaren ingebracht: zie bijlage 1.' });
  if (m.remarks !== '') {
    out.push({ type: 'heading', level: 2, text: 'Overige opmerkingen' });
    out.push({ type: 'paragraph', text: m.remarks });
  }

  out.push({ type: 'heading', level: 1, text: `7. Leden van ${L.body}` });
  if (m.members.length === 0) out.push({ type: 'paragraph', text: 'Geen leden ingevuld.' });
  else out.push({ type: 'table', columns: [{ weight: 3 }, { weight: 2 }], header: ['Naam', 'Functie'], rows: m.members.map((x) => [x.name, x.role]) });

  out.push({ type: 'heading', level: 1, text: '8. Ondertekening' });
  out.push({ type: 'paragraph', text: `Aldus vastgesteld en ondertekend te ${m.session.place} op ${m.session.date}.` });
  out.push({
    type: 'table',
    columns: [{ weight: 3 }, { weight: 2 }],
    header: ['Naam', 'Handtekening'],
    rows: m.members.map((x) => [x.role ? `${x.name} (${x.role})` : x.name, '\n\n']),
  });

  if (!m.objections.none) {
    out.push({ type: 'pageBreak' });
    out.push({ type: 'heading', level: 1, text: 'Bijlage 1: Bezwaren van aanwezige kiezers' });
    out.push({ type: 'paragraph', text: m.objections.text });
  }

  out.push({ type: 'pageBreak' });
  out.push({ type: 'heading', level: 1, text: `Bijlage 2: Totalen per ${L.perUnit}` });
  out.push({
    type: 'table',
    small: true,
    columns: [{ weight: 1.2 }, { weight: 4 }, ...Array.from({ length: 9 }, () => ({ weight: 1.5, align: 'right' as const }))],
    header: [L.unitCode, L.unit, 'Kiesger.', 'Volm. (B)', 'K.pas (C)', 'Geldig (E)', 'Blanco (F)', 'Ongeldig (G)', 'Totaal (H)', 'Meer (I)', 'Minder (J)'],
    rows: [
      ...m.municipalities.map((r) => [r.code, r.name, r.eligible, n(r.proxies), n(r.voterPasses), r.valid, r.blank, r.invalid, r.ballots, n(r.more), n(r.fewer)]),
      [b(L.totalRow, 2), b(m.eligibleVoters), b(m.proxies.proxyVotes), b(m.proxies.voterPasses), b(m.votes.valid), b(m.votes.blank), b(m.votes.invalid), b(m.votes.total), b(d.more), b(d.fewer)],
    ],
  });
  out.push({ type: 'heading', level: 2, text: `Stemmen per lijst per ${L.perUnit}` });
  for (let start = 0; start < m.lists.length; start += LISTS_PER_APPENDIX_TABLE) {
    const ls = m.lists.slice(start, start + LISTS_PER_APPENDIX_TABLE);
    out.push({
      type: 'table',
      small: true,
      columns: [{ weight: 1.2 }, { weight: 4 }, ...ls.map(() => ({ weight: 1.5, align: 'right' as const }))],
      header: [L.unitCode, L.unit, ...ls.map((l) => `Lijst ${l.listNumber}`)],
      rows: [
        ...m.municipalities.map((r) => [r.code, r.name, ...ls.map((_, i) => r.listTotals[start + i] ?? 0)]),
        [b(L.totalRow, 2), ...ls.map((l) => b(l.total))],
      ],
    });
  }
  return withCounts(out);
}

/** The page header: "OEFENING" in practice mode, "CONCEPT" for a preview (both for a practice preview). */
function pageHeader(m: O3Model): string | null {
  const parts = [...(m.practice ? ['OEFENING'] : []), ...(m.concept ? ['CONCEPT'] : [])];
  return parts.length ? parts.join(' – ') : null;
}

/** Render the O 3 model as an .odt package. */
export function o3Odt(m: O3Model): Promise<Buffer> {
  return writeOdt({
    title: `${m.title} – ${m.election.name} – kieskring ${m.kieskring.number} ${m.kieskring.name}`,
    language: 'nl',
    country: 'NL',
    author: `Hoofdstembureau ${m.kieskring.name}`,
    created: m.createdAtIso,
    header: pageHeader(m),
    footerLines: [
      m.hash !== null ? `SHA-256 telbestand (EML 510c): ${m.hash}` : 'Geen hashcode: concept, niet definitief',
      `Aangemaakt: ${m.createdAt}`,
      ...(m.auditLog !== null ? [m.auditLog] : []),
    ],
    blocks: o3OdtBlocks(m),
  });
}

/** Render the gemeente's PV model (see gemeente.ts) as an .odt package. */
export function gemeentePvOdt(m: O3Model, L: O3Labels): Promise<Buffer> {
  const g = m.gemeente;
  const area = g ? `gemeente ${g.code} ${g.name}` : `kieskring ${m.kieskring.number} ${m.kieskring.name}`;
  return writeOdt({
    title: `${m.title} – ${m.election.name} – ${area}`,
    language: 'nl',
    country: 'NL',
    author: g ? `Gemeente ${g.name}` : `Hoofdstembureau ${m.kieskring.name}`,
    created: m.createdAtIso,
    header: pageHeader(m),
    footerLines: [
      m.hash !== null ? `SHA-256 telbestand (EML ${L.emlKind}): ${m.hash}` : 'Geen hashcode: concept, niet definitief',
      `Aangemaakt: ${m.createdAt}`,
      ...(m.auditLog !== null ? [m.auditLog] : []),
    ],
    blocks: o3OdtBlocks(m, L),
  });
}
