import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { ThreadInflater } from '../../src/server/inflateThread.ts';
import {
  inThreadInflater,
  openTransferZip,
  readTransferZip,
  transferEmlName,
  transferZipName,
  writeTransferZip,
  type ChunkInflater,
} from '../../src/transfer/zip.ts';
import { eml } from '../support/paths.ts';
import { craftZip, type CraftEntry } from './craft.ts';

const NAME = 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml';
const content = readFileSync(eml('tk2023', NAME));
const signature = Buffer.from('0\x82 pretend signature bytes');
const good = (): CraftEntry[] => [
  { name: NAME, data: content },
  { name: NAME + '.signature', data: signature },
];

async function refused(zip: Buffer, code: string, limits?: { maxEmlBytes: number; maxSignatureBytes: number }) {
  const r = await readTransferZip(zip, limits);
  assert.equal(r.ok, false, `accepted, expected ${code}`);
  assert.equal(!r.ok && r.code, code, !r.ok ? r.message : '');
  assert.ok(!r.ok && r.message.length > 10);
  return r;
}

describe('transfer zip names', () => {
  it('follows the Telling_<id>_<level>_<Name> pattern', () => {
    assert.equal(transferZipName('TK2021', 'gemeente', 'Zwolle'), 'Telling_TK2021_gemeente_Zwolle.zip');
    assert.equal(transferZipName('TK2021', 'kieskring', "'s-Gravenhage"), 'Telling_TK2021_kieskring_s-Gravenhage.zip');
    assert.equal(transferZipName('TK2025', 'gemeente', 'West Maas en Waal'), 'Telling_TK2025_gemeente_West_Maas_en_Waal.zip');
    assert.equal(transferZipName('TK2021', 'kiesraad', 'Lelystad'), 'Telling_TK2021_kiesraad_Lelystad.zip');
    assert.equal(transferEmlName('TK2023', 'gemeente', 'Aa en Hunze'), NAME);
  });
});

