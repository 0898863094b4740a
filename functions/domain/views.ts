/**
 * "Viewed" means a person saw the page. Link scanners (Outlook Safe Links, Gmail, corporate
 * gateways, chat previews) fetch a link before its reader does: a GET proves nothing. A person is
 * seen when the page reports itself visible (its nonce'd script), or, without JavaScript, when they
 * answer, download the PDF, or come back to the page a few seconds after a first fetch.
 */

/** User agents of known scanners, previewers and non-browser clients: their opens never count. */
const AUTOMATED_AGENTS =
  /safelinks|microsoft office|ms-office|outlook-ios|barracuda|proofpoint|mimecast|symantec|messagelabs|trend ?micro|fireeye|forcepoint|sophos|cisco|ironport|zscaler|fortinet|googleimageproxy|google-safety|google-read-aloud|feedfetcher|bingpreview|bot\b|bot\/|crawler|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|skypeuripreview|headless|phantomjs|python|curl|wget|go-http-client|okhttp|java\/|libwww|httpclient|axios|node-fetch|undici/i;

export function isAutomatedAgent(userAgent: string): boolean {
  return userAgent.trim() === '' || AUTOMATED_AGENTS.test(userAgent);
}

/** A second GET at least this long after the previous one is a person coming back. */
export const SECOND_GET_MIN_MS = 3_000;

/** How long after a GET the page may still report itself; after that the open was a scanner's. */
export const VIEW_REPORT_WAIT_MS = 2 * 60 * 1000;

export type ScanReason = 'head' | 'user_agent' | 'no_report';
