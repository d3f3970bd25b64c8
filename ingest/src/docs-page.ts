import { version as VIEWER_VERSION } from "swagger-ui-dist/package.json";

/**
 * `/docs`: the interactive API reference (Swagger UI) over the merged OpenAPI document, with no
 * network but the fabric's own origin. The viewer's files come from the `swagger-ui-dist` npm
 * package at the version package.json pins, copied into ingest's static assets by
 * scripts/docs-assets.mjs and served under a versioned path (cached for a year). The page's
 * Content-Security-Policy allows scripts, styles, fetches and images from this origin only, so a
 * viewer that tried a CDN, a font host or a validator would be stopped by the browser itself.
 *
 * @example app.get("/docs", (c) => { const d = docsPage("/openapi.json"); return c.html(d.html, 200, d.headers); });
 */
export const VIEWER_PATH = `/docs/swagger-ui/${VIEWER_VERSION}`;

export function docsPage(specUrl: string): { html: string; headers: Record<string, string> } {
  // A fresh nonce per response lets the one inline script below run and nothing else inline.
  const nonce = crypto.randomUUID();
  const config = {
    url: specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "list",
    filter: true,
    displayRequestDuration: true,
    // Swagger UI would otherwise send the document's URL to validator.swagger.io for a badge.
    validatorUrl: null,
  };
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trigger-matcher fabric API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${VIEWER_PATH}/swagger-ui.css">
</head><body>
<div id="swagger-ui"></div>
<noscript>The interactive reference needs JavaScript; the raw document is at <a href="${specUrl}">${specUrl}</a>.</noscript>
<script src="${VIEWER_PATH}/swagger-ui-bundle.js"></script>
<script nonce="${nonce}">
window.ui = SwaggerUIBundle(Object.assign(${JSON.stringify(config).replaceAll("<", "\\u003c")}, {
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"
}));
</script>
</body></html>`;
  const csp = [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Swagger UI (React) sets inline styles; its icons are data: URIs.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    // The document itself, and "Try it out" against this same fabric.
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  // Like the console: a link followed out of the reference does not tell the other site this fabric's URL.
  const headers = {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
  return { html, headers };
}
