import { useEffect, type ReactNode } from 'react';
import { HashCode, Facts, PageTitle, formatDate, useApp } from '../components.tsx';
import { href, navigate } from '../router.ts';
import { isCsb, isGemeente, stemgebiedLabel } from '../stemgebied.ts';

/**
 * Overview. A beheerder without an election lands on "Aanmaken verkiezing" (guide step 2), and
 * without candidate lists on "Importeren kandidatenlijsten" (guide step 3).
 */
export function Home() {
  const { election, can } = useApp();
  const e = election?.election;
  useEffect(() => {
    if (!election || !can('election.import')) return;
    if (election.election === null) navigate('/verkiezing/aanmaken');
    // (the CSB's lists are per kieskring: its screen shows which are imported)
    else if (election.election.candidateLists === null && !isCsb(election.election)) navigate('/verkiezing/kandidatenlijsten/importeren');
  }, [election, can]);

  if (!election) return <p>Laden…</p>;
  if (!e) {
    return (
      <>
        <PageTitle>Overzicht</PageTitle>
        <p>Er is nog geen verkiezing ingesteld. Een beheerder moet eerst de verkiezingsdefinitie importeren.</p>
      </>
    );
  }
  return (
    <>
      <PageTitle>Overzicht</PageTitle>
      <Facts
        rows={[
          ['Verkiezing', `${e.name} (${e.id})`],
          ['Verkiezingsdatum', formatDate(e.electionDate)],
          ['Aantal zetels', String(e.numberOfSeats)],
          ['Stemgebied', stemgebiedLabel(e.stemgebied)],
          ...(e.stemgebied.category === 'GEMEENTE'
            ? ([
                ['Installatie', 'Gemeente: invoer van de stembureaus, tellingbestand voor het hoofdstembureau'],
                ['Kieskring', `Kieskring ${e.stemgebied.kieskring.number} ${e.stemgebied.kieskring.name}`],
              ] as [string, string][])
            : []),
          ['Actieve fase', <a href={href('/verkiezingsproces')}>Fase {election.phase}</a>],
          ...(isGemeente(e) ? ([['Stembureaus', <a href={href('/verkiezing/stembureaus')}>Stembureaus bekijken</a>]] as [string, ReactNode][]) : []),
          ...(isCsb(e)
            ? ([
                ['Installatie', 'Centraal stembureau: de uitkomsten van de kieskringen, zetelverdeling en gekozen kandidaten'],
                ['Kandidatenlijsten', <a href={href('/verkiezing/kandidatenlijsten/importeren')}>Per kieskring</a>],
              ] as [string, ReactNode][])
            : ([
                [
                  'Kandidatenlijsten',
                  e.candidateLists ? `${e.candidateLists.lists} lijsten, ${e.candidateLists.candidates} kandidaten` : 'Nog niet geïmporteerd',
                ],
              ] as [string, ReactNode][])),
        ]}
      />
      <h2>Hashcode verkiezingsdefinitie</h2>
      <p className="hint">{e.definition.fileName}</p>
      <HashCode hex={e.definition.hash} label="Hashcode verkiezingsdefinitie" />
      {e.candidateLists ? (
        <>
          <h2>Hashcode kandidatenlijsten</h2>
          <p className="hint">{e.candidateLists.fileName}</p>
          <HashCode hex={e.candidateLists.hash} label="Hashcode kandidatenlijsten" />
        </>
      ) : null}
    </>
  );
}
