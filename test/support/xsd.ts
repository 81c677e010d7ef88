/**
 * XSD validation of EML files in tests, with libxml2-wasm (never used by the application).
 *
 * The Kiesraad's strict schemas include/import each other by relative path (emlcore, the
 * kiesraad extensions and restrictions, xAL, xNL, external/xmldsig-core-schema.xsd, ...). They are
 * loaded from the shared folder into an in-memory input provider under the virtual folder
 * `/xsd/`, and the main schema is parsed with its virtual URL as base, so libxml2 resolves every
 * include from memory: no file-system or network access during validation.
 */

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { XmlBufferInputProvider, XmlDocument, XmlValidateError, XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm';
import { eml } from './paths.ts';

const VIRTUAL = '/xsd/';
let provider: XmlBufferInputProvider | null = null;
const validators = new Map<string, XsdValidator>();

function schemaFiles(): XmlBufferInputProvider {
  if (provider !== null) return provider;
  const dir = eml('xsd');
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (f.endsWith('.xsd')) files[VIRTUAL + f.split(path.sep).join('/')] = readFileSync(path.join(dir, f));
  }
  provider = new XmlBufferInputProvider(files);
  xmlRegisterInputProvider(provider);
  return provider;
}

/** The validator of one main schema file of ../shared/eml/xsd, e.g. '510-count-kiesraad-strict.xsd'. */
export function xsdValidator(schema: string): XsdValidator {
  let v = validators.get(schema);
  if (v !== undefined) return v;
  schemaFiles();
  const url = VIRTUAL + schema;
  const doc = XmlDocument.fromBuffer(readFileSync(eml('xsd', schema)), { url });
  try {
    v = XsdValidator.fromDoc(doc);
  } finally {
    doc.dispose();
  }
  validators.set(schema, v);
  return v;
}

/**
 * Validate a document; returns the schema errors (with line numbers), empty when valid.
 * A document that is not even well-formed XML is reported as one error.
 */
export function xsdErrors(bytes: Uint8Array, schema = '510-count-kiesraad-strict.xsd'): string[] {
  const v = xsdValidator(schema);
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(bytes);
  } catch (e) {
    return [`not well-formed: ${(e as Error).message}`];
  }
  try {
    v.validate(doc);
    return [];
  } catch (e) {
    if (e instanceof XmlValidateError) return e.details.map((d) => `line ${d.line}: ${d.message.trim()}`);
    throw e;
  } finally {
    doc.dispose();
  }
}
