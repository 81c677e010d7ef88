/**
 * A small writer of OpenDocument text files (.odt, ODF 1.3), enough for our reports: headings,
 * paragraphs, tables with a repeated header row, page breaks, a page footer (free lines plus
 * "pagina x van y") and an optional page header (e.g. "CONCEPT").
 *
 * The package is a zip (yazl): `mimetype` first and STORED (uncompressed, no extra field), then
 * `content.xml`, `styles.xml`, `meta.xml` and `META-INF/manifest.xml`. Deterministic: fixed entry
 * order, fixed modification time (the document's creation time, as wall-clock parts, written as
 * DOS timestamps only, so independent of the machine's time zone), fixed file modes, and no
 * generated ids or clock readings inside the XML.
 *
 * All text is escaped for XML; characters XML 1.0 does not allow are replaced by U+FFFD; runs
 * of spaces, tabs and line breaks are written as `text:s`, `text:tab`, `text:line-break`.
 */

import yazl from 'yazl';
import '../transfer/crc32.ts'; // yazl's CRC-32 in native code
import { zipTimestamp, type WallClock } from '../transfer/wallClock.ts';

/** The document's creation time (wall clock, as stated in the document). */
export type OdtDateTime = WallClock;

export interface OdtColumn {
  /** Relative width (the table spans the text width). */
  readonly weight: number;
  readonly align?: 'left' | 'right' | 'center';
}

export type OdtCell = string | number | { readonly text: string | number; readonly bold?: boolean; readonly span?: number };

export type OdtBlock =
  | { readonly type: 'heading'; readonly level: 1 | 2; readonly text: string }
  | { readonly type: 'paragraph'; readonly text: string; readonly style?: 'title' | 'subtitle' | 'center' | 'small' | 'bold' }
  | {
      readonly type: 'table';
      readonly columns: readonly OdtColumn[];
      /** Header row, repeated on every page; omit for a table without header. */
      readonly header?: readonly string[];
      readonly rows: readonly (readonly OdtCell[])[];
      /** Smaller text (wide tables). */
      readonly small?: boolean;
    }
  | { readonly type: 'pageBreak' };

export interface OdtDocument {
  readonly title: string;
  /** e.g. 'nl' */
  readonly language: string;
  readonly country?: string;
  readonly author?: string;
  readonly created: OdtDateTime;
  /** Lines of the page footer; the last line gets "pagina x van y" appended after a tab. */
  readonly footerLines: readonly string[];
  /** Page header text (e.g. 'CONCEPT'), printed large and grey on every page; null for none. */
  readonly header?: string | null;
  readonly blocks: readonly OdtBlock[];
}

const NAMESPACES: readonly (readonly [string, string])[] = [
  ['xmlns:office', 'urn:oasis:names:tc:opendocument:xmlns:office:1.0'],
  ['xmlns:style', 'urn:oasis:names:tc:opendocument:xmlns:style:1.0'],
  ['xmlns:text', 'urn:oasis:names:tc:opendocument:xmlns:text:1.0'],
  ['xmlns:table', 'urn:oasis:names:tc:opendocument:xmlns:table:1.0'],
  ['xmlns:fo', 'urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0'],
  ['xmlns:svg', 'urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0'],
  ['xmlns:meta', 'urn:oasis:names:tc:opendocument:xmlns:meta:1.0'],
  ['xmlns:dc', 'http://purl.org/dc/elements/1.1/'],
];
const NS_ATTRS = NAMESPACES.map(([k, v]) => ` ${k}="${v}"`).join('');
const MIMETYPE = 'application/vnd.oasis.opendocument.text';
/** Text width of an A4 page with 2 cm margins. */
const TEXT_WIDTH_CM = 17;
const FONT = 'Liberation Serif';

