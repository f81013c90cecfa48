/**
 * Browsers come from the system (Debian's chromium); never download one on install.
 * @type {import("puppeteer").Configuration}
 */
module.exports = { skipDownload: true };
