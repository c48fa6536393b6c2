/**
 * Said on the console when Digit Lab runs with `--no-sandbox`: its launcher adds it only where Chromium's sandbox
 * cannot start (Linux with unprivileged user namespaces restricted — Ubuntu 24.04's AppArmor default — and no
 * root-owned setuid `chrome-sandbox`), where the sandbox would otherwise abort the start. See docs/DESKTOP.md.
 */
export const SANDBOX_OFF_NOTICE = [
  'Digit Lab: running WITHOUT Chromium\'s sandbox (--no-sandbox).',
  '  This system does not let programs create user namespaces (on Ubuntu 24.04 and later AppArmor restricts them),',
  '  and the setuid chrome-sandbox helper is not installed root-owned with mode 4755, so the sandbox could not start.',
  '  The window still only shows Digit Lab\'s own pages. To run sandboxed: install the .deb package (it sets the',
  '  helper up and installs an AppArmor profile), or, for a development checkout, run once:',
  '    sudo chown root node_modules/electron/dist/chrome-sandbox && sudo chmod 4755 node_modules/electron/dist/chrome-sandbox',
].join('\n')
