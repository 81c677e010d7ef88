/**
 * PV model P 22-1 as ODT (OpenDocument text), from the same report model as the PDF (model.ts), with
 * the same sections. Footer on every page: the SHA-256 of the 520 and the 510d (or "concept"), the
 * creation date, the audit chain's head and "pagina x van y"; "CONCEPT"/"OEFENING" in the page header.
 */
import { writeOdt, type OdtBlock, type OdtCell } from '../odt.ts';
import { formatCount } from '../o3/model.ts';
import type { P22Model } from './model.ts';

const n = (x: number | null): string => (x === null ? '–' : formatCount(x));
const b = (text: string | number, span?: number): OdtCell => {
  const t = typeof text === 'number' ? formatCount(text) : text;
  return span ? { text: t, bold: true, span } : { text: t, bold: true };
};

function kv(rows: readonly (readonly [string, string])[]): OdtBlock {
  return { type: 'table', columns: [{ weight: 3 }, { weight: 2, align: 'right' }], rows: rows.map(([k, v]) => [k, v]) };
}

/** The document blocks of the P 22-1 (exposed for tests). */
export function p22OdtBlocks(m: P22Model): OdtBlock[] {
  const out: OdtBlock[] = [];
  const h1 = (text: string) => out.push({ type: 'heading', level: 1, text });
  const h2 = (text: string) => out.push({ type: 'heading', level: 2, text });
  const p = (text: string) => out.push({ type: 'paragraph', text });
  const right = (weight: number) => ({ weight, align: 'right' as const });

  out.push({ type: 'paragraph', style: 'center', text: m.model });
  out.push({ type: 'paragraph', style: 'title', text: m.title });
  out.push({ type: 'paragraph', style: 'subtitle', text: m.election.name });
  out.push({ type: 'paragraph', style: 'subtitle', text: `Centraal stembureau – ${m.area}` });

  h1('1. Verkiezing');
  out.push(kv([['Verkiezing', m.election.name], ['Datum van de stemming', m.election.dateText], ['Aantal te verdelen zetels', n(m.seats)]]));

  h1('2. Zitting van het centraal stembureau');
  out.push(kv([['Plaats', m.session.place], ['Datum', m.session.date], ['Tijd', m.session.time]]));

  h1('3. Uitslag per kieskring');
  const t = m.total;
  out.push({
    type: 'table',
    small: true,
    columns: [right(0.8), { weight: 3 }, ...Array.from({ length: 9 }, () => right(1.5))],
    header: ['Nr.', 'Kieskring', 'Kiesger. (Z)', 'Volm. (B)', 'Toegel. (D)', 'Geldig (E)', 'Blanco (F)', 'Ongeldig (G)', 'Totaal (H)', 'Meer (I)', 'Minder (J)'],
    rows: [
      ...m.kieskringen.map((k) => [String(k.number), k.name, n(k.eligible), n(k.proxies), n(k.admitted), n(k.valid), n(k.blank), n(k.invalid), n(k.ballots), n(k.more), n(k.fewer)]),
      [b(`Totaal ${t.name}`, 2), b(n(t.eligible)), b(n(t.proxies)), b(n(t.admitted)), b(n(t.valid)), b(n(t.blank)), b(n(t.invalid)), b(n(t.ballots)), b(n(t.more)), b(n(t.fewer))],
    ],
  });

  h1('4. Correcties van de uitslag van een kieskring');
  if (m.corrections.length === 0) p('Er zijn geen uitslagen van kieskringen gecorrigeerd.');
  for (const c of m.corrections) {
    h2(`Kieskring ${c.kieskring}`);
    p(`Overgenomen: ${c.adopted}, door ${c.by}${c.at !== '' ? ` op ${c.at}` : ''}.`);
    p(`Reden: ${c.reason}`);
    out.push({
      type: 'table',
      columns: [{ weight: 6 }, right(2), right(2)],
      header: ['Veld', 'Eerste invoer', 'Tweede invoer'],
      rows: c.fields.map((f) => [f.label, f.first, f.second]),
    });
  }

  h1('5. Stemmen per lijst');
  out.push({
    type: 'table',
    columns: [right(1), { weight: 8 }, right(2)],
    header: ['Lijst', 'Aanduiding', 'Stemmen'],
    rows: [...m.lists.map((l) => [String(l.listNumber), l.name, n(l.votes)]), [b('Totaal stemmen op lijsten', 2), b(m.votes)]],
  });

  h1('6. Kiesdeler');
  out.push(
    kv([
      ['Totaal aantal stemmen op lijsten', n(m.votes)],
      ['Aantal te verdelen zetels', n(m.seats)],
      [`Kiesdeler (${n(m.votes)} : ${n(m.seats)}, P 5)`, m.quota],
    ]),
  );
  if (m.residualThreshold !== null) {
    p(m.residualThreshold);
    if (m.excluded.length === 0) p('Alle lijsten met stemmen halen de kiesdeler.');
    else {
      p('Deze lijsten doen daarom niet mee aan de verdeling van de restzetels:');
      out.push({
        type: 'table',
        columns: [right(1), { weight: 8 }, right(2)],
        header: ['Lijst', 'Aanduiding', 'Stemmen'],
        rows: m.excluded.map((l) => [String(l.listNumber), l.name, n(l.votes)]),
      });
    }
  }

  h1('7. Volle zetels');
  p(`Elke lijst krijgt zoveel volle zetels als de kiesdeler in haar stemmental begrepen is (P 6). In totaal ${n(m.fullSeats)} volle zetels; ${n(m.residualSeats)} restzetels.`);
  out.push({
    type: 'table',
    columns: [right(1), { weight: 7 }, right(2), right(2)],
    header: ['Lijst', 'Aanduiding', 'Stemmen', 'Volle zetels'],
    rows: m.lists.filter((l) => l.fullSeats > 0).map((l) => [String(l.listNumber), l.name, n(l.votes), n(l.fullSeats)]),
  });

  h1('8. Restzetels');
  if (m.residualSteps.length === 0) p('Er zijn geen restzetels.');
  else {
    out.push({
      type: 'table',
      columns: [right(1.2), right(1), { weight: 4 }, { weight: 5 }, right(2.5)],
      header: ['Restzetel', 'Lijst', 'Aanduiding', 'Wijze', 'Gemiddelde of overschot'],
      rows: m.residualSteps.map((s) => [String(s.nr), String(s.listNumber), s.name, s.byLot ? `${s.stage}, bij loting` : s.stage, s.value]),
    });
    h2('Vergelijking per restzetel');
    p('Per restzetel het gemiddelde (of overschot) van elke lijst die meedeed; vet: de lijst die de zetel kreeg.');
    for (const c of m.comparisons) {
      out.push({
        type: 'table',
        small: true,
        columns: [right(0.8), { weight: 3 }, ...c.seats.map(() => right(2))],
        header: ['Lijst', 'Aanduiding', ...c.seats.map((s) => `Restzetel ${s}`)],
        rows: c.rows.map((r) => [String(r.listNumber), r.name, ...r.values.map((v, i): OdtCell => (v === null ? '–' : r.won[i] ? b(v) : v))]),
      });
    }
  }
  if (m.majority !== null) {
    h2('Absolute meerderheid (P 9)');
    p(
      `Lijst ${m.majority.to} heeft meer dan de helft van de stemmen maar niet meer dan de helft van de zetels; zij krijgt een zetel van lijst ${m.majority.from}${m.majority.byLot ? ' (aangewezen bij loting)' : ''}.`,
    );
  }
  if (m.unfilled > 0) p(`Er ${m.unfilled === 1 ? 'blijft 1 zetel' : `blijven ${m.unfilled} zetels`} onvervuld: geen lijst heeft nog kandidaten (P 10).`);

  h1('9. Zetelverdeling');
  out.push({
    type: 'table',
    columns: [right(1), { weight: 6 }, right(2), right(1.5), right(1.5), right(1.5)],
    header: ['Lijst', 'Aanduiding', 'Stemmen', 'Volle zetels', 'Restzetels', 'Zetels'],
    rows: [
      ...m.lists.filter((l) => l.seats > 0).map((l) => [String(l.listNumber), l.name, n(l.votes), n(l.fullSeats), n(l.residualSeats), b(l.seats)]),
      [b('Totaal', 5), b(m.lists.reduce((s, l) => s + l.seats, 0))],
    ],
  });

  h1('10. Voorkeurdrempel en gekozenen met voorkeurstemmen');
  p(
    `De voorkeurdrempel is ${m.preferencePart} van de kiesdeler: ${m.preferenceThreshold} stemmen. Een kandidaat met meer stemmen dan de voorkeurdrempel is gekozen met voorkeurstemmen (P 15), zolang de lijst zetels heeft.`,
  );
  if (m.preferenceElected.length === 0) p('Geen kandidaat is met voorkeurstemmen gekozen.');
  else {
    out.push({
      type: 'table',
      columns: [right(1), { weight: 3 }, { weight: 5 }, right(2)],
      header: ['Lijst', 'Aanduiding', 'Kandidaat', 'Stemmen'],
      rows: m.preferenceElected.map((e) => [String(e.listNumber), e.listName, e.name, n(e.votes)]),
    });
  }

  h1('11. Verdeling over de lijsten van een lijstengroep');
  if (m.groups.length === 0) p('Geen lijstengroep met zetels.');
  for (const g of m.groups) {
    h2(`Lijst ${g.listNumber} – ${g.name}`);
    p(`${n(g.seats)} zetels, ${n(g.votes)} stemmen; groepskiesdeler ${g.quota} (P 12).`);
    out.push({
      type: 'table',
      columns: [{ weight: 4 }, right(2), right(1.5), right(1.5), right(1.5)],
      header: ['Lijst van', 'Stemmen', 'Volle zetels', 'Restzetels', 'Zetels'],
      rows: g.lists.map((l) => [l.label, n(l.votes), n(l.fullSeats), n(l.residualSeats), b(l.seats)]),
    });
    if (g.steps.length > 0) {
      out.push({
        type: 'table',
        columns: [right(1.2), { weight: 3 }, { weight: 5 }, right(2.5)],
        header: ['Restzetel', 'Lijst van', 'Wijze', 'Overschot of gemiddelde'],
        rows: g.steps.map((s) => [String(s.nr), s.list, s.byLot ? `${s.stage}, bij loting` : s.stage, s.value]),
      });
    }
    for (const move of g.moves) p(move);
  }

  h1('12. Gekozen kandidaten per lijst');
  p('Per lijst de gekozen kandidaten in volgorde, met de lijst (kieskring) waarop de kandidaat gekozen is (P 16, P 18).');
  for (const l of m.elected) {
    h2(`Lijst ${l.listNumber} – ${l.name} (${l.seats} ${l.seats === 1 ? 'zetel' : 'zetels'})`);
    out.push({
      type: 'table',
      columns: [right(0.8), { weight: 5 }, { weight: 3 }, right(1.8), { weight: 2.4 }, { weight: 3 }],
      header: ['Nr.', 'Naam', 'Woonplaats', 'Stemmen', 'Gekozen op', 'Lijst van'],
      rows: l.candidates.map((c) => [String(c.nr), c.name, c.locality, n(c.votes), c.how, c.position !== null ? `${c.placedOn}, nr. ${c.position}` : c.placedOn]),
    });
  }

  h1('13. Loting');
  if (m.lots.length === 0) p('Er is niet geloot.');
  else {
    out.push({
      type: 'table',
      columns: [right(0.8), { weight: 4 }, { weight: 4 }, { weight: 4 }, { weight: 3 }],
      header: ['Nr.', 'Loting', 'Tussen', 'Aangewezen', 'Ingevoerd'],
      rows: m.lots.map((l) => [String(l.nr), l.what, l.between, l.drawn, l.entered]),
    });
  }

  h1('14. Bestanden en auditlog');
  out.push(
    kv([
      ['SHA-256 resultaat (EML 520)', m.hash ?? '–'],
      ['SHA-256 totaaltelling (EML 510d)', m.countHash ?? '–'],
      ['Auditlog', m.auditLog ?? '–'],
    ]),
  );

  h1('15. Bezwaren en opmerkingen');
  if (m.objections.none) p('Er zijn geen bezwaren ingebracht.');
  else {
    p('Bezwaren van aanwezige kiezers:');
    p(m.objections.text);
  }
  if (m.remarks !== '') {
    h2('Overige opmerkingen');
    p(m.remarks);
  }

  h1('16. Leden en ondertekening');
  if (m.members.length === 0) p('Geen leden ingevuld.');
  else out.push({ type: 'table', columns: [{ weight: 3 }, { weight: 2 }], header: ['Naam', 'Functie'], rows: m.members.map((x) => [x.name, x.role]) });
  p(`Aldus vastgesteld en ondertekend${m.session.place !== '' ? ` te ${m.session.place}` : ''}${m.session.date !== '' ? ` op ${m.session.date}` : ''}.`);
  out.push({
    type: 'table',
    columns: [{ weight: 3 }, { weight: 2 }],
    header: ['Naam', 'Handtekening'],
    rows: m.members.map((x) => [x.role ? `${x.name} (${x.role})` : x.name, '\n\n']),
  });
  return out;
}

/** Render the P 22-1 model as an .odt package. */
export function p22Odt(m: P22Model): Promise<Buffer> {
  const header = [...(m.practice ? ['OEFENING'] : []), ...(m.concept ? ['CONCEPT'] : [])];
  return writeOdt({
    title: `${m.title} – ${m.election.name}`,
    language: 'nl',
    country: 'NL',
    author: `Centraal stembureau ${m.area}`,
    created: m.createdAtIso,
    header: header.length > 0 ? header.join(' – ') : null,
    footerLines: [
      m.hash !== null ? `SHA-256 resultaat (EML 520): ${m.hash}` : 'Geen hashcode: concept, niet definitief',
      ...(m.countHash !== null ? [`SHA-256 totaaltelling (EML 510d): ${m.countHash}`] : []),
      `Aangemaakt: ${m.createdAt}`,
      ...(m.auditLog !== null ? [m.auditLog] : []),
    ],
    blocks: p22OdtBlocks(m),
  });
}
