/**
 * Node-only: reads the CONFIG... arguments of explain/check/tune/init — files, or directories
 * (their *.yaml, *.yml and *.json files, recursively, in name order) — and builds the mesh from
 * them (src/mesh).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../config/errors.ts';
import { buildMesh, type Mesh } from '../mesh/build.ts';
import type { MeshInputFile } from '../mesh/documents.ts';
import { parseEndpointsFlag } from '../mesh/endpoints-flag.ts';

const CONFIG_FILE = /\.(ya?ml|json)$/i;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (CONFIG_FILE.test(entry.name)) out.push(path);
  }
  return out;
}

export function readMeshInputs(paths: readonly string[]): MeshInputFile[] {
  const files: MeshInputFile[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      throw new UserError(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read (${(e as NodeJS.ErrnoException).code})`}`);
    }
    const list = isDir ? filesUnder(p) : [p];
    if (isDir && list.length === 0) throw new UserError(`${p}: no .yaml, .yml or .json files in the directory`);
    for (const file of list) {
      try {
        files.push({ file, text: readFileSync(file, 'utf8') });
      } catch (e) {
        throw new UserError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
    }
  }
  return files;
}

/** The mesh from CONFIG... and the --endpoints flags. */
export function loadMesh(paths: readonly string[], endpointFlags: readonly string[] = []): Mesh {
  return buildMesh(readMeshInputs(paths), { endpoints: endpointFlags.map(parseEndpointsFlag) });
}
