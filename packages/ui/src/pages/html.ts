/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a `<script type="application/json">` (no `</script>` or comment openers survive). */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** The frame every page shares: title, the bundled stylesheet and script, the data the script starts from. */
export function layout(page: { title: string; name: 'queries' | 'query' | 'none'; body: string; data: unknown }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Sluice</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body data-page="${page.name}">
<header class="top"><a class="brand" href="/">Sluice</a><span class="tab">Structured Streaming</span><span id="connection" class="connection" title="Live updates">●</span></header>
<main>
${page.body}
</main>
<script type="application/json" id="initial-data">${embedJson(page.data)}</script>
<script src="/assets/app.js" defer></script>
</body>
</html>
`;
}
