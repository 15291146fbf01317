/** The page a developer opens to read the confirmation codes the local Cognito "e-mailed". */
import type { CodeRecord } from './state.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Newest first; reloads itself every 5 seconds so a code shows up without a click. */
export function renderCodesPage(codes: readonly CodeRecord[]): string {
  const rows = [...codes]
    .reverse()
    .map((c) =>
      [c.at, c.username, c.kind, c.code, c.userPoolId].map((cell) => `<td>${escapeHtml(cell)}</td>`).join(''),
    )
    .map((cells) => `<tr>${cells}</tr>`)
    .join('\n');
  const body =
    codes.length === 0
      ? '<p>No codes yet. Sign up or reset a password, and the code appears here.</p>'
      : `<table><thead><tr><th>issued (UTC)</th><th>user</th><th>kind</th><th>code</th><th>user pool</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Local Cognito: codes</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}td:nth-child(4){font:bold 1.2rem monospace}</style>
</head><body>
<h1>Local Cognito: confirmation codes</h1>
<p>Codes the local cloud would have e-mailed (also at <a href="/_local/codes">/_local/codes</a> as JSON).</p>
${body}
</body></html>
`;
}
