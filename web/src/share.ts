/**
 * Share links: the page's whole input (scenario text, mesh configuration text, the incident choice)
 * compressed into the URL fragment, so a link reproduces a run and nothing is sent to any server
 * (a fragment never leaves the browser). Format: `#v1=` + base64url(deflate(JSON)).
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { isPlaygroundInput, type PlaygroundInput } from './input.ts';

const PREFIX = 'v1=';

export function encodeShare(input: PlaygroundInput): string {
  return PREFIX + toBase64Url(deflateSync(strToU8(JSON.stringify(input)), { level: 9 }));
}

/** The input a fragment (with or without its `#`) holds; an Error saying why when it holds none. */
export function decodeShare(fragment: string): PlaygroundInput {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (!text.startsWith(PREFIX)) throw new Error(`share link: expected a fragment starting with #${PREFIX}`);
  let value: unknown;
  try {
    value = JSON.parse(strFromU8(inflateSync(fromBase64Url(text.slice(PREFIX.length)))));
  } catch {
    throw new Error('share link: the fragment is damaged (it does not decompress to the page input); was the link cut short?');
  }
  if (!isPlaygroundInput(value)) throw new Error('share link: the fragment does not hold a playground input');
  return value;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list short on long inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
