/**
 * PV model O 3 as PDF/A-2b, rendered by Typst from the report model (model.ts). The template is
 * fixed; the model travels as JSON through `sys.inputs` (see ../typst.ts), so no user or EML text
 * is ever interpreted as markup.
 *
 * Layout: A4; footer on every page with the creation date, "pagina x van y" and the 510c's
 * SHA-256 (16 groups); a preview ("Concept") has a diagonal watermark and no hash; a practice run
 * ("OEFENING") has "OEFENING" as watermark and in the page header. Tables repeat
 * their header row on every page.
 */

import type { Result } from '../../domain/result.ts';
import { TYPST_PRELUDE, typstPdf, typstPvPage, type TypstError } from '../typst.ts';
import { HSB_LABELS, LISTS_PER_APPENDIX_TABLE, type O3Labels, type O3Model } from './model.ts';


/**
 * The Typst template for a set of labels (constants, never user text). With HSB_LABELS it is the
 * O 3 of the hoofdstembureau; with GEMEENTE_LABELS the municipality's PV (see gemeente.ts).
 */
export function o3Template(L: O3Labels): string {
  return String.raw`
${TYPST_PRELUDE}
${typstPvPage({
  titleExpr: `d.title + " – " + d.election.name + ${L.areaTitleExpr}`,
  authorExpr: L.authorExpr,
  bottomMargin: '2.6cm',
  footerSize: '8pt',
  hashCells: '      grid.cell(colspan: 2)[#if d.hash != none [SHA-256 telbestand (EML ' + L.emlKind + '): #d.hash] else [Geen hashcode: concept]],',
  practiceExpr: 'd.at("practice", default: false)',
})}

#let kv(rows) = table(
  columns: (1fr, auto),
  stroke: 0.4pt + luma(140),
  align: (left, right),
  ..rows.map(r => (r.at(0), r.at(1))).flatten(),
)

#align(center)[
  #text(size: 9pt)[${L.model}]\
  #text(size: 15pt, weight: "bold")[#d.title]\
  #v(2pt)
  #text(size: 11pt)[#d.election.name]\
  #text(size: 11pt)[${L.subtitleMarkup}]
]
#v(6pt)

= 1. Verkiezing
#kv((
  ([Verkiezing], [#d.election.name]),
  ([Datum van de stemming], [#d.election.dateText]),
))

= 2. Zitting van ${L.body}
#kv((
  ([Plaats], [#d.session.place]),
  ([Datum], [#d.session.date]),
  ([Tijd], [#d.session.time]),
${L.areaRows}  ([Aantal kiesgerechtigden], [#num(d.eligibleVoters)]),
))

= 3. Aantal uitgebrachte stemmen
#kv((
  ([Geldige stemmen op kandidaten (E)], [#num(d.votes.valid)]),
  ([Blanco stemmen (F)], [#num(d.votes.blank)]),
  ([Ongeldige stemmen (G)], [#num(d.votes.invalid)]),
  ([Totaal aantal getelde stembiljetten (H = E + F + G)], [#num(d.votes.total)]),
))

== Stemmen per lijst
#table(
  columns: (auto, 1fr, auto),
  align: (left, left, right),
  th([Lijst], [Aanduiding], [Stemmen]),
  ..d.lists.map(l => ([#num(l.listNumber)], [#l.name], [#num(l.total)])).flatten(),
  table.cell(colspan: 2)[*Totaal geldige stemmen*], [*#num(d.votes.valid)*],
)

#for l in d.lists [
  #block(breakable: true)[
    == Lijst #num(l.listNumber) – #l.name
    #table(
      columns: (auto, 1fr, auto),
      align: (right, left, right),
      th([Nr.], [Naam kandidaat], [Stemmen]),
      ..l.candidates.map(k => ([#num(k.position)], [#k.name], [#num(k.votes)])).flatten(),
      table.cell(colspan: 2)[*Totaal lijst #num(l.listNumber)*], [*#num(l.total)*],
    )
  ]
]

= 4. Verschillen tussen toegelaten kiezers en getelde stembiljetten
#kv((
  ([Aantal toegelaten kiezers (D)], [#n(d.differences.admittedVoters)]),
  ([Aantal getelde stembiljetten (H)], [#num(d.differences.ballotsFound)]),
  ([Meer getelde stembiljetten dan toegelaten kiezers (I)], [#num(d.differences.more)]),
  ([Minder getelde stembiljetten dan toegelaten kiezers (J)], [#num(d.differences.fewer)]),
))
#v(4pt)
Verklaringen voor de verschillen:
#table(
  columns: (auto, 1fr, auto),
  align: (left, left, right),
  th([], [Verklaring], [Aantal]),
  ..d.differences.explanations.map(e => ([#e.letter], [#e.label], [#num(e.count)])).flatten(),
)
#if d.differences.municipalities.len() > 0 [
  ${L.unitsTitle} met een verschil:
  #table(
    columns: (auto, 1fr, auto, auto),
    align: (left, left, right, right),
    th([${L.unitCode}], [${L.unit}], [Meer (I)], [Minder (J)]),
    ..d.differences.municipalities.map(m => ([#m.code], [#m.name], [#num(m.more)], [#num(m.fewer)])).flatten(),
  )
] else [Er zijn geen ${L.unitsLower} met een verschil.]

= 5. Volmachtbewijzen en kiezerspassen
#kv((
  ([Aantal geldige volmachtbewijzen (B)], [#num(d.proxies.proxyVotes)]),
  ([Aantal geldige kiezerspassen (C)], [#num(d.proxies.voterPasses)]),
))

= 6. Bezwaren van aanwezige kiezers
#if d.objections.none [Er zijn geen bezwaren ingebracht.] else [Er zijn bezwaren ingebracht: zie bijlage 1.]
#if d.remarks != "" [
  == Overige opmerkingen
  #d.remarks
]

= 7. Leden van ${L.body}
#if d.members.len() == 0 [Geen leden ingevuld.] else [
  #table(
    columns: (1fr, auto),
    th([Naam], [Functie]),
    ..d.members.map(m => ([#m.name], [#m.role])).flatten(),
  )
]

= 8. Ondertekening
Aldus vastgesteld en ondertekend te #d.session.place op #d.session.date.
#v(6pt)
#table(
  columns: (1fr, 1fr),
  stroke: none,
  row-gutter: 18pt,
  ..d.members.map(m => block(breakable: false)[#line(length: 90%, stroke: 0.4pt)#m.name #if m.role != "" [(#m.role)]]),
)

#if not d.objections.none [
  #pagebreak()
  = Bijlage 1: Bezwaren van aanwezige kiezers
  #for p in d.objections.text.split("\n") [#p \ ]
]

#pagebreak()
= Bijlage 2: Totalen per ${L.perUnit}
#set text(size: 8pt)
#table(
  columns: (auto, 1fr, auto, auto, auto, auto, auto, auto, auto, auto, auto),
  align: (left, left) + (right,) * 9,
  th([${L.unitCode}], [${L.unit}], [Kiesger.], [Volm. (B)], [K.pas (C)], [Geldig (E)], [Blanco (F)], [Ongeldig (G)], [Totaal (H)], [Meer (I)], [Minder (J)]),
  ..d.municipalities.map(m => (
    [#m.code], [#m.name], [#num(m.eligible)], [#n(m.proxies)], [#n(m.voterPasses)], [#num(m.valid)],
    [#num(m.blank)], [#num(m.invalid)], [#num(m.ballots)], [#n(m.more)], [#n(m.fewer)],
  )).flatten(),
  table.cell(colspan: 2)[*${L.totalRow}*], [*#num(d.eligibleVoters)*], [*#num(d.proxies.proxyVotes)*], [*#num(d.proxies.voterPasses)*],
  [*#num(d.votes.valid)*], [*#num(d.votes.blank)*], [*#num(d.votes.invalid)*], [*#num(d.votes.total)*],
  [*#num(d.differences.more)*], [*#num(d.differences.fewer)*],
)

#let per = ${LISTS_PER_APPENDIX_TABLE}
== Stemmen per lijst per ${L.perUnit}
#for start in range(0, d.lists.len(), step: per) [
  #let ls = d.lists.slice(start, calc.min(start + per, d.lists.len()))
  #table(
    columns: (auto, 1fr) + (auto,) * ls.len(),
    align: (left, left) + (right,) * ls.len(),
    th([${L.unitCode}], [${L.unit}], ..ls.map(l => [Lijst #num(l.listNumber)])),
    ..d.municipalities.map(m => ([#m.code], [#m.name], ..range(start, start + ls.len()).map(i => [#num(m.listTotals.at(i))]))).flatten(),
    table.cell(colspan: 2)[*${L.totalRow}*], ..ls.map(l => [*#num(l.total)*]),
  )
  #v(6pt)
]
`;
}

export const O3_TEMPLATE = o3Template(HSB_LABELS);

/** Render the O 3 modell to a PDF/A-2b document. */
export function o3Pdf(model: O3Model): Result<Buffer, TypstError> {
  return typstPdf(O3_TEMPLATE, model);
}

const templates = new Map<O3Labels, string>();

/** Render a PV model with the template of its labels (the gemeente's PV). */
export function pvPdf(model: O3Model, labels: O3Labels): Result<Buffer, TypstError> {
  let t = templates.get(labels);
  if (t === undefined) templates.set(labels, (t = o3Template(labels)));
  return typstPdf(t, model);
}
