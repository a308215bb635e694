// Debian's chromium, as both browser suites start it (the webview pages and the code-server workbench).

/** The chromium binary: SEQLAB_CHROMIUM, or Debian's. */
export const CHROMIUM_PATH = process.env.SEQLAB_CHROMIUM ?? '/usr/bin/chromium';

/** Headless as root, on a machine with no network: no sandbox, GPU, QUIC or background connections. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
