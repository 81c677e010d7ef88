import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyAction, EMPTY, indicator, type Action, type UnitState, type UserRef } from '../../src/domain/doubleEntry.ts';
import { emptyForm, formsEqual, formToCounts, type EntryForm } from '../../src/domain/entry.ts';
import { sumCounts } from '../../src/domain/counts.ts';
import { can } from '../../src/domain/permissions.ts';

const shape = { affiliations: [{ listNumber: 1, candidates: [{}, {}] }, { listNumber: 2, candidates: [{}] }] } as never;

/** A consistent form whose numbers derive from `seed` (different seeds, different results). */
function consistent(seed: number): EntryForm {
  const a = 100 + seed, b = 50 + (seed % 7), c = 30;
  const E = a + b + c;
  const f = emptyForm(shape);
  return {
    scalars: { ...f.scalars, Z: 2 * E, A: E + 2, B: 0, C: 0, D: E + 2, E, F: 1, G: 1, H: E + 2, I: 0, J: 0, K: 0, L: 0, M: 0, N: 0, O: 0, P1: 0, P2: 0, P3: 0 },
    lists: [
      { listNumber: 1, total: a + b, candidates: [a, b] },
      { listNumber: 2, total: c, candidates: [c] },
    ],
  };
}

const leader: UserRef = { id: 1, username: 'leider', role: 'verkiezingsleider' };
const t1: UserRef = { id: 2, username: 'anna', role: 'invoer' };
const t2: UserRef = { id: 3, username: 'bram', role: 'invoer' };
const t3: UserRef = { id: 4, username: 'cees', role: 'invoer' };
const viewer: UserRef = { id: 5, username: 'kijker', role: 'alleen_lezen' };
const admin: UserRef = { id: 6, username: 'admin', role: 'beheerder' };

function run(s: UnitState, ...actions: Action[]): UnitState {
  for (const a of actions) {
    const r = applyAction(s, a);
    assert.ok(r.ok, r.ok ? '' : r.message);
    s = r.value.state;
  }
  return s;
}

test('two equal typed entries by two users complete the municipality', () => {
  const f = consistent(1);
  const s = run(EMPTY, { type: 'claim', user: t1 }, { type: 'save', user: t1, form: f }, { type: 'submit', user: t1, form: f, acknowledged: [] });
  assert.equal(s.kind, 'first_done');
  const same = applyAction(s, { type: 'claim', user: t1 });
  assert.ok(!same.ok && same.code === 'entry.same_user');
  const done = run(s, { type: 'claim', user: t2 }, { type: 'submit', user: t2, form: f, acknowledged: [] });
  assert.equal(done.kind, 'complete');
  assert.equal(indicator(done), 'afgerond');
});

test('the leader imports a first entry but never types; the second entry differs and is resolved', () => {
  const f = consistent(2);
  assert.equal(applyAction(EMPTY, { type: 'claim', user: leader }).ok, false);
  assert.equal(applyAction(EMPTY, { type: 'import', user: t1, form: f, acknowledged: [] }).ok, false);
  const s = run(EMPTY, { type: 'import', user: leader, form: f, acknowledged: [] });
  assert.equal(s.kind, 'first_done');
  const g = consistent(3);
  const claimed = run(s, { type: 'claim', user: t1 });
  const r = applyAction(claimed, { type: 'submit', user: t1, form: g, acknowledged: [] });
  assert.ok(r.ok && r.value.outcome.kind === 'not_identical' && r.value.state.kind === 'second_in_progress');
  const diff = run(r.value.state, { type: 'submit', user: t1, form: g, acknowledged: [], confirmDifferent: true });
  assert.equal(diff.kind, 'differences');
  assert.equal(applyAction(diff, { type: 'resolve', user: t2, choice: 'first' }).ok, false);
  const kept = run(diff, { type: 'resolve', user: leader, choice: 'second' });
  assert.ok(kept.kind === 'first_done' && kept.first.by.id === t1.id);
});

test('claims are exclusive; only the owner or the leader releases; import is refused while someone types', () => {
  const s = run(EMPTY, { type: 'claim', user: t1 });
  const other = applyAction(s, { type: 'claim', user: t2 });
  assert.ok(!other.ok && other.code === 'entry.claimed' && other.message.includes('anna'));
  assert.equal(applyAction(s, { type: 'save', user: t2, form: consistent(1) }).ok, false);
  assert.equal(applyAction(s, { type: 'release', user: t2 }).ok, false);
  assert.equal(applyAction(s, { type: 'import', user: leader, form: consistent(1), acknowledged: [] }).ok, false);
  assert.equal(run(s, { type: 'release', user: leader }).kind, 'empty');
});

