import { z } from 'zod';
import { PHASES, PHASE_LABELS, checkPhaseChange, type PhaseFacts } from '../../domain/phases.ts';
import { installationOf } from '../../domain/installation.ts';
import { allCountsComplete, anyEntryExists, kieskringMunicipalities } from '../counts.ts';
import { loadPvDetails, pvDetailsMissing } from '../documents.ts';
import { csbListsComplete } from '../csb.ts';
import { writeAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { ApiError, route } from '../http.ts';
import { phaseWorkers } from '../phaseWorkers.ts';
import { actorOf, candidateListsFile, currentPhase, eligibleVoters, electionRow } from '../state.ts';
import { hasOwnKey, municipalityKeyCodes } from '../store/keys.ts';
import { setPhase } from '../store/users.ts';

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

const LaterStep = z.object({ kind: z.enum(['own_key', 'municipality_keys', 'eligible_voters', 'pv_details']), text: z.string() }).readonly();
export type LaterStep = z.output<typeof LaterStep>;

const Phase = z.union([z.literal(1), z.literal(2), z.literal(3)]);

const PhaseOverview = z.object({
  phase: Phase,
  laterSteps: z.array(LaterStep),
  phases: z.array(
    z.object({ number: Phase, label: z.string(), active: z.boolean(), canActivate: z.boolean(), reason: z.string().nullable() }),
  ),
});

/**
 * What later steps will need and is not there yet (Dutch, in the menu's words): shown in the
 * confirmation of "Activeren steminvoer fase" and "Definitief maken", so nobody walks into a dead
 * end (issue 12). Nothing here blocks a phase change.
 */
export function laterStepsMissing(ctx: AppContext): LaterStep[] {
  const e = electionRow(ctx);
  if (!e) return [];
  const out: LaterStep[] = [];
  const kind = installationOf(e.stemgebied_category);
  if (!hasOwnKey(ctx.db)) {
    out.push({
      kind: 'own_key',
      text: 'Er is nog geen eigen sleutel. De beheerder maakt die aan met “Ophalen (downloaden) publieke sleutel” (menu Verkiezing); zonder eigen sleutel kunnen na het definitief maken geen bestanden worden aangemaakt.',
    });
  }
  if (kind.phase1.municipalityKeys) {
    const imported = new Set(municipalityKeyCodes(ctx.db));
    const lacking = kieskringMunicipalities(ctx).filter((m) => !imported.has(m.code));
    if (lacking.length > 0) {
      out.push({
        kind: 'municipality_keys',
        text:
          `Van ${lacking.length} gemeente${lacking.length === 1 ? '' : 'n'} is de publieke sleutel nog niet geïmporteerd (${lacking.map((m) => `${m.name} (${m.code})`).join(', ')}). ` +
          'Hun tellingbestanden kunnen pas worden geïmporteerd (Importeren steminvoer) als de beheerder de sleutel heeft geïmporteerd onder “Tonen stemgebieden”.',
      });
    }
  }
  if (kind.eligibleVoters && eligibleVoters(ctx) === null) {
    out.push({
      kind: 'eligible_voters',
      text: 'Het aantal kiesgerechtigden van de gemeente is nog niet ingevuld (Stembureaus); zonder dat kan de uitslag niet definitief worden gemaakt.',
    });
  }
  const pv = pvDetailsMissing(loadPvDetails(ctx).details, kind);
  if (pv.length > 0) {
    out.push({
      kind: 'pv_details',
      text: `De gegevens van het proces-verbaal zijn nog niet ingevuld (${pv.join(', ')}). De verkiezingsleider vult ze in onder “Definitief maken & PV gebiedsuitslag”; zonder deze gegevens kunnen geen bestanden worden aangemaakt.`,
    });
  }
  return out;
}

function phaseOverview(ctx: AppContext): z.input<typeof PhaseOverview> {
  const f = facts(ctx);
  return {
    phase: f.current,
    laterSteps: laterStepsMissing(ctx),
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
    response: PhaseOverview,
    handler: ({ ctx }) => phaseOverview(ctx),
  }),
  route({
    method: 'POST',
    url: '/api/phase',
    access: 'phase.change',
    tag: 'fasen',
    summary: 'Ga naar een andere fase (één stap vooruit of terug).',
    body: z.object({ target: Phase }),
    response: z.object({ phase: Phase }),
    handler: ({ ctx, user, body, now }) => {
      ctx.db.transaction(() => {
        const f = facts(ctx);
        const check = checkPhaseChange(f, body.target);
        if (!check.ok) throw ApiError.from(409, check);
        setPhase(ctx.db, check.value);
        writeAudit(ctx.db, now, actorOf(user!), 'phase.change', { from: f.current, to: check.value });
      })();
      // The worker of the new phase is started ahead of use (the import worker in phase 2 of an HSB, the
      // render worker in phase 3), the other one stopped.
      phaseWorkers(ctx);
      return { phase: currentPhase(ctx) };
    },
  }),
];
