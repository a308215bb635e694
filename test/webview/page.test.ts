// The webviews' HTML document and its Content Security Policy (webview/page.ts), in Node.

import * as assert from 'node:assert/strict';
import { WEBVIEW_ASSETS, contentSecurityPolicy, webviewHtml } from '../../webview/page';
import * as fs from 'node:fs';
import * as path from 'node:path';

const page = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abcdefghijklmnop1234',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/sidebar.js',
  styleUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/media/common.css'],
  title: 'Loss <& "quotes">',
};

describe('webview page (webviewHtml)', () => {
  it('allows scripts only by nonce, styles and fonts only from the webview source, nothing else', () => {
    assert.equal(
      contentSecurityPolicy(page.cspSource, page.nonce),
      "default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net data:; " +
        "style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-abcdefghijklmnop1234'; " +
        "font-src https://file+.vscode-resource.vscode-cdn.net; script-src 'nonce-abcdefghijklmnop1234'",
    );
  });

  it('puts the CSP, the nonce, the stylesheets, #root and the script into the document', () => {
    const html = webviewHtml(page);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    assert.match(html, /<meta property="csp-nonce" content="abcdefghijklmnop1234">/);
    assert.match(
      html,
      /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/common\.css">/,
    );
    assert.match(
      html,
      /<div id="root"><\/div>\s*<script nonce="abcdefghijklmnop1234" src="[^"]+\/sidebar\.js"><\/script>/,
    );
    assert.match(html, /<title>Loss &#60;&#38; &#34;quotes&#34;&#62;<\/title>/);
    assert.doesNotMatch(html, /unsafe-|style="|<style/);
  });

  it('refuses a weak nonce or a cspSource that could extend the policy', () => {
    assert.throws(() => webviewHtml({ ...page, nonce: 'short' }), /nonce/);
    assert.throws(() => webviewHtml({ ...page, nonce: "abcdefghijklmnop1234' 'unsafe-eval" }), /nonce/);
    assert.throws(() => webviewHtml({ ...page, cspSource: "x; script-src 'unsafe-eval'" }), /cspSource/);
  });

  it('names asset files that exist in the repository (media/) or that the build writes (dist/)', () => {
    const root = path.resolve(__dirname, '../../..');
    for (const view of Object.values(WEBVIEW_ASSETS)) {
      for (const s of view.styles) assert.ok(fs.existsSync(path.join(root, s)), s);
      assert.match(view.script, /^dist\/webview\/\w+\.js$/);
    }
  });
});