test('warnings must be acknowledged; errors go to the leader only when confirmed; empty fields block', () => {
  const f = { ...consistent(1), scalars: { ...consistent(1).scalars, Z: 0 } };
  const s = run(EMPTY, { type: 'claim', user: t1 });
  const w = applyAction(s, { type: 'submit', user: t1, form: f, acknowledged: [] });
  assert.ok(w.ok && w.value.outcome.kind === 'needs_attention' && w.value.outcome.blocking === 'warnings');
  assert.equal(run(s, { type: 'submit', user: t1, form: f, acknowledged: ['W.205'] }).kind, 'first_done');
  const bad = { ...consistent(1), scalars: { ...consistent(1).scalars, D: 1 } };
  const e = applyAction(s, { type: 'submit', user: t1, form: bad, acknowledged: [] });
  assert.ok(e.ok && e.value.outcome.kind === 'needs_attention' && e.value.outcome.blocking === 'errors');
  const withErrors = run(s, { type: 'submit', user: t1, form: bad, acknowledged: [], confirmErrors: true });
  assert.equal(withErrors.kind, 'first_with_errors');
  assert.equal(run(withErrors, { type: 'delete', user: leader }).kind, 'empty');
  const empty = applyAction(s, { type: 'submit', user: t1, form: emptyForm(shape), acknowledged: [], confirmErrors: true });
  assert.ok(empty.ok && empty.value.outcome.kind === 'needs_attention' && empty.value.outcome.blocking === 'empty');
});

const users = [leader, t1, t2, t3, viewer, admin];

test('property: random actions by random users keep the four-eyes invariants', () => {
  const actionArb = fc.record({
    unit: fc.nat(2),
    type: fc.constantFrom('claim', 'save', 'submit', 'release', 'import', 'delete', 'resolve'),
    user: fc.constantFrom(...users),
    seed: fc.nat(3),
    confirm: fc.boolean(),
    choice: fc.constantFrom('first', 'second', 'delete_both'),
  });
  fc.assert(
    fc.property(fc.array(actionArb, { maxLength: 60 }), (steps) => {
      const units: UnitState[] = [EMPTY, EMPTY, EMPTY];
      for (const st of steps) {
        const form = consistent(st.seed);
        const action = ({
          claim: { type: 'claim', user: st.user },
          save: { type: 'save', user: st.user, form },
          submit: { type: 'submit', user: st.user, form, acknowledged: [], confirmDifferent: st.confirm, confirmErrors: st.confirm },
          release: { type: 'release', user: st.user },
          import: { type: 'import', user: st.user, form, acknowledged: [] },
          delete: { type: 'delete', user: st.user },
          resolve: { type: 'resolve', user: st.user, choice: st.choice },
        } as Record<string, Action>)[st.type]!;
        const r = applyAction(units[st.unit]!, action);
        if (r.ok) units[st.unit] = r.value.state;
        for (const u of units) {
          // nobody but a typist ever typed numbers; imports come only from the leader
          const records = 'first' in u ? [u.first, ...('second' in u ? [u.second] : [])] : [];
          for (const rec of records) {
            if (rec.source === 'typed' && !can(rec.by.role, 'counts.enter')) return false;
            if (rec.source === 'import' && !can(rec.by.role, 'counts.import')) return false;
          }
          if ('draft' in u && !can(u.draft.by.role, 'counts.enter')) return false;
          if (u.kind === 'complete') {
            if (u.first.by.id === u.second.by.id) return false;
            if (!formsEqual(u.first.form, u.second.form)) return false;
            if (u.second.source !== 'typed') return false;
          }
          if (u.kind === 'second_in_progress' && u.draft.by.id === u.first.by.id) return false;
        }
      }
      // the kieskring total is the sum of the completed municipalities
      const done = units.filter((u) => u.kind === 'complete').map((u) => formToCounts((u as Extract<UnitState, { kind: 'complete' }>).first.form));
      const total = sumCounts(done);
      const expectE = done.reduce((a, c) => a + c.totalCounted, 0);
      return total.totalCounted === expectE && total.lists.reduce((a, l) => a + l.total, 0) === expectE;
    }),
    { numRuns: 300 },
  );
});
