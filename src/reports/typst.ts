/**
 * PDF rendering with Typst (@myriaddreamin/typst-ts-node-compiler, native, offline).
 *
 * Data never gets spliced into markup: the template is a fixed string and the data is passed as
 * one JSON string through `sys.inputs` (read in the template with `json(bytes(sys.inputs.data))`).
 * Strings from JSON are inserted as text, so quotes, brackets, `#`, `*`, `_`, `$`, `@`, `<` in
 * names are never interpreted as markup.
 *
 * Determinism: the template sets the document date itself (`set document(date: ...)`, from
 * injected data, never `auto`), so no wall clock enters the PDF; the XMP document/instance ids
 * Typst writes are derived from the content. Fonts: Typst's embedded fonts (Libertinus Serif is
 * used by our templates) are always available; the compiler also scans the system's fonts, which
 * matters only for glyphs Libertinus lacks (fallback), so the bytes are the same on machines with
 * the same program version and, for such glyphs, the same fonts.
 *
 * PDF/A: exported as PDF/A-2b (XMP `pdfaid:part` 2, conformance B), which embeds every font.
 */

import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { fail, ok, type Result } from '../domain/result.ts';

let compiler: NodeCompiler | null = null;

function theCompiler(): NodeCompiler {
  compiler ??= NodeCompiler.create();
  return compiler;
}

export type TypstError = 'pdf_maken_mislukt';

export interface TypstPdfOptions {
  /** PDF standard, default 'a-2b' (PDF/A-2b). */
  readonly pdfStandard?: string;
}

function diagnostics(e: unknown): string {
  if (e === null || e === undefined) return '';
  try {
    const d = (e as { shortDiagnostics?: unknown }).shortDiagnostics;
    return JSON.stringify(d ?? e).slice(0, 2000);
  } catch {
    return String(e);
  }
}

/**
 * Compile a Typst template with `data` (any JSON value) available as `sys.inputs.data`, to PDF.
 * A compile failure is returned as a value (it is a bug in a template or an impossible input,
 * but the user must get a clear message rather than a crash).
 */
export function typstPdf(template: string, data: unknown, options: TypstPdfOptions = {}): Result<Buffer, TypstError> {
  const c = theCompiler();
  const args = { mainFileContent: template, inputs: { data: JSON.stringify(data) } };
  const compiled = c.compile(args);
  const doc = compiled.result;
  if (compiled.hasError() || doc === null) {
    return fail('pdf_maken_mislukt', 'Het maken van de PDF is mislukt.', diagnostics(compiled.takeDiagnostics() ?? compiled.takeError()));
  }
  try {
    const pdf = c.pdf(doc, { pdfStandard: options.pdfStandard ?? 'a-2b' });
    return ok(Buffer.from(pdf));
  } catch (e) {
    return fail('pdf_maken_mislukt', 'Het maken van de PDF is mislukt.', e instanceof Error ? e.message : String(e));
  } finally {
    // Keep the global memo cache from growing across many documents.
    c.evictCache(10);
  }
}

/**
 * The start of every PV template: the model's JSON (`d`), its creation time (`c`) and how counts are
 * printed (`num`, `n`: thousands separated by a point, `–` for none). Constants, never user text.
 */
export const TYPST_PRELUDE = String.raw`#let d = json(bytes(sys.inputs.data))
#let c = d.createdAtIso
// A count as the official models print it: thousands separated by a point (formatCount in model.ts).
#let num(x) = {
  let s = str(calc.abs(x))
  let out = ""
  for (i, ch) in s.clusters().enumerate() {
    if i > 0 and calc.rem(s.len() - i, 3) == 0 { out += "." }
    out += ch
  }
  if x < 0 { "-" + out } else { out }
}
#let n(x) = if x == none { [–] } else { num(x) }`;


/** What differs between the PVs' page set-ups (Typst expressions and markup; constants, never user text). */
export interface PvPage {
  /** The PDF's title, a Typst expression over `d`. */
  readonly titleExpr: string;
  /** The PDF's author, a Typst expression. */
  readonly authorExpr: string;
  /** The bottom margin, room for the footer's lines (e.g. '2.6cm'). */
  readonly bottomMargin: string;
  /** The footer's text size (e.g. '8pt'). */
  readonly footerSize: string;
  /** The footer's grid cells after the creation date and page number: the hash code line(s). */
  readonly hashCells: string;
  /** Whether this is a practice run, a Typst expression over `d`. */
  readonly practiceExpr: string;
}

/**
 * The page set-up every PV shares after the prelude: the PDF's metadata (its date from the model, never
 * a clock), A4 with the footer on every page (creation date, "pagina x van y", the hash codes, the audit
 * chain's head), the "OEFENING" header and watermark of a practice run, the "CONCEPT" watermark of a
 * preview, tables that repeat their header row, and the headings' sizes.
 */
export function typstPvPage(p: PvPage): string {
  return String.raw`#set document(
  title: ${p.titleExpr},
  author: ${p.authorExpr},
  date: datetime(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: c.second),
)
#set text(font: "Libertinus Serif", size: 10pt, lang: "nl")
#set par(justify: false)
#set page(
  paper: "a4",
  margin: (left: 2cm, right: 2cm, top: 2cm, bottom: ${p.bottomMargin}),
  footer: context {
    set text(size: ${p.footerSize})
    line(length: 100%, stroke: 0.4pt)
    v(-4pt)
    grid(
      columns: (1fr, auto),
      row-gutter: 3pt,
      [Aangemaakt: #d.createdAt #if d.concept [ – CONCEPT, niet definitief]],
      align(right)[pagina #counter(page).display() van #counter(page).final().first()],
${p.hashCells}
      ..if d.auditLog != none { (grid.cell(colspan: 2)[#d.auditLog],) },
    )
  },
  header: if ${p.practiceExpr} {
    align(center, text(size: 9pt, weight: "bold")[OEFENING – geen echte uitslag])
  },
  background: if ${p.practiceExpr} {
    rotate(-45deg, text(size: 96pt, fill: luma(215), weight: "bold")[#if d.concept [OEFENING\ CONCEPT] else [OEFENING]])
  } else if d.concept { rotate(-45deg, text(size: 96pt, fill: luma(225), weight: "bold")[CONCEPT]) },
)
#set table(stroke: 0.4pt + luma(140), inset: (x: 4pt, y: 3pt))
#let th(..xs) = table.header(repeat: true, ..xs.pos().map(x => strong(x)))
#show heading.where(level: 1): set text(size: 12pt)
#show heading.where(level: 2): set text(size: 10.5pt)
#set heading(numbering: none)`;
}