/** Replace characters not allowed in XML 1.0 (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/F). */
export function xmlSafe(s: string): string {
  // (control characters in this pattern on purpose)
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function esc(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escAttr(s: string): string {
  return esc(s).replace(/"/g, '&quot;');
}

/** Paragraph content: escaped text with ODF whitespace elements. */
export function odtText(s: string): string {
  const parts: string[] = [];
  const text = xmlSafe(s).replace(/\r\n?/g, '\n');
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      parts.push('<text:line-break/>');
      i++;
    } else if (ch === '\t') {
      parts.push('<text:tab/>');
      i++;
    } else if (ch === ' ') {
      let j = i;
      while (text[j] === ' ') j++;
      const n = j - i;
      // A single space is kept as is, except at the start of a paragraph or a line (it would collapse).
      const atLineStart = i === 0 || text[i - 1] === '\n' || text[i - 1] === '\t';
      if (n === 1 && !atLineStart && j < text.length) parts.push(' ');
      else parts.push(n === 1 ? '<text:s/>' : `<text:s text:c="${n}"/>`);
      i = j;
    } else {
      let j = i;
      while (j < text.length && text[j] !== '\n' && text[j] !== '\t' && text[j] !== ' ') j++;
      parts.push(esc(text.slice(i, j)));
      i = j;
    }
  }
  return parts.join('');
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function isoDateTime(d: OdtDateTime): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${pad(d.hour)}:${pad(d.minute)}:${pad(d.second)}`;
}

function cellParts(c: OdtCell): { text: string; bold: boolean; span: number } {
  if (typeof c === 'string' || typeof c === 'number') return { text: String(c), bold: false, span: 1 };
  return { text: String(c.text), bold: c.bold ?? false, span: c.span ?? 1 };
}

const PARAGRAPH_STYLES = { title: 'Title', subtitle: 'Subtitle', center: 'P_C', small: 'P_Small', bold: 'P_Bold' } as const;

const ALIGN_STYLE = { left: 'L', right: 'R', center: 'C' } as const;

function contentXml(doc: OdtDocument): string {
  const auto: string[] = [];
  const body: string[] = [];
  let tableNo = 0;
  for (const b of doc.blocks) {
    switch (b.type) {
      case 'heading':
        body.push(`<text:h text:style-name="Heading_20_${b.level}" text:outline-level="${b.level}">${odtText(b.text)}</text:h>`);
        break;
      case 'paragraph': {
        const style = b.style ? PARAGRAPH_STYLES[b.style] : 'Standard';
        body.push(`<text:p text:style-name="${style}">${odtText(b.text)}</text:p>`);
        break;
      }
      case 'pageBreak':
        body.push('<text:p text:style-name="P_Break"/>');
        break;
      case 'table': {
        tableNo++;
        const name = `Tabel${tableNo}`;
        const total = b.columns.reduce((s, c) => s + c.weight, 0);
        auto.push(
          `<style:style style:name="${name}" style:family="table"><style:table-properties style:width="${TEXT_WIDTH_CM}cm" table:align="left" fo:margin-top="0.1cm" fo:margin-bottom="0.2cm"/></style:style>`,
        );
        b.columns.forEach((c, i) => {
          const w = ((c.weight / total) * TEXT_WIDTH_CM).toFixed(3);
          auto.push(
            `<style:style style:name="${name}.C${i + 1}" style:family="table-column"><style:table-column-properties style:column-width="${w}cm"/></style:style>`,
          );
        });
        const size = b.small ? 'S' : 'N';
        const cols = b.columns.map((_, i) => `<table:table-column table:style-name="${name}.C${i + 1}"/>`).join('');
        const row = (cells: readonly OdtCell[], header: boolean): string => {
          const out: string[] = [];
          let col = 0;
          for (const c of cells) {
            const p = cellParts(c);
            const align = ALIGN_STYLE[b.columns[col]?.align ?? 'left'];
            const pStyle = `T${size}${header || p.bold ? 'B' : ''}${align}`;
            const span = p.span > 1 ? ` table:number-columns-spanned="${p.span}"` : '';
            out.push(`<table:table-cell table:style-name="Cell" office:value-type="string"${span}><text:p text:style-name="${pStyle}">${odtText(p.text)}</text:p></table:table-cell>`);
            for (let k = 1; k < p.span; k++) out.push('<table:covered-table-cell/>');
            col += p.span;
          }
          for (; col < b.columns.length; col++) {
            out.push('<table:table-cell table:style-name="Cell" office:value-type="string"><text:p/></table:table-cell>');
          }
          return `<table:table-row>${out.join('')}</table:table-row>`;
        };
        const header = b.header ? `<table:table-header-rows>${row(b.header, true)}</table:table-header-rows>` : '';
        body.push(`<table:table table:name="${name}" table:style-name="${name}">${cols}${header}${b.rows.map((r) => row(r, false)).join('')}</table:table>`);
        break;
      }
    }
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<office:document-content${NS_ATTRS} office:version="1.3">` +
    `<office:font-face-decls><style:font-face style:name="${FONT}" svg:font-family="'${FONT}'" style:font-family-generic="roman" style:font-pitch="variable"/></office:font-face-decls>` +
    `<office:automatic-styles>` +
    `<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.06cm" fo:border="0.5pt solid #8c8c8c"/></style:style>` +
    auto.join('') +
    `</office:automatic-styles>` +
    `<office:body><office:text>${body.join('')}</office:text></office:body></office:document-content>`
  );
}

