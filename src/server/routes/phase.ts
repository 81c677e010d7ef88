import { z } from 'zod';
import { PHASES, PHASE_LABELS, checkPhaseChange, type PhaseFacts } from '../../domain/phases.ts';
import { allCountsComplete, anyEntryExists } from '../counts.ts';
import { csbListsComplete } from '../csb.ts';
import { writeAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { ApiError, route } from '../http.ts';
import { actorOf, candidateListsFile, currentPhase, electionRow } from '../state.ts';

function facts(ctx: AppContext): PhaseFacts {
  return {
    current: currentPhase(ctx),
    definitionImported: electionRow(ctx) !== undefined,
    // The CSB: the 230b of every kieskring.
    candidateListsImported: candidateListsFile(ctx) !== undefined || csbListsComplete(ctx),
    allCountsComplete: allCountsComplete(ctx),
    anyEntries: anyEntryExists(ctx),
  };
}

function phaseOverview(ctx: AppContext) {
  const f = facts(ctx);
  return {
    phase: f.current,
    phases: PHASES.map((p) => {
      const check = p === f.current ? null : checkPhaseChange(f, p);
      return {
        number: p,
        label: PHASE_LABELS[p],
        active: p === f.current,
        canActivate: check !== null && check.ok,
        reason: check !== null && !check.ok ? check.message : null,
      };
    }),
  };
}

export const phaseRoutes = [
  route({
    method: 'GET',
    url: '/api/phase',
    access: 'election.view',
    tag: 'fasen',
    summary: 'De huidige fase en welke fasen nu geactiveerd kunnen worden.',
    handler: ({ ctx }) => phaseOverview(ctx),
  }),
  route({
    method: 'POST',
    url: '/api/phase',
    access: 'phase.change',
    tag: 'fasen',
    summary: 'Ga naar een andere fase (één stap vooruit of terug).',
    body: z.object({ target: z.union([z.literal(1), z.literal(2), z.literal(3)]) }),
    handler: ({ ctx, user, body, now }) => {
      ctx.db.transaction(() => {
        const f = facts(ctx);
        const check = checkPhaseChange(f, body.target);
        if (!check.ok) throw ApiError.from(409, check);
        ctx.db.prepare('UPDATE instance SET phase = ? WHERE id = 1').run(check.value);
        writeAudit(ctx.db, now, actorOf(user!), 'phase.change', { from: f.current, to: check.value });
      })();
      return { phase: currentPhase(ctx) };
    },
  }),
];
