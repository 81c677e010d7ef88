/**
 * PV model P 22-1 as PDF/A-2b, rendered by Typst from the report model (model.ts). The template is
 * fixed; the model travels as JSON through `sys.inputs` (see ../typst.ts), so no user or EML text is
 * ever interpreted as markup. Layout as the O 3 (../o3/pdf.ts): A4, a footer on every page with the
 * creation date, "pagina x van y", the SHA-256 of the 520 and the 510d and the audit chain's head;
 * "Concept" / "OEFENING" watermarks; tables repeat their header row on every page.
 */
import type { Result } from '../../domain/result.ts';
import { TYPST_PRELUDE, typstPdf, typstPvPage, type TypstError } from '../typst.ts';
import type { P22Model } from './model.ts';

export const P22_TEMPLATE = String.raw`
${TYPST_PRELUDE}
${typstPvPage({
  titleExpr: 'd.title + " – " + d.election.name',
  authorExpr: '"Centraal stembureau"',
  bottomMargin: '2.9cm',
  footerSize: '7pt',
  hashCells: [
    '      grid.cell(colspan: 2)[#if d.hash != none [SHA-256 resultaat (EML 520): #d.hash] else [Geen hashcode: concept]],',
    '      ..if d.countHash != none { (grid.cell(colspan: 2)[SHA-256 totaaltelling (EML 510d): #d.countHash],) },',
  ].join('\n'),
  practiceExpr: 'd.practice',
})}
#let kv(rows) = table(
  columns: (1fr, auto),
  align: (left, right),
  ..rows.map(r => (r.at(0), r.at(1))).flatten(),
)

#align(center)[
  #text(size: 9pt)[#d.model]\
  #text(size: 15pt, weight: "bold")[#d.title]\
  #v(2pt)
  #text(size: 11pt)[#d.election.name]\
  #text(size: 11pt)[Centraal stembureau – #d.area]
]
#v(6pt)

= 1. Verkiezing
#kv((
  ([Verkiezing], [#d.election.name]),
  ([Datum van de stemming], [#d.election.dateText]),
  ([Aantal te verdelen zetels], [#num(d.seats)]),
))

= 2. Zitting van het centraal stembureau
#kv((
  ([Plaats], [#d.session.place]),
  ([Datum], [#d.session.date]),
  ([Tijd], [#d.session.time]),
))

= 3. Uitslag per kieskring
#set text(size: 8pt)
#table(
  columns: (auto, 1fr, auto, auto, auto, auto, auto, auto, auto, auto, auto),
  align: (right, left) + (right,) * 9,
  th([Nr.], [Kieskring], [Kiesger. (Z)], [Volm. (B)], [Toegel. (D)], [Geldig (E)], [Blanco (F)], [Ongeldig (G)], [Totaal (H)], [Meer (I)], [Minder (J)]),
  ..d.kieskringen.map(k => (
    [#k.number], [#k.name], [#num(k.eligible)], [#n(k.proxies)], [#n(k.admitted)], [#num(k.valid)],
    [#num(k.blank)], [#num(k.invalid)], [#num(k.ballots)], [#n(k.more)], [#n(k.fewer)],
  )).flatten(),
  table.cell(colspan: 2)[*Totaal #d.total.name*], [*#num(d.total.eligible)*], [*#n(d.total.proxies)*], [*#n(d.total.admitted)*],
  [*#num(d.total.valid)*], [*#num(d.total.blank)*], [*#num(d.total.invalid)*], [*#num(d.total.ballots)*], [*#n(d.total.more)*], [*#n(d.total.fewer)*],
)
#set text(size: 10pt)

= 4. Correcties van de uitslag van een kieskring
#if d.corrections.len() == 0 [Er zijn geen uitslagen van kieskringen gecorrigeerd.] else [
  #for k in d.corrections [
    #block(breakable: true)[
      == Kieskring #k.kieskring
      Overgenomen: #k.adopted, door #k.by#if k.at != "" [ op #k.at].\
      Reden: #k.reason
      #table(
        columns: (1fr, auto, auto),
        align: (left, right, right),
        th([Veld], [Eerste invoer], [Tweede invoer]),
        ..k.fields.map(f => ([#f.label], [#f.first], [#f.second])).flatten(),
      )
    ]
  ]
]

= 5. Stemmen per lijst
#table(
  columns: (auto, 1fr, auto),
  align: (right, left, right),
  th([Lijst], [Aanduiding], [Stemmen]),
  ..d.lists.map(l => ([#l.listNumber], [#l.name], [#num(l.votes)])).flatten(),
  table.cell(colspan: 2)[*Totaal stemmen op lijsten*], [*#num(d.votes)*],
)

= 6. Kiesdeler
#kv((
  ([Totaal aantal stemmen op lijsten], [#num(d.votes)]),
  ([Aantal te verdelen zetels], [#num(d.seats)]),
  ([Kiesdeler (#num(d.votes) : #num(d.seats), P 5)], [*#d.quota*]),
))
#if d.residualThreshold != none [
  #v(4pt)
  #d.residualThreshold
  #if d.excluded.len() == 0 [Alle lijsten met stemmen halen de kiesdeler.] else [
    Deze lijsten doen daarom niet mee aan de verdeling van de restzetels:
    #table(
      columns: (auto, 1fr, auto),
      align: (right, left, right),
      th([Lijst], [Aanduiding], [Stemmen]),
      ..d.excluded.map(l => ([#l.listNumber], [#l.name], [#num(l.votes)])).flatten(),
    )
  ]
]

= 7. Volle zetels
Elke lijst krijgt zoveel volle zetels als de kiesdeler in haar stemmental begrepen is (P 6). In totaal #num(d.fullSeats) volle zetels; #num(d.residualSeats) restzetels.
#table(
  columns: (auto, 1fr, auto, auto),
  align: (right, left, right, right),
  th([Lijst], [Aanduiding], [Stemmen], [Volle zetels]),
  ..d.lists.filter(l => l.fullSeats > 0).map(l => ([#l.listNumber], [#l.name], [#num(l.votes)], [#num(l.fullSeats)])).flatten(),
)

= 8. Restzetels
#if d.residualSteps.len() == 0 [Er zijn geen restzetels.] else [
  #table(
    columns: (auto, auto, 1fr, auto, auto),
    align: (right, right, left, left, right),
    th([Restzetel], [Lijst], [Aanduiding], [Wijze], [Gemiddelde of overschot]),
    ..d.residualSteps.map(s => ([#s.nr], [#s.listNumber], [#s.name], [#s.stage#if s.byLot [, bij loting]], [#s.value])).flatten(),
  )
  == Vergelijking per restzetel
  Per restzetel het gemiddelde (of overschot) van elke lijst die meedeed; vet: de lijst die de zetel kreeg.
  #set text(size: 8pt)
  #for t in d.comparisons [
    #table(
      columns: (auto, 1fr) + (auto,) * t.seats.len(),
      align: (right, left) + (right,) * t.seats.len(),
      th([Lijst], [Aanduiding], ..t.seats.map(s => [Restzetel #s])),
      ..t.rows.map(r => (
        [#r.listNumber], [#r.name],
        ..range(t.seats.len()).map(i => {
          let v = r.values.at(i)
          if v == none { [–] } else if r.won.at(i) { strong(v) } else { v }
        }),
      )).flatten(),
    )
    #v(4pt)
  ]
  #set text(size: 10pt)
]
#if d.majority != none [
  == Absolute meerderheid (P 9)
  Lijst #d.majority.to heeft meer dan de helft van de stemmen maar niet meer dan de helft van de zetels; zij krijgt een zetel van lijst #d.majority.from#if d.majority.byLot [ (aangewezen bij loting)].
]
#if d.unfilled > 0 [
  Er #if d.unfilled == 1 [blijft 1 zetel] else [blijven #d.unfilled zetels] onvervuld: geen lijst heeft nog kandidaten (P 10).
]

= 9. Zetelverdeling
#table(
  columns: (auto, 1fr, auto, auto, auto, auto),
  align: (right, left, right, right, right, right),
  th([Lijst], [Aanduiding], [Stemmen], [Volle zetels], [Restzetels], [Zetels]),
  ..d.lists.filter(l => l.seats > 0).map(l => ([#l.listNumber], [#l.name], [#num(l.votes)], [#num(l.fullSeats)], [#num(l.residualSeats)], [*#num(l.seats)*])).flatten(),
  table.cell(colspan: 5)[*Totaal*], [*#num(d.lists.map(l => l.seats).sum(default: 0))*],
)

= 10. Voorkeurdrempel en gekozenen met voorkeurstemmen
De voorkeurdrempel is #d.preferencePart van de kiesdeler: *#d.preferenceThreshold* stemmen. Een kandidaat met meer stemmen dan de voorkeurdrempel is gekozen met voorkeurstemmen (P 15), zolang de lijst zetels heeft.
#if d.preferenceElected.len() == 0 [Geen kandidaat is met voorkeurstemmen gekozen.] else [
  #table(
    columns: (auto, auto, 1fr, auto),
    align: (right, left, left, right),
    th([Lijst], [Aanduiding], [Kandidaat], [Stemmen]),
    ..d.preferenceElected.map(e => ([#e.listNumber], [#e.listName], [#e.name], [#num(e.votes)])).flatten(),
  )
]

= 11. Verdeling over de lijsten van een lijstengroep
#if d.groups.len() == 0 [Geen lijstengroep met zetels.] else [
  #for g in d.groups [
    #block(breakable: true)[
      == Lijst #g.listNumber – #g.name
      #num(g.seats) zetels, #num(g.votes) stemmen; groepskiesdeler *#g.quota* (P 12).
      #table(
        columns: (1fr, auto, auto, auto, auto),
        align: (left, right, right, right, right),
        th([Lijst van], [Stemmen], [Volle zetels], [Restzetels], [Zetels]),
        ..g.lists.map(l => ([#l.label], [#num(l.votes)], [#num(l.fullSeats)], [#num(l.residualSeats)], [*#num(l.seats)*])).flatten(),
      )
      #if g.steps.len() > 0 [
        #table(
          columns: (auto, 1fr, auto, auto),
          align: (right, left, left, right),
          th([Restzetel], [Lijst van], [Wijze], [Overschot of gemiddelde]),
          ..g.steps.map(s => ([#s.nr], [#s.list], [#s.stage#if s.byLot [, bij loting]], [#s.value])).flatten(),
        )
      ]
      #for m in g.moves [#m \ ]
    ]
  ]
]

= 12. Gekozen kandidaten per lijst
Per lijst de gekozen kandidaten in volgorde, met de lijst (kieskring) waarop de kandidaat gekozen is (P 16, P 18).
#for l in d.elected [
  #block(breakable: true)[
    == Lijst #l.listNumber – #l.name (#l.seats #if l.seats == 1 [zetel] else [zetels])
    #set text(size: 9pt)
    #table(
      columns: (auto, 1.6fr, 1fr, auto, auto, auto),
      align: (right, left, left, right, left, left),
      th([Nr.], [Naam], [Woonplaats], [Stemmen], [Gekozen op], [Lijst van]),
      ..l.candidates.map(k => ([#k.nr], [#k.name], [#k.locality], [#num(k.votes)], [#k.how], [#k.placedOn#if k.position != none [, nr. #k.position]])).flatten(),
    )
  ]
]

= 13. Loting
#if d.lots.len() == 0 [Er is niet geloot.] else [
  #table(
    columns: (auto, 1fr, 1fr, 1fr, auto),
    align: (right, left, left, left, left),
    th([Nr.], [Loting], [Tussen], [Aangewezen], [Ingevoerd]),
    ..d.lots.map(l => ([#l.nr], [#l.what], [#l.between], [#l.drawn], [#l.entered])).flatten(),
  )
]

= 14. Bestanden en auditlog
#kv((
  ([SHA-256 resultaat (EML 520)], [#if d.hash != none [#d.hash] else [–]]),
  ([SHA-256 totaaltelling (EML 510d)], [#if d.countHash != none [#d.countHash] else [–]]),
  ([Auditlog], [#if d.auditLog != none [#d.auditLog] else [–]]),
))

= 15. Bezwaren en opmerkingen
#if d.objections.none [Er zijn geen bezwaren ingebracht.] else [
  Bezwaren van aanwezige kiezers:\
  #for p in d.objections.text.split("\n") [#p \ ]
]
#if d.remarks != "" [
  == Overige opmerkingen
  #for p in d.remarks.split("\n") [#p \ ]
]

= 16. Leden en ondertekening
#if d.members.len() == 0 [Geen leden ingevuld.] else [
  #table(
    columns: (1fr, auto),
    th([Naam], [Functie]),
    ..d.members.map(m => ([#m.name], [#m.role])).flatten(),
  )
]
Aldus vastgesteld en ondertekend#if d.session.place != "" [ te #d.session.place]#if d.session.date != "" [ op #d.session.date].
#v(6pt)
#table(
  columns: (1fr, 1fr),
  stroke: none,
  row-gutter: 18pt,
  ..d.members.map(m => block(breakable: false)[#line(length: 90%, stroke: 0.4pt)#m.name #if m.role != "" [(#m.role)]]),
)
`;

/** Render the P 22-1 model to a PDF/A-2b document. */
export function p22Pdf(model: P22Model): Result<Buffer, TypstError> {
  return typstPdf(P22_TEMPLATE, model);
}
