/**
 * The stages of the seat allocation and of the candidate assignment in Dutch, with their article
 * (one place: the proces-verbaal P 22-1, the lots and the screens read them from here).
 */
import type { SeatStage } from './allocate.ts';
import type { CandidateStage } from './candidates.ts';

export const SEAT_STAGE_TEXT: Record<SeatStage, string> = {
  averages: 'grootste gemiddelden (P 7)',
  remainders: 'grootste overschotten (P 8, eerste lid)',
  'averages-once': 'grootste gemiddelden, ten hoogste één zetel per lijst (P 8, derde lid)',
  'averages-fallback': 'grootste gemiddelden na uitputting van lijsten (P 10)',
  'absolute-majority': 'absolute meerderheid (P 9)',
};

export const CANDIDATE_STAGE_TEXT: Record<CandidateStage, string> = {
  'group-remainders': 'lijstengroep, grootste overschotten (P 12)',
  'group-averages': 'lijstengroep, grootste gemiddelden (P 13)',
  preference: 'kandidaten met evenveel voorkeurstemmen (P 15)',
};

/** The Dutch text of a stage name as stored with a lot ('averages', 'preference', ...); the name itself when unknown. */
export function stageText(stage: string): string {
  return (SEAT_STAGE_TEXT as Record<string, string>)[stage] ?? (CANDIDATE_STAGE_TEXT as Record<string, string>)[stage] ?? stage;
}
