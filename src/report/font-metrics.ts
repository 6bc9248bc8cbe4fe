/**
 * Horizontal advance widths read straight from a TrueType file (tables head, hhea, hmtx, cmap).
 *
 * Why: vega measures label widths with node-canvas when it is installed and otherwise guesses
 * 0.8 × fontSize per character, which is far too wide for DejaVu Sans and differs between machines.
 * Measuring the file that resvg will draw with makes layout exact (up to kerning, which only narrows
 * text, so a label never overflows the space reserved for it) and the same everywhere.
 */

interface CmapLookup {
  glyph(codePoint: number): number;
}

export class FontMetrics {
  readonly unitsPerEm: number;
  private readonly advances: Uint16Array;
  private readonly cmap: CmapLookup;
  /** Advance in font units by code point; filled on first use of each character. */
  private readonly cache = new Map<number, number>();

  constructor(file: Uint8Array) {
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const tables = readTableDirectory(view);
    const head = requireTable(tables, 'head');
    const hhea = requireTable(tables, 'hhea');
    const hmtx = requireTable(tables, 'hmtx');
    const cmap = requireTable(tables, 'cmap');
    this.unitsPerEm = view.getUint16(head + 18);
    const numberOfHMetrics = view.getUint16(hhea + 34);
    this.advances = new Uint16Array(numberOfHMetrics);
    for (let i = 0; i < numberOfHMetrics; i++) this.advances[i] = view.getUint16(hmtx + 4 * i);
    this.cmap = readCmap(view, cmap);
  }

  /** Width of `text` in pixels at `fontSize` px, without kerning. */
  width(text: string, fontSize: number): number {
    let units = 0;
    for (const ch of text) units += this.advanceOf(ch.codePointAt(0)!);
    return (units * fontSize) / this.unitsPerEm;
  }

  private advanceOf(codePoint: number): number {
    let advance = this.cache.get(codePoint);
    if (advance === undefined) {
      const glyph = this.cmap.glyph(codePoint);
      // Glyphs past numberOfHMetrics share the last advance (monospaced tail, per the hmtx spec).
      advance = this.advances[Math.min(glyph, this.advances.length - 1)];
      this.cache.set(codePoint, advance);
    }
    return advance;
  }
}

function readTableDirectory(view: DataView): Map<string, number> {
  const numTables = view.getUint16(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const record = 12 + 16 * i;
    const tag = String.fromCharCode(
      view.getUint8(record),
      view.getUint8(record + 1),
      view.getUint8(record + 2),
      view.getUint8(record + 3),
    );
    tables.set(tag, view.getUint32(record + 8));
  }
  return tables;
}

function requireTable(tables: Map<string, number>, tag: string): number {
  const offset = tables.get(tag);
  if (offset === undefined) throw new Error(`font file has no '${tag}' table`);
  return offset;
}

/** Picks the Unicode subtable: full-range format 12 if present, else BMP format 4. */
function readCmap(view: DataView, cmap: number): CmapLookup {
  const numTables = view.getUint16(cmap + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < numTables; i++) {
    const record = cmap + 4 + 8 * i;
    const platform = view.getUint16(record);
    const encoding = view.getUint16(record + 2);
    const subtable = cmap + view.getUint32(record + 4);
    const format = view.getUint16(subtable);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12 && format12 === undefined) format12 = subtable;
    if (format === 4 && format4 === undefined) format4 = subtable;
  }
  if (format12 !== undefined) return format12Lookup(view, format12);
  if (format4 !== undefined) return format4Lookup(view, format4);
  throw new Error('font file has no Unicode cmap subtable (format 4 or 12)');
}

function format4Lookup(view: DataView, table: number): CmapLookup {
  const segCount = view.getUint16(table + 6) / 2;
  const endCodes = table + 14;
  const startCodes = endCodes + 2 * segCount + 2;
  const idDeltas = startCodes + 2 * segCount;
  const idRangeOffsets = idDeltas + 2 * segCount;
  return {
    glyph(c: number): number {
      if (c > 0xffff) return 0;
      for (let s = 0; s < segCount; s++) {
        if (view.getUint16(endCodes + 2 * s) < c) continue;
        const start = view.getUint16(startCodes + 2 * s);
        if (start > c) return 0;
        const delta = view.getUint16(idDeltas + 2 * s);
        const rangeOffsetAt = idRangeOffsets + 2 * s;
        const rangeOffset = view.getUint16(rangeOffsetAt);
        if (rangeOffset === 0) return (c + delta) & 0xffff;
        const g = view.getUint16(rangeOffsetAt + rangeOffset + 2 * (c - start));
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
      return 0;
    },
  };
}

function format12Lookup(view: DataView, table: number): CmapLookup {
  const groups = view.getUint32(table + 12);
  return {
    glyph(c: number): number {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const group = table + 16 + 12 * mid;
        const start = view.getUint32(group);
        const end = view.getUint32(group + 4);
        if (c < start) hi = mid - 1;
        else if (c > end) lo = mid + 1;
        else return view.getUint32(group + 8) + (c - start);
      }
      return 0;
    },
  };
}