function paragraphStyle(name: string, parent: string, para: string, text: string): string {
  return `<style:style style:name="${name}" style:family="paragraph" style:parent-style-name="${parent}"><style:paragraph-properties ${para}/><style:text-properties ${text}/></style:style>`;
}

function stylesXml(doc: OdtDocument): string {
  const lang = `fo:language="${escAttr(doc.language)}" fo:country="${escAttr(doc.country ?? 'NL')}"`;
  const tableStyles: string[] = [];
  for (const size of ['N', 'S'] as const) {
    for (const bold of ['', 'B']) {
      for (const [align, fo] of [['L', 'start'], ['R', 'end'], ['C', 'center']] as const) {
        tableStyles.push(
          paragraphStyle(
            `T${size}${bold}${align}`,
            'Table_20_Contents',
            `fo:text-align="${fo}"`,
            `fo:font-size="${size === 'N' ? '9pt' : '7.5pt'}"${bold ? ' fo:font-weight="bold"' : ''}`,
          ),
        );
      }
    }
  }
  const footerLines = doc.footerLines.map((line, i) =>
    i === doc.footerLines.length - 1
      ? `<text:p text:style-name="Footer">${odtText(line)}<text:tab/>pagina <text:page-number text:select-page="current">1</text:page-number> van <text:page-count>1</text:page-count></text:p>`
      : `<text:p text:style-name="Footer">${odtText(line)}</text:p>`,
  );
  const header = doc.header ? `<style:header><text:p text:style-name="Header_Concept">${odtText(doc.header)}</text:p></style:header>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<office:document-styles${NS_ATTRS} office:version="1.3">` +
    `<office:font-face-decls><style:font-face style:name="${FONT}" svg:font-family="'${FONT}'" style:font-family-generic="roman" style:font-pitch="variable"/></office:font-face-decls>` +
    `<office:styles>` +
    `<style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit" style:writing-mode="lr-tb"/><style:text-properties style:font-name="${FONT}" fo:font-size="10pt" ${lang}/></style:default-style>` +
    `<style:style style:name="Standard" style:family="paragraph" style:class="text"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.15cm"/></style:style>` +
    paragraphStyle('Heading', 'Standard', 'fo:margin-top="0.4cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"', 'fo:font-weight="bold"') +
    paragraphStyle('Heading_20_1', 'Heading', 'fo:margin-top="0.5cm"', 'fo:font-size="12pt" fo:font-weight="bold"').replace('style:family="paragraph"', 'style:display-name="Heading 1" style:family="paragraph" style:default-outline-level="1"') +
    paragraphStyle('Heading_20_2', 'Heading', 'fo:margin-top="0.3cm"', 'fo:font-size="10.5pt" fo:font-weight="bold"').replace('style:family="paragraph"', 'style:display-name="Heading 2" style:family="paragraph" style:default-outline-level="2"') +
    paragraphStyle('Title', 'Standard', 'fo:text-align="center" fo:margin-bottom="0.1cm"', 'fo:font-size="15pt" fo:font-weight="bold"') +
    paragraphStyle('Subtitle', 'Standard', 'fo:text-align="center" fo:margin-bottom="0.1cm"', 'fo:font-size="11pt"') +
    paragraphStyle('P_C', 'Standard', 'fo:text-align="center"', 'fo:font-size="9pt"') +
    paragraphStyle('P_Small', 'Standard', 'fo:margin-bottom="0.1cm"', 'fo:font-size="8pt"') +
    paragraphStyle('P_Bold', 'Standard', 'fo:margin-bottom="0.1cm"', 'fo:font-weight="bold"') +
    paragraphStyle('P_Break', 'Standard', 'fo:break-before="page"', 'fo:font-size="2pt"') +
    paragraphStyle('Table_20_Contents', 'Standard', 'fo:margin-top="0cm" fo:margin-bottom="0cm"', 'fo:font-size="9pt"').replace('style:family="paragraph"', 'style:display-name="Table Contents" style:family="paragraph"') +
    tableStyles.join('') +
    `<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:margin-bottom="0cm"><style:tab-stops><style:tab-stop style:position="${TEXT_WIDTH_CM}cm" style:type="right"/></style:tab-stops></style:paragraph-properties><style:text-properties fo:font-size="8pt"/></style:style>` +
    paragraphStyle('Header_Concept', 'Standard', 'fo:text-align="center"', 'fo:font-size="28pt" fo:font-weight="bold" fo:color="#b4b4b4"') +
    `</office:styles>` +
    `<office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2cm" fo:margin-right="2cm"/>` +
    `<style:header-style><style:header-footer-properties fo:min-height="0cm" fo:margin-bottom="0.3cm"/></style:header-style>` +
    `<style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="0.4cm" fo:border-top="0.5pt solid #000000" fo:padding-top="0.1cm"/></style:footer-style></style:page-layout></office:automatic-styles>` +
    `<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">${header}<style:footer>${footerLines.join('')}</style:footer></style:master-page></office:master-styles>` +
    `</office:document-styles>`
  );
}

