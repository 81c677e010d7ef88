import { fail, ok, type Result } from './result.ts';

/** The three phases of the menu "Verkiezingsproces" (domain.md §3). */
export const PHASES = [1, 2, 3] as const;
export type Phase = (typeof PHASES)[number];

export const PHASE_LABELS: Record<Phase, string> = {
  1: 'Instellen verkiezingsgegevens',
  2: 'Invoeren stemmen',
  3: 'Definitief maken & PV gebiedsuitslag',
};

/** What the phase-transition rules need to know about the installation's state. */
export interface PhaseFacts {
  readonly current: Phase;
  readonly definitionImported: boolean;
  readonly candidateListsImported: boolean;
  /** Phase 3 only: every municipality complete and nothing open. */
  readonly allCountsComplete: boolean;
  /**
   * Any municipality has an entry or a draft. Going back from phase 2 to phase 1 is then refused:
   * phase 1 may replace the candidate lists the entries are built on.
   */
  readonly anyEntries: boolean;
}

export type PhaseError = 'phase.same' | 'phase.skip' | 'phase.not_ready';

/** May the election leader move from `facts.current` to `target`? */
export function checkPhaseChange(facts: PhaseFacts, target: Phase): Result<Phase, PhaseError> {
  if (target === facts.current) return fail('phase.same', `Fase ${target} is al actief.`);
  if (Math.abs(target - facts.current) > 1) {
    return fail('phase.skip', `U kunt niet direct van fase ${facts.current} naar fase ${target} gaan.`);
  }
  if (facts.current === 2 && target === 1 && facts.anyEntries) {
    return fail(
      'phase.not_ready',
      'Er zijn al stemmen ingevoerd of geïmporteerd. Terug naar fase 1 kan pas als alle invoer is verwijderd.',
    );
  }
  if (target === 2 && target > facts.current) {
    if (!facts.definitionImported) {
      return fail('phase.not_ready', 'De verkiezingsdefinitie is nog niet geïmporteerd.');
    }
    if (!facts.candidateListsImported) {
      return fail('phase.not_ready', 'De kandidatenlijsten zijn nog niet geïmporteerd.');
    }
  }
  if (target === 3 && target > facts.current && !facts.allCountsComplete) {
    return fail(
      'phase.not_ready',
      'Nog niet alle invoer is afgerond: elke gemeente (bij een gemeente-installatie: elk stembureau, en het aantal kiesgerechtigden) moet een afgeronde eerste en tweede invoer hebben zonder openstaande verschillen.',
    );
  }
  return ok(target);
}
