/**
 * Test support for the EML 510 tests: a minimal 230b reading with saxes, used only until the
 * project's own reader (src/eml/eml230b.ts, `readCandidateLists`) is available.
 */
import { readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import type { Affiliation, Candidate, CandidateLists, Gender } from '../../src/domain/election.ts';

export function minimalCandidateLists(file: string): CandidateLists {
  const p = new SaxesParser({ xmlns: true });
  const stack: string[] = [];
  let text = '';
  const head: Record<string, string> = {};
  const affs: Affiliation[] = [];
  let aff: { listNumber: number; registeredName: string; type: string; publishGender: boolean; belongsToSet: number | null; candidates: Candidate[] } | null = null;
  let cand: Record<string, string> = {};
  p.on('doctype', () => {
    throw new Error('DOCTYPE');
  });
  p.on('opentag', (t) => {
    stack.push(t.local);
    text = '';
    const a = (n: string) => t.attributes[n]?.value;
    if (t.local === 'ElectionIdentifier') head.electionId = a('Id')!;
    if (t.local === 'ContestIdentifier') head.contestId = a('Id')!;
    if (t.local === 'Affiliation') aff = { listNumber: 0, registeredName: '', type: '', publishGender: false, belongsToSet: null, candidates: [] };
    if (t.local === 'AffiliationIdentifier') aff!.listNumber = Number(a('Id'));
    if (t.local === 'ListData') {
      aff!.publishGender = a('PublishGender') === 'true';
      aff!.belongsToSet = a('BelongsToSet') ? Number(a('BelongsToSet')) : null;
    }
    if (t.local === 'Candidate') cand = {};
    if (t.local === 'CandidateIdentifier') cand.position = a('Id')!;
    if (t.local === 'NameLine' && a('NameType') === 'Initials') cand.wantInitials = '1';
  });
  p.on('text', (t) => {
    text += t;
  });
  p.on('closetag', (t) => {
    stack.pop();
    const parent = stack[stack.length - 1];
    switch (t.local) {
      case 'ElectionName':
        head.electionName = text;
        break;
      case 'ElectionCategory':
        head.electionCategory = text;
        break;
      case 'ElectionDate':
        head.electionDate = text;
        break;
      case 'ContestName':
        head.contestName = text;
        break;
      case 'RegisteredName':
        aff!.registeredName = text;
        break;
      case 'Type':
        if (parent === 'Affiliation') aff!.type = text;
        break;
      case 'NameLine':
        if (cand.wantInitials) cand.initials = text;
        break;
      case 'FirstName':
        cand.firstName = text;
        break;
      case 'NamePrefix':
        cand.prefix = text;
        break;
      case 'LastName':
        cand.lastName = text;
        break;
      case 'Gender':
        cand.gender = text;
        break;
      case 'LocalityName':
        cand.locality = text;
        break;
      case 'Candidate':
        aff!.candidates.push({
          position: Number(cand.position),
          initials: cand.initials ?? '',
          firstName: cand.firstName ?? null,
          prefix: cand.prefix ?? null,
          lastName: cand.lastName ?? '',
          gender: (cand.gender ?? null) as Gender,
          locality: cand.locality ?? null,
        });
        break;
      case 'Affiliation':
        affs.push(aff!);
        aff = null;
        break;
    }
    text = '';
  });
  p.write(readFileSync(file, 'utf8')).close();
  return {
    electionId: head.electionId!,
    electionName: head.electionName!,
    electionCategory: head.electionCategory!,
    electionDate: head.electionDate!,
    contestId: head.contestId!,
    contestName: head.contestName!,
    affiliations: affs,
  };
}
