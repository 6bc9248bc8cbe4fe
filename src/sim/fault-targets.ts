/**
 * Checks of a scenario against the mesh configuration, once the model knows the mesh's endpoints
 * (src/sim/model.ts): the scenario's schema cannot do them on its own.
 */
import { UserError } from '../config/errors.ts';
import { formatPath } from '../config/issues.ts';
import { localityCovers, type Scenario, type ScenarioLocality } from '../config/scenario.ts';

/**
 * Checks that every fault targets something that exists: an `endpoint:` must be one of the known
 * endpoint addresses, a `locality:` must cover at least one known endpoint locality
 * (`region[/zone[/subzone]]`, a prefix match). Also checks that every `endpoints:` key (but `*`) is
 * a known address. Throws a UserError in the scenario's message style.
 */
export function checkFaultTargets(
  scenario: Scenario,
  knownEndpointAddresses: readonly string[],
  knownLocalities: readonly ScenarioLocality[],
  file = 'scenario',
): void {
  const addresses = new Set(knownEndpointAddresses);
  const list = () => knownEndpointAddresses.map((a) => JSON.stringify(a)).join(', ');
  const problems: string[] = [];
  scenario.faults.forEach((f, i) => {
    if ('endpoint' in f.target) {
      if (!addresses.has(f.target.endpoint)) {
        problems.push(
          `${file}: ${formatPath(['faults', i, 'endpoint'])}: no endpoint ${JSON.stringify(f.target.endpoint)} in the mesh configuration (known: ${list()})`,
        );
      }
    } else {
      const t = f.target.locality;
      if (!knownLocalities.some((l) => localityCovers(t, l))) {
        const known = [...new Set(knownLocalities.map((l) => [l.region, l.zone, l.subzone].filter(Boolean).join('/')))];
        problems.push(
          `${file}: ${formatPath(['faults', i, 'locality'])}: no endpoint in locality ${JSON.stringify(f.target.localityText)} (known: ${known.map((k) => JSON.stringify(k)).join(', ')})`,
        );
      }
    }
  });
  for (const key of Object.keys(scenario.endpoints)) {
    if (key !== '*' && !addresses.has(key)) {
      problems.push(`${file}: ${formatPath(['endpoints', key])}: no endpoint with this address in the mesh configuration (known: ${list()})`);
    }
  }
  if (problems.length) throw new UserError(problems.join('\n'));
}
