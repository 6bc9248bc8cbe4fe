/** Errors and warnings about user-written Istio resources, located in their file. */
import type { IstioKind } from './schema.ts';

/** Where a resource came from: file, 1-based document index, kind and name. */
export interface SourceRef {
  file: string;
  document: number;
  kind: IstioKind;
  name: string;
}

export interface IstioWarning {
  /** Stable machine-readable code, e.g. `unmodelled-field`, `no-outlier-detection`. */
  code: string;
  message: string;
  /** Path inside the document, e.g. `spec.trafficPolicy.tls`. */
  path?: string;
  /** The same path as parts, relative to `spec`. */
  pathParts?: (string | number)[];
  file?: string;
  document?: number;
  /** `Kind/name`. */
  resource?: string;
  line?: number;
}

/** A problem Istio itself would reject; the message names file, document and path. */
export class IstioConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IstioConfigError';
  }
}

/** `spec.endpoints[0].locality` from path parts. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}


/** A warning about a resource, located by its source and a path relative to `spec`. */
export function resourceWarning(ref: SourceRef, code: string, message: string, pathParts?: (string | number)[]): IstioWarning {
  return {
    code,
    message,
    file: ref.file,
    document: ref.document,
    resource: `${ref.kind}/${ref.name}`,
    path: pathParts ? formatPath(['spec', ...pathParts]) : undefined,
    pathParts,
  };
}
