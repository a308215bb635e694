// The HTML of a SeqLab webview for VS Code: the shared page builder (webview/page.ts, which owns
// the Content-Security-Policy) with this webview's resource URIs and a fresh nonce.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { WEBVIEW_ASSETS, WebviewName, webviewHtml } from '../../webview/page';

/** Webviews may load only the extension's own bundle and media. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

export function htmlFor(webview: vscode.Webview, extensionUri: vscode.Uri, name: WebviewName, title: string): string {
  const assets = WEBVIEW_ASSETS[name];
  const uri = (path: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path.split('/'))).toString();
  return webviewHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64url'),
    scriptUri: uri(assets.script),
    styleUris: assets.styles.map(uri),
    title,
  });
}
