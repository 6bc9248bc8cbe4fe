/**
 * The error for a missing chart font, in a module of its own so that the CLI's error boundary
 * (src/cli/errors.ts) knows it without loading the chart code (start-up, src/cli/main.ts).
 */
export const CHART_FONT_PACKAGE = 'fonts-dejavu-core';

/** Raised when the chart font is not installed; the message says which package provides it. */
export class MissingChartFontError extends Error {
  constructor(readonly path: string) {
    super(
      `chart font not found: ${path} (install the Debian package ${CHART_FONT_PACKAGE}: ` +
        `apt-get install -y ${CHART_FONT_PACKAGE})`,
    );
    this.name = 'MissingChartFontError';
  }
}
