/** Creating the definitive documents through the API in tests. */
import assert from 'node:assert/strict';
import type { ApiClient, ApiResponse } from './server.ts';

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
