import { api, path } from '../api.ts';
import { ErrorMessage, PageTitle, useLoad } from '../components.tsx';
import { href } from '../router.ts';

const NO_NAME = '(blanco lijst, zonder aanduiding)';

function listName(l: { name: string }): string {
  return l.name.trim() === '' ? NO_NAME : l.name;
}

/** "Tonen partijen": the list numbers and registered names (aanduidingen). */
export function Parties() {
  const [data, error] = useLoad(() => api.get('/api/election/lists'));
  return (
    <>
      <PageTitle>Tonen partijen</PageTitle>
      <ErrorMessage error={error} />
      {data ? (
        <>
          <p>{data.lists.length} partijen (lijsten) in deze kieskring.</p>
          <table>
            <caption className="sr-only">Partijen</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Lijstnummer
                </th>
                <th scope="col">Aanduiding</th>
              </tr>
            </thead>
            <tbody>
              {data.lists.map((l) => (
                <tr key={l.listNumber}>
                  <td className="num">{l.listNumber}</td>
                  <td>{listName(l)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}

/** "Tonen kandidatenlijsten": per list the number of candidates and "Tonen kandidaten". */
export function CandidateLists() {
  const [data, error] = useLoad(() => api.get('/api/election/lists'));
  const total = data?.lists.reduce((s, l) => s + l.candidates, 0) ?? 0;
  return (
    <>
      <PageTitle>Tonen kandidatenlijsten</PageTitle>
      <ErrorMessage error={error} />
      {data ? (
        <>
          <p>
            {data.lists.length} lijsten met samen {total} kandidaten.
          </p>
          <table>
            <caption className="sr-only">Kandidatenlijsten</caption>
            <thead>
              <tr>
                <th scope="col">Menu</th>
                <th scope="col" className="num">
                  Lijstnummer
                </th>
                <th scope="col">Aanduiding</th>
                <th scope="col" className="num">
                  Kandidaten
                </th>
              </tr>
            </thead>
            <tbody>
              {data.lists.map((l) => (
                <tr key={l.listNumber}>
                  <td>
                    <a
                      className="button secondary small"
                      href={href(`/verkiezing/kandidatenlijsten/${l.listNumber}`)}
                      aria-label={`Tonen kandidaten lijst ${l.listNumber}`}
                    >
                      Tonen kandidaten
                    </a>
                  </td>
                  <td className="num">{l.listNumber}</td>
                  <td>{listName(l)}</td>
                  <td className="num">{l.candidates}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}

/** "Tonen kandidaten" of one list. */
export function Candidates({ listNumber }: { listNumber: string }) {
  const [data, error] = useLoad(
    () => api.get(path('/api/election/lists/:listNumber/candidates', { listNumber })),
    [listNumber],
  );
  const showGender = data?.list.publishGender ?? false;
  return (
    <>
      <PageTitle>
        Kandidaten lijst {listNumber}
        {data ? ` ${listName(data.list)}` : ''}
      </PageTitle>
      <p>
        <a href={href('/verkiezing/kandidatenlijsten')}>← Tonen kandidatenlijsten</a>
      </p>
      <ErrorMessage error={error} />
      {data ? (
        <>
          <p>{data.candidates.length} kandidaten.</p>
          <table>
            <caption className="sr-only">Kandidaten</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Nummer
                </th>
                <th scope="col">Naam</th>
                {showGender ? <th scope="col">Geslacht</th> : null}
                <th scope="col">Woonplaats</th>
              </tr>
            </thead>
            <tbody>
              {data.candidates.map((c) => (
                <tr key={c.position}>
                  <td className="num">{c.position}</td>
                  {/* candidateDisplayName (server), as the entry form and the PV: "Ark, T. van (Tamara)". */}
                  <td>{c.name}</td>
                  {showGender ? <td>{genderLabel(c.gender)}</td> : null}
                  <td>{c.locality ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}

function genderLabel(g: string | null): string {
  if (g === 'male') return 'man';
  if (g === 'female') return 'vrouw';
  return g ?? '';
}
