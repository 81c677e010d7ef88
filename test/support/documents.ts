/** Reaching and creating the definitive documents through the API in tests (TK2021, kieskring Lelystad). */
import assert from 'node:assert/strict';
import type { EntryForm } from '../../src/domain/entry.ts';
import { changeForm, municipalityTotals, typeEntry } from './counts.ts';
import type { ApiClient, ApiResponse } from './server.ts';

/** The PV free text of the Lelystad tests (session, members, remarks). */
export const PV_DETAILS = {
  session: { place: 'Lelystad, provinciehuis', date: '19 maart 2021', time: '10:00 uur' },
  members: [
    { name: 'mr. J. de Vries', role: 'voorzitter' },
    { name: 'A. Jansen', role: 'lid' },
  ],
  objections: null,
  remarks: 'Geen bijzonderheden.',
};

/**
 * Start the creation (POST /api/documents/create) and wait for its job; returns the final job
 * answer, or the refusal when the creation did not start (callers check `json.stage === 'done'`).
 */
export async function createDocuments(leader: ApiClient): Promise<ApiResponse> {
  const r = await leader.post('/api/documents/create');
  if (r.status !== 202) return r;
  for (let i = 0; i < 1200; i++) {
    const j = await leader.get(`/api/documents/jobs/${r.json.jobId}`);
    assert.equal(j.status, 200, j.text);
    if (j.json.finished) return j;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('document creation did not finish');
}

/**
 * The paper PV of a municipality as typed: the official block's numbers; a field the block does
 * not carry ('kwijtgeraakte stembiljetten', P1) left empty.
 */
export async function typedForm(code: string): Promise<EntryForm> {
  const t = await municipalityTotals(code);
  return t.counts.uncounted.some((u) => u.reason === 'kwijtgeraakte stembiljetten') ? t.form : changeForm(t.form, { P1: null });
}

/** First and second entry of a municipality by two typists, acknowledging warnings. */
export async function completeMunicipality(t1: ApiClient, t2: ApiClient, code: string): Promise<void> {
  const form = await typedForm(code);
  for (const t of [t1, t2]) {
    let r = await typeEntry(t, code, form);
    if (r.json?.outcome?.kind === 'needs_attention') {
      const warnings = (r.json.checks as { code: string; severity: string }[]).filter((c) => c.severity === 'warning').map((c) => c.code);
      r = await t.post(`/api/counts/${code}/submit`, { form, acknowledged: warnings });
    }
    assert.ok(['first_done', 'complete'].includes(r.json?.outcome?.kind), `${code}: ${r.text}`);
  }
}

export async function createOwnKey(admin: ApiClient): Promise<string> {
  const r = await admin.post('/api/keys/own');
  assert.ok(r.status === 200 || r.status === 201, r.text);
  const c = await admin.get('/api/keys/own/certificate');
  assert.equal(c.status, 200);
  return c.text;
}