describe('writeTransferZip', () => {
  const entries = () => [
    { name: NAME, data: content },
    { name: NAME + '.signature', data: signature },
  ];

  it('is deterministic, also across time zones, and round-trips', async () => {
    const mtime = new Date('2023-11-22T21:15:00Z');
    const a = await writeTransferZip(entries(), { mtime });
    const oldTz = process.env.TZ;
    let b: Buffer;
    try {
      process.env.TZ = 'America/New_York';
      b = await writeTransferZip(entries(), { mtime });
    } finally {
      if (oldTz === undefined) delete process.env.TZ;
      else process.env.TZ = oldTz;
    }
    assert.ok(a.equals(b), 'same bytes in another time zone');
    assert.ok(a.equals(await writeTransferZip(entries(), { mtime })));
    assert.ok(!a.equals(await writeTransferZip(entries(), { mtime: new Date('2023-11-22T21:17:00Z') })));
    const r = await readTransferZip(a);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(r.value.emlName, NAME);
    assert.ok(r.value.eml.equals(content));
    assert.ok(r.value.signature.equals(signature));
  });

  it('is a normal zip for other tools (Amsterdam wall-clock time)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'uitslag-zip-'));
    try {
      const file = path.join(dir, 'x.zip');
      writeFileSync(file, await writeTransferZip(entries(), { mtime: new Date('2023-11-22T21:15:00Z') }));
      const listing = execFileSync('unzip', ['-l', file], { encoding: 'utf8' });
      assert.match(listing, new RegExp(`2023-11-22 22:15\\s+${NAME}\\n`));
      assert.match(listing, /2 files/);
      execFileSync('unzip', ['-tq', file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unsafe names (a programming error)', async () => {
    await assert.rejects(writeTransferZip([{ name: '../x.eml.xml', data: content }]));
    await assert.rejects(writeTransferZip([{ name: 'a/x.eml.xml', data: content }]));
  });
});

describe('readTransferZip', () => {
  it('accepts a well-formed crafted zip (stored or deflated)', async () => {
    assert.ok((await readTransferZip(craftZip(good()))).ok);
    assert.ok((await readTransferZip(craftZip(good().map((e) => ({ ...e, method: 0 as const }))))).ok);
  });

  it('refuses what is not a zip', async () => {
    await refused(Buffer.alloc(0), 'zip.not-zip');
    await refused(content, 'zip.not-zip');
    const zip = craftZip(good());
    await refused(zip.subarray(0, zip.length - 30), 'zip.not-zip');
  });

  it('refuses path tricks: .., absolute paths, backslashes, directories, nested paths', async () => {
    const sig = { name: NAME + '.signature', data: signature };
    for (const name of [
      `../${NAME}`,
      `/etc/${NAME}`,
      `C:/${NAME}`,
      `map\\${NAME}`,
      'map/',
      `map/${NAME}`,
      `./${NAME}`,
      `x\u0000${NAME}`,
    ]) {
      const r = await refused(craftZip([{ name, data: content }, sig]), 'zip.bad-name');
      assert.match(!r.ok ? r.message : '', /onveilige/);
    }
    // The signature entry is checked just as strictly.
    await refused(craftZip([{ name: NAME, data: content }, { name: `../${NAME}.signature`, data: signature }]), 'zip.bad-name');
  });

  it('refuses more entries than expected, unexpected entries and duplicates', async () => {
    const r = await refused(craftZip([...good(), { name: 'leesmij.txt', data: Buffer.from('x') }]), 'zip.too-many-entries');
    assert.match(!r.ok ? r.message : '', /3 bestanden/);
    await refused(craftZip([{ name: NAME, data: content }, { name: 'leesmij.txt', data: Buffer.from('x') }]), 'zip.unexpected-entry');
    await refused(craftZip([{ name: NAME, data: content }, { name: NAME, data: content }]), 'zip.duplicate');
    await refused(craftZip([{ name: 'a.eml.xml.signature', data: signature }, { name: 'b.eml.xml.signature', data: signature }]), 'zip.unexpected-entry');
  });

  it('refuses a missing .eml.xml or .signature, or a signature for another file', async () => {
    await refused(craftZip([{ name: NAME + '.signature', data: signature }]), 'zip.missing-eml');
    await refused(craftZip([{ name: NAME, data: content }]), 'zip.missing-signature');
    await refused(craftZip([]), 'zip.missing-eml');
    await refused(
      craftZip([{ name: NAME, data: content }, { name: 'Telling_TK2023_gemeente_Assen.eml.xml.signature', data: signature }]),
      'zip.signature-name',
    );
    await refused(
      craftZip([{ name: 'a.eml.xml', data: content }, { name: 'b.eml.xml', data: content }]),
      'zip.unexpected-entry',
    );
  });

  it('refuses entries over the size limit, by header and while inflating (zip bomb)', async () => {
    const limits = { maxEmlBytes: 1024 * 1024, maxSignatureBytes: 1024 };
    const bomb = Buffer.alloc(20 * 1024 * 1024); // 20 MiB of zeros deflates to ~20 KiB
    assert.ok(deflateRawSync(bomb).length < 64 * 1024);
    // Honest header: refused before inflating.
    await refused(craftZip([{ name: NAME, data: bomb }, { name: NAME + '.signature', data: signature }]), 'zip.too-large', limits);
    // Lying header (claims 1000 bytes): refused while inflating.
    const r = await refused(
      craftZip([{ name: NAME, data: bomb, declaredSize: 1000 }, { name: NAME + '.signature', data: signature }]),
      'zip.too-large',
      limits,
    );
    assert.ok(!r.ok && r.detail);
    // Lying header under a generous limit: the real size is still enforced.
    await refused(
      craftZip([{ name: NAME, data: bomb, declaredSize: 1000 }, { name: NAME + '.signature', data: signature }]),
      'zip.too-large',
      { maxEmlBytes: 64 * 1024 * 1024, maxSignatureBytes: 1024 },
    );
    // The signature has its own (small) limit.
    await refused(
      craftZip([{ name: NAME, data: content }, { name: NAME + '.signature', data: Buffer.alloc(2048) }]),
      'zip.too-large',
      limits,
    );
    // The real file fits the default limits.
    assert.ok((await readTransferZip(craftZip(good()))).ok);
  });

  it('refuses encrypted entries', async () => {
    await refused(craftZip([{ name: NAME, data: content, flags: 0x801 }, { name: NAME + '.signature', data: signature }]), 'zip.encrypted');
  });

  it('reads non-UTF-8-flagged ASCII names and UTF-8 names', async () => {
    const name = 'Telling_TK2021_gemeente_Súdwest-Fryslân.eml.xml';
    const r = await readTransferZip(craftZip([{ name, data: content }, { name: name + '.signature', data: signature }]));
    assert.ok(r.ok);
    assert.equal(r.value.emlName, name);
    const plain = await readTransferZip(craftZip(good().map((e) => ({ ...e, flags: 0 }))));
    assert.ok(plain.ok);
  });
});

const inflaters: readonly { readonly name: string; readonly inflater: ChunkInflater }[] = [
  { name: 'in this thread', inflater: inThreadInflater },
  { name: "in the import worker's inflate thread", inflater: new ThreadInflater() },
];

after(async () => {
  for (const { inflater } of inflaters) if (inflater instanceof ThreadInflater) await inflater.close();
});

for (const { name: where, inflater } of inflaters) {
  describe(`openTransferZip (streaming the EML, issue 13), inflated ${where}`, () => {
    /** The EML through the stream, chunk by chunk, and the signature after it. */
    async function streamed(zip: Buffer, limits?: { maxEmlBytes: number; maxSignatureBytes: number }, chunkSize = 4096) {
      const opened = await openTransferZip(zip, limits, { chunkSize, inflater });
      if (!opened.ok) return opened;
      try {
        const chunks: Buffer[] = [];
        const r = await opened.value.streamEml((c) => {
          assert.ok(c.length <= chunkSize, `a chunk of ${c.length} bytes`);
          chunks.push(Buffer.from(c));
          return true;
        });
        if (!r.ok) return r;
        assert.ok(r.value.complete);
        const eml = Buffer.concat(chunks);
        // The SHA-256 given with the stream is that of the bytes given.
        assert.equal(r.value.sha256.toString('hex'), createHash('sha256').update(eml).digest('hex'));
        const sig = await opened.value.readSignature();
        if (!sig.ok) return sig;
        return { ok: true as const, value: { emlName: opened.value.emlName, eml, signature: sig.value } };
      } finally {
        opened.value.close();
      }
    }

    it('gives the bytes readTransferZip gives, deflated or stored, in chunks of at most the chunk size, with their SHA-256', async () => {
      for (const zip of [craftZip(good()), craftZip(good().map((e) => ({ ...e, method: 0 as const })))]) {
        assert.deepEqual(await streamed(zip), await readTransferZip(zip));
      }
      // A big chunk size too (the import's): fewer, larger chunks, the same bytes.
      assert.deepEqual(await streamed(craftZip(good()), undefined, 256 << 10), await readTransferZip(craftZip(good())));
      // The thread really ran (one that cannot start inflates in this thread, which would pass unseen).
      if (inflater instanceof ThreadInflater) {
        assert.equal(inflater.started, 1, 'the inflate thread was started');
        assert.equal(inflater.inThisThread, false, 'and loaded its module');
      }
    });

    it('refuses exactly what readTransferZip refuses: zip bombs (honest and lying headers), a big signature, a damaged stream', async () => {
      const limits = { maxEmlBytes: 1024 * 1024, maxSignatureBytes: 1024 };
      const bomb = Buffer.alloc(20 * 1024 * 1024);
      const damaged = craftZip(good());
      damaged.fill(0xff, 200, 260);
      for (const [zip, l] of [
        [craftZip([{ name: NAME, data: bomb }, { name: NAME + '.signature', data: signature }]), limits],
        [craftZip([{ name: NAME, data: bomb, declaredSize: 1000 }, { name: NAME + '.signature', data: signature }]), limits],
        [craftZip([{ name: NAME, data: bomb, declaredSize: 1000 }, { name: NAME + '.signature', data: signature }]), { maxEmlBytes: 64 * 1024 * 1024, maxSignatureBytes: 1024 }],
        [craftZip([{ name: NAME, data: content }, { name: NAME + '.signature', data: Buffer.alloc(2048) }]), limits],
        [craftZip([{ name: NAME, data: content, declaredSize: content.length + 10 }, { name: NAME + '.signature', data: signature }]), undefined],
        [damaged, undefined],
        [craftZip([{ name: NAME, data: content }]), undefined],
      ] as const) {
        const expected = await readTransferZip(zip, l);
        assert.equal(expected.ok, false);
        assert.deepEqual(await streamed(zip, l), expected);
      }
    });

    it('stops when the consumer asks: complete false, and no more chunks', async () => {
      const opened = await openTransferZip(craftZip(good()), undefined, { chunkSize: 1024, inflater });
      assert.ok(opened.ok);
      let calls = 0;
      const r = await opened.value.streamEml(() => ++calls < 3);
      opened.value.close();
      assert.deepEqual(r, { ok: true, value: { complete: false } });
      assert.equal(calls, 3);
    });

    it('passes on what the consumer throws, and streams the next file as before', async () => {
      const opened = await openTransferZip(craftZip(good()), undefined, { chunkSize: 1024, inflater });
      assert.ok(opened.ok);
      await assert.rejects(
        opened.value.streamEml(() => {
          throw new RangeError('consumer bug');
        }),
        RangeError,
      );
      opened.value.close();
      assert.deepEqual(await streamed(craftZip(good())), await readTransferZip(craftZip(good())));
    });

    it('streams several files at once, each whole and in order', async () => {
      const zips = [craftZip(good()), craftZip(good().map((e) => ({ ...e, method: 0 as const }))), craftZip(good())];
      const all = await Promise.all(zips.map((z, i) => streamed(z, undefined, 1024 << i)));
      for (const [i, zip] of zips.entries()) assert.deepEqual(all[i], await readTransferZip(zip));
    });
  });
}
