// The HTML document of every webview, with its Content Security Policy, in one place.
// The extension host builds each view's HTML with webviewHtml(); the browser tests load the very
// same document. Pure string building: no vscode, no DOM, so both Node and the host can import it.

/** The files each view loads, relative to the extension root (localResourceRoots: dist/ and media/). */
export const WEBVIEW_ASSETS = {
  sidebar: {
    script: 'dist/webview/sidebar.js',
    styles: ['media/uPlot.min.css', 'media/common.css', 'media/sidebar.css'],
  },
  diagnostics: {
    script: 'dist/webview/diagnostics.js',
    styles: ['media/uPlot.min.css', 'media/common.css', 'media/diagnostics.css'],
  },
  lab: {
    script: 'dist/webview/lab.js',
    styles: ['media/uPlot.min.css', 'media/common.css', 'media/diagnostics.css', 'media/lab.css'],
  },
  compare: {
    script: 'dist/webview/compare.js',
    styles: ['media/uPlot.min.css', 'media/common.css', 'media/diagnostics.css', 'media/compare.css'],
  },
} as const;

export type WebviewName = keyof typeof WEBVIEW_ASSETS;

export interface WebviewPage {
  /** webview.cspSource: the origin the view's resources come from. */
  cspSource: string;
  /** A fresh random nonce per render (letters, digits, + / = - _; at least 16 characters). */
  nonce: string;
  /** webview.asWebviewUri(...) of the view's script, as a string. */
  scriptUri: string;
  styleUris: readonly string[];
  title: string;
}

/**
 * Scripts only with the nonce; styles and fonts only from the extension's files, no inline style
 * attributes or elements (the code sets styles through the CSSOM, which CSP allows) except a
 * <style> carrying the nonce: the toolkit's focus-visible feature test creates one, with the nonce
 * it reads from <meta property="csp-nonce">. Images from the extension and data: URLs (canvas
 * exports). Nothing else: no eval, no network.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  // VS Code's cspSource is a source list such as "'self' https://*.vscode-cdn.net".
  if (!/^[^;,\r\n"<>]+$/.test(cspSource)) throw new Error(`invalid cspSource ${JSON.stringify(cspSource)}`);
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error('invalid nonce: use at least 16 letters or digits');
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The full HTML document of a webview: CSP meta tag, stylesheets, an empty #root and the script. */
export function webviewHtml(page: WebviewPage): string {
  const csp = contentSecurityPolicy(page.cspSource, page.nonce);
  const styles = page.styleUris.map((href) => `  <link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta property="csp-nonce" content="${escapeHtml(page.nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
  <title>${escapeHtml(page.title)}</title>
</head>
<body>
  <div id="root"></div>
  <script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>
`;
}
