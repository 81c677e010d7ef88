/**
 * The import worker's inflate thread (src/server/inflateThread.ts) when the thread itself fails: a
 * job in flight fails as the inflater's failure (an internal error, never "damaged zip"), and the next
 * job gets a new thread. Its results on good and bad files are checked beside the in-thread inflater
 * in zip.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { ThreadInflater } from '../../src/server/inflateThread.ts';
import { InflaterFailure, openTransferZip, readTransferZip } from '../../src/transfer/zip.ts';
import { eml } from '../support/paths.ts';
import { craftZip } from './craft.ts';

const NAME = 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml';
const zip = craftZip([
  { name: NAME, data: readFileSync(eml('tk2023', NAME)) },
  { name: NAME + '.signature', data: Buffer.from('0\x82 pretend signature bytes') },
]);

describe('the inflate thread of the count-file import', () => {
  const inflater = new ThreadInflater();
  after(() => inflater.close());

  it('a thread that dies during a job fails that job as an InflaterFailure; the next job gets a new thread', async () => {
    const opened = await openTransferZip(zip, undefined, { chunkSize: 1024, inflater });
    assert.ok(opened.ok);
    let calls = 0;
    await assert.rejects(
      opened.value.streamEml(async () => {
        if (++calls === 3) await inflater.close();
        return true;
      }),
      InflaterFailure,
    );
    opened.value.close();
    assert.equal(inflater.started, 1);

    const again = await openTransferZip(zip, undefined, { chunkSize: 4096, inflater });
    assert.ok(again.ok);
    const chunks: Buffer[] = [];
    const r = await again.value.streamEml((c) => chunks.push(Buffer.from(c)) > 0);
    again.value.close();
    assert.ok(r.ok && r.value.complete);
    const whole = await readTransferZip(zip);
    assert.ok(whole.ok);
    assert.ok(Buffer.concat(chunks).equals(whole.value.eml));
    assert.equal(inflater.started, 2);
  });
});