function metaXml(doc: OdtDocument): string {
  const when = isoDateTime(doc.created);
  const author = doc.author ? `<meta:initial-creator>${esc(doc.author)}</meta:initial-creator><dc:creator>${esc(doc.author)}</dc:creator>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<office:document-meta${NS_ATTRS} office:version="1.3"><office:meta>` +
    `<meta:generator>uitslag</meta:generator><dc:title>${esc(doc.title)}</dc:title>${author}` +
    `<meta:creation-date>${when}</meta:creation-date><dc:date>${when}</dc:date><dc:language>${esc(doc.language)}-${esc(doc.country ?? 'NL')}</dc:language>` +
    `</office:meta></office:document-meta>`
  );
}

function manifestXml(): string {
  const entry = (p: string, t: string) => `<manifest:file-entry manifest:full-path="${p}" manifest:media-type="${t}"/>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">` +
    `<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${MIMETYPE}"/>` +
    entry('content.xml', 'text/xml') +
    entry('styles.xml', 'text/xml') +
    entry('meta.xml', 'text/xml') +
    `</manifest:manifest>`
  );
}

/** The parts of the package, in zip order (exposed for tests). */
export function odtParts(doc: OdtDocument): { name: string; data: Buffer; compress: boolean }[] {
  return [
    { name: 'mimetype', data: Buffer.from(MIMETYPE, 'ascii'), compress: false },
    { name: 'content.xml', data: Buffer.from(contentXml(doc), 'utf8'), compress: true },
    { name: 'styles.xml', data: Buffer.from(stylesXml(doc), 'utf8'), compress: true },
    { name: 'meta.xml', data: Buffer.from(metaXml(doc), 'utf8'), compress: true },
    { name: 'META-INF/manifest.xml', data: Buffer.from(manifestXml(), 'utf8'), compress: true },
  ];
}

/** Write the .odt package. */
export function writeOdt(doc: OdtDocument): Promise<Buffer> {
  const mtime = zipTimestamp(doc.created);
  const parts = odtParts(doc);
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const p of parts) {
      zip.addBuffer(p.data, p.name, { mtime, mode: 0o100644, compress: p.compress, forceDosTimestamp: true });
    }
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}
