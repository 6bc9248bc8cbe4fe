/**
 * The locality text users write for a client (`region`, `region/zone`, `region/zone/subzone`), checked
 * the same way wherever it is given: a scenario's clients[].locality and faults[].locality, and
 * `failsim explain --client-locality` (so explain and run accept and reject the same texts).
 */
export const LOCALITY_EXPECTATION = 'expected a locality like region, region/zone or region/zone/subzone';

/** Why `text` is not a locality, or undefined when it is one. */
export function localityTextProblem(text: string): string | undefined {
  const parts = text.split('/');
  if (text === '' || parts.length > 3 || parts.some((p) => p === '' || p.trim() !== p)) {
    return `${LOCALITY_EXPECTATION} (got ${JSON.stringify(text)})`;
  }
  return undefined;
}
