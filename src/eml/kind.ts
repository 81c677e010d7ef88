import { fail, ok, type Result } from '../domain/result.ts';
import { attributeValue, XmlStreamReader } from './xml.ts';

/** Namespaces of the Kiesraad's EML_NL files. */
export const EML_NS = 'urn:oasis:names:tc:evs:schema:eml';
export const KR_NS = 'http://www.kiesraad.nl/extensions';
export const XNL_NS = 'urn:oasis:names:tc:ciq:xsdschema:xNL:2.0';
export const XAL_NS = 'urn:oasis:names:tc:ciq:xsdschema:xAL:2.0';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

export interface EmlKind {
  /** EML@Id, e.g. '110a', '230b', '510b', '510c'. */
  readonly id: string;
  readonly schemaVersion: string | null;
}

/** The root start tag comes early; reading stops there, so this limit only guards against huge prologues. */
const DETECT_MAX_BYTES = 1024 * 1024;

/**
 * The EML kind, from the root element only (reading stops at the root start tag, so this is cheap even
 * for a 70 MB file). Refuses what is not XML (see xml.ts) or whose root is not an EML element.
 */
export function detectEmlKind(bytes: Uint8Array): Result<EmlKind> {
  let kind: EmlKind | null = null;
  let rootName = '';
  let emlRoot = false;
  const reader = new XmlStreamReader(
    {
      startElement(tag) {
        rootName = tag.name;
        if (tag.uri === EML_NS && tag.local === 'EML') {
          emlRoot = true;
          const id = attributeValue(tag, 'Id')?.trim();
          if (id) kind = { id, schemaVersion: attributeValue(tag, 'SchemaVersion')?.trim() ?? null };
        }
        return 'stop';
      },
    },
    { maxBytes: DETECT_MAX_BYTES },
  );
  // Small chunks: little after the root start tag is decoded, and none of it parsed.
  const head = bytes.subarray(0, DETECT_MAX_BYTES);
  for (let i = 0; i < head.length; i += 4096) {
    if (!reader.write(head.subarray(i, i + 4096))) break;
  }
  const result = reader.end();
  if (!result.ok) {
    // A prefix cut at DETECT_MAX_BYTES is only "truncated" when the file is longer.
    if (result.code === 'xml.truncated' && bytes.length > DETECT_MAX_BYTES) {
      return fail('eml.not_eml', 'Dit is geen EML-bestand: het hoofdelement ontbreekt aan het begin van het bestand.');
    }
    return result;
  }
  if (kind) return ok(kind);
  if (emlRoot) {
    return fail('eml.kind_unknown', 'Dit EML-bestand vermeldt niet welke soort EML het is (kenmerk Id ontbreekt).');
  }
  return fail(
    'eml.not_eml',
    `Dit is geen EML-bestand (het hoofdelement is <${rootName}>).`,
    `root element ${rootName} is not {${EML_NS}}EML`,
  );
}

const KIND_NAMES: Record<string, string> = {
  '110a': 'verkiezingsdefinitie',
  '110b': 'verkiezingsdefinitie',
  '210': 'kandidaatstellingsbestand',
  '230a': 'kandidatenlijstbestand',
  '230b': 'kandidatenlijstbestand',
  '510a': 'telbestand van een stembureau',
  '510b': 'telbestand van een gemeente',
  '510c': 'telbestand van een hoofdstembureau',
  '510d': 'totaaltelling',
  '520': 'uitslagbestand',
};

/** Dutch name of an EML kind with its number, e.g. 'kandidatenlijstbestand (EML 230b)'. */
export function emlKindName(id: string): string {
  const name = KIND_NAMES[id];
  return name ? `${name} (EML ${id})` : `EML-bestand van soort ${id}`;
}

/**
 * Refuse a file of another EML kind, naming what was expected and what was found:
 * "Dit is geen verkiezingsdefinitie (EML 110a) maar een kandidatenlijstbestand (EML 230b)."
 */
export function requireEmlKind(bytes: Uint8Array, expected: string): Result<EmlKind> {
  const kind = detectEmlKind(bytes);
  if (!kind.ok) return kind;
  if (kind.value.id !== expected) {
    return fail(
      'eml.wrong_kind',
      `Dit is geen ${emlKindName(expected)} maar een ${emlKindName(kind.value.id)}.`,
      `expected EML ${expected}, found ${kind.value.id}`,
    );
  }
  return kind;
}
